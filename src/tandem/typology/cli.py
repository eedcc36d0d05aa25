"""`tandem typology score --data F.csv [--json]`: score a file of indicator answers.

No Django: the file is scored against the shipped item bank (`type-indicator-v1.yaml`) with the
analysis library. One row per person, one column per item id (ei1 … jp8) holding 1–5 (blank for
no answer); an `id` column, if present, labels the rows. Bad input raises `AnalysisInputError`,
which `tandem.cli.main` prints as a message with exit code 2.
"""

from __future__ import annotations

import argparse
import json
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.registry import CliGroups

ID_COLUMN = "id"


def score_command(csv_path: str | PathLike[str]) -> dict[str, Any]:
    """Score every row of the file: the reported type and, per pair, total, clarity and band.

    Returns {"instrument", "version", "people": [{"row", "id", "reported_type", "preferences":
    {pair: {"letter", "total", "answered", "items", "clarity", "band"}}}], "reliability": {pair:
    {"alpha", "n"} | None}}. Rows are numbered as a spreadsheet shows them (header = row 1).
    """
    from tandem.analysis._frames import as_float
    from tandem.analysis.commands import FIRST_DATA_ROW, read_csv
    from tandem.analysis.typology import PAIRS, answer_frame, pair_reliability, score_answers
    from tandem.typology.indicator import get_indicator

    indicator = get_indicator()
    items = indicator.scoring_items
    frame = read_csv(csv_path)
    values = answer_frame(frame, items, what=f"{Path(csv_path).name}")
    people = []
    labels = frame[ID_COLUMN].tolist() if ID_COLUMN in frame.columns else [None] * len(frame)
    for offset, ((_, answers), label) in enumerate(zip(values.iterrows(), labels, strict=True)):
        score = score_answers(answers.to_dict(), items)
        people.append(
            {
                "row": FIRST_DATA_ROW + offset,
                "id": label if isinstance(label, str) and label.strip() else None,
                "reported_type": score.reported_type,
                "preferences": {
                    p.pair: {
                        "letter": p.symbol,
                        "total": p.total,
                        "answered": p.answered,
                        "items": p.n_items,
                        "clarity": p.clarity,
                        "band": None if p.band is None else str(p.band),
                    }
                    for p in score.preferences
                },
            }
        )
    alphas: dict[str, dict[str, Any] | None] = {}
    by_pair = pair_reliability(values, items)
    for pair in PAIRS:
        result = by_pair[pair.id].result
        alphas[pair.id] = (
            None if result is None else {"alpha": as_float(result.alpha), "n": result.n}
        )
    return {
        "instrument": indicator.id,
        "version": indicator.version,
        "people": people,
        "reliability": alphas,
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def cmd_score(args: argparse.Namespace) -> int:
    result = score_command(args.data)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    headings = "".join(f"{title:<27}" for title in ("E–I", "S–N", "T–F", "J–P"))
    print(f"{'row':>4}  {'id':<12} type  {headings}".rstrip())
    for person in result["people"]:
        cells = "".join(
            f"{p['letter']} {_percent(p['clarity']):>4} {p['band'] or 'too few answers':<20}"
            for p in person["preferences"].values()
        )
        print(
            f"{person['row']:>4}  {(person['id'] or ''):<12} {person['reported_type']}  {cells}".rstrip()
        )
    print("X: no clear preference (settled only by the person's best fit); ?: too few answers.")
    alphas = ", ".join(
        f"{pair.upper()} {'–' if value is None else format(value['alpha'], '.2f')}"
        for pair, value in result["reliability"].items()
    )
    print(f"Cronbach's alpha per pair: {alphas}")
    return 0


def add_parser(subparsers: Any) -> None:
    """Add `typology score` to the `tandem` command's subcommands."""
    typology = subparsers.add_parser("typology", help="the open type indicator").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    score = typology.add_parser(
        "score", help="score a file of type-indicator answers (one row per person)"
    )
    score.add_argument(
        "--data",
        required=True,
        metavar="F.csv",
        help="columns ei1 … jp8 holding 1–5 (blank for no answer); an optional id column",
    )
    score.add_argument("--json", action="store_true", help="print the result as JSON")
    score.set_defaults(func=cmd_score)


def add_commands(groups: CliGroups) -> None:
    """Add `typology score` to the `tandem` command (registered as this app's `cli`)."""
    add_parser(groups.commands)
