"""People and ties: the `Network` and the checked readers that build one from rows or CSV files."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

from tandem.analysis.errors import AnalysisInputError

FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Network:
    """People (`nodes`, string ids), the ties they named and what is known about each person.

    `edges` are (source, target, weight): source named target; weight 1.0 when none was given.
    `attributes` maps a person's id to {"profession": "doctor", "level": "senior", ...}; a
    missing key means not known.
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, float], ...]
    directed: bool = True
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def _columns(row: Mapping[str, str]) -> dict[str, str]:
    """Column name (stripped, lower-case) → the row's key for it."""
    return {_clean(key).lower(): key for key in row if key is not None}


def network_from_rows(
    edge_rows: Iterable[Mapping[str, str]],
    node_rows: Iterable[Mapping[str, str]] | None = None,
    *,
    directed: bool = True,
) -> Network:
    """A checked `Network` from rows of an edge list and, optionally, a list of people.

    Edge rows need "source" and "target" (any case) and may have "weight" (a number ≥ 0, blank =
    1; a weight of 0 means no tie and the row is skipped). Node rows need "id"; every other column
    is an attribute (blank = not known). Rows are numbered as a spreadsheet shows them (header =
    row 1). Raises `AnalysisInputError` naming the row and value for: missing columns, blank ids,
    ids not in the node list (when one is given), repeated ids, a person naming themself, a tie
    given twice (in an undirected network a–b and b–a are the same tie), and weights that are
    not numbers or are negative.
    """
    nodes: list[str] = []
    attributes: dict[str, dict[str, str]] = {}
    known: dict[str, int] | None = None
    if node_rows is not None:
        known = {}
        id_key: str | None = None
        for number, row in enumerate(node_rows, start=FIRST_DATA_ROW):
            if id_key is None:
                columns = _columns(row)
                if "id" not in columns:
                    names = ", ".join(_clean(k) for k in row if k is not None) or "none"
                    raise AnalysisInputError(
                        f"The people (nodes) file needs an “id” column (its columns: {names})."
                    )
                id_key = columns["id"]
            person = _clean(row.get(id_key))
            if not person:
                raise AnalysisInputError(f"Nodes row {number}: the id is empty.")
            if person in known:
                raise AnalysisInputError(
                    f"Nodes row {number} repeats the id “{person}” from row {known[person]}."
                )
            known[person] = number
            nodes.append(person)
            attributes[person] = {
                _clean(key): _clean(value)
                for key, value in row.items()
                if key is not None and key != id_key and _clean(value)
            }
    seen_nodes = set(nodes)
    edges: list[tuple[str, str, float]] = []
    first_row: dict[tuple[str, str], int] = {}
    keys: dict[str, str] | None = None
    for number, row in enumerate(edge_rows, start=FIRST_DATA_ROW):
        if keys is None:
            keys = _columns(row)
            missing = [name for name in ("source", "target") if name not in keys]
            if missing:
                names = ", ".join(_clean(k) for k in row if k is not None) or "none"
                wanted = " and ".join(f"“{name}”" for name in missing)
                raise AnalysisInputError(
                    f"The ties (edges) file needs a {wanted} column (its columns: {names})."
                )
        source, target = _clean(row.get(keys["source"])), _clean(row.get(keys["target"]))
        for role, person in (("source", source), ("target", target)):
            if not person:
                raise AnalysisInputError(f"Edges row {number}: the {role} is empty.")
            if known is not None and person not in known:
                raise AnalysisInputError(
                    f"Edges row {number}: the {role} “{person}” is not in the people (nodes) file."
                )
        if source == target:
            raise AnalysisInputError(
                f"Edges row {number}: “{source}” names themself; a tie must join two people."
            )
        weight = 1.0
        raw = _clean(row.get(keys["weight"])) if "weight" in keys else ""
        if raw:
            try:
                weight = float(raw)
            except ValueError:
                raise AnalysisInputError(
                    f"Edges row {number}: the weight “{raw}” is not a number."
                ) from None
            if not math.isfinite(weight):
                raise AnalysisInputError(
                    f"Edges row {number}: the weight “{raw}” is not a finite number."
                )
            if weight < 0:
                raise AnalysisInputError(
                    f"Edges row {number}: the weight “{raw}” is negative; weights are 0 or more."
                )
            if weight == 0:
                continue
        pair = (source, target) if directed else tuple(sorted((source, target)))
        key = (pair[0], pair[1])
        if key in first_row:
            arrow = "→" if directed else "–"
            raise AnalysisInputError(
                f"Edges row {number} repeats the tie “{source}” {arrow} “{target}” "
                f"from row {first_row[key]}."
            )
        first_row[key] = number
        edges.append((source, target, weight))
        for person in (source, target):
            if person not in seen_nodes:
                seen_nodes.add(person)
                nodes.append(person)
    if not nodes:
        raise AnalysisInputError("There are no people: the files have no ties and no nodes.")
    return Network(nodes=tuple(nodes), edges=tuple(edges), directed=directed, attributes=attributes)


def _read_rows(path: Path, what: str, needed: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise AnalysisInputError(f"File not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = reader.fieldnames
    except UnicodeDecodeError as error:
        raise AnalysisInputError(f"{path} is not UTF-8 text; save it as CSV UTF-8.") from error
    except csv.Error as error:
        raise AnalysisInputError(f"{path} could not be read as CSV: {error}") from error
    if header is None:
        raise AnalysisInputError(f"The {what} file {path} is empty.")
    # With rows, network_from_rows checks the columns; a header alone is checked here.
    present = {_clean(name).lower() for name in header}
    missing = [name for name in needed if name not in present]
    if not rows and missing:
        wanted = " and ".join(f"“{name}”" for name in missing)
        raise AnalysisInputError(f"The {what} file {path} needs a {wanted} column.")
    return rows


def read_network_csv(
    edges_path: str | PathLike[str],
    nodes_path: str | PathLike[str] | None = None,
    *,
    directed: bool = True,
) -> Network:
    """`network_from_rows` over CSV files (UTF-8, with or without the byte-order mark)."""
    edge_rows = _read_rows(Path(edges_path), "ties (edges)", ("source", "target"))
    node_rows = (
        None if nodes_path is None else _read_rows(Path(nodes_path), "people (nodes)", ("id",))
    )
    return network_from_rows(edge_rows, node_rows, directed=directed)
