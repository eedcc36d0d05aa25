"""`tandem analyse reliability` and `tandem analyse prepost`: statistics on your own CSV files.

No database: the files go straight to `tandem.analysis.commands`. Bad input raises
`AnalysisInputError`, which `tandem.cli.main` prints as a message with exit code 2.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _number(value: Any, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def cmd_analyse_reliability(args: argparse.Namespace) -> int:
    from tandem.analysis.commands import reliability_command

    result = reliability_command(args.data, _split_names(args.items))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    low, high = result["alpha_ci"]
    print(
        f"Respondents: {result['n']} ({result['n_complete']} answered every item); items: {result['k']}"
    )
    print(
        f"Cronbach's alpha: {_number(result['alpha'], 3)} (95% CI {_number(low, 3)} to {_number(high, 3)})"
    )
    print(f"McDonald's omega: {_number(result['omega'], 3)}")
    print("Corrected item–total correlations:")
    for item, r in result["item_total"].items():
        print(f"  {item:<20} {_number(r, 3)}")
    if result["alpha"] is not None and result["alpha"] < 0.7:
        print("Warning: alpha is below 0.7; treat the scale score with caution.")
    return 0


def cmd_analyse_prepost(args: argparse.Namespace) -> int:
    from tandem.analysis.commands import prepost_command

    result = prepost_command(
        args.data, args.id, args.wave, args.before, args.after, _split_names(args.scales)
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{'scale':<20} {'n':>4} {'before':>7} {'after':>7} {'change':>7} {'95% CI':>17} {'p (Holm)':>9}  verdict"
    )
    for row in result["scales"]:
        ci = f"{_number(row['ci_low'])} to {_number(row['ci_high'])}"
        print(
            f"{row['scale']:<20} {row['n_matched']:>4} {_number(row['mean_before']):>7} "
            f"{_number(row['mean_after']):>7} {_number(row['mean_diff']):>7} {ci:>17} "
            f"{_number(row['p_holm'], 3):>9}  {row['verdict']}"
        )
    overall = result["attrition"]["overall"]
    print(
        f"\nPeople in both waves: {overall['both']}; before only: {overall['before_only']}; "
        f"after only: {overall['after_only']}"
    )
    return 0


def add_analyse_commands(analyse: Any) -> None:
    rel = analyse.add_parser(
        "reliability", help="Cronbach's alpha, omega and item–total correlations"
    )
    rel.add_argument("--data", required=True, metavar="F.csv", help="one row per respondent")
    rel.add_argument(
        "--items", required=True, metavar="A,B,C", help="the item columns of one scale"
    )
    rel.add_argument("--json", action="store_true")
    rel.set_defaults(func=cmd_analyse_reliability)
    pre = analyse.add_parser("prepost", help="before/after comparison of matched people")
    pre.add_argument(
        "--data", required=True, metavar="F.csv", help="long format: a row per person per wave"
    )
    pre.add_argument("--id", required=True, metavar="COL", help="the column identifying a person")
    pre.add_argument("--wave", required=True, metavar="COL", help="the column naming the wave")
    pre.add_argument("--before", required=True, metavar="V", help="the wave value for before")
    pre.add_argument("--after", required=True, metavar="V", help="the wave value for after")
    pre.add_argument("--scales", required=True, metavar="A,B", help="the scale-score columns")
    pre.add_argument("--json", action="store_true")
    pre.set_defaults(func=cmd_analyse_prepost)
