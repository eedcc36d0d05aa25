"""A de-identified research dataset: scale scores per person per wave, with quasi-identifiers
coarsened until every released combination holds at least k people.

Rows arrive keyed by a person key (never released) with their quasi-identifiers — profession,
level, locality — and their scale scores in one wave. The release:

1. Gives each person a random code, new for every export (`secrets`), the same across waves of
   one export so that change can be computed; never the key or anything derived from it.
2. Keeps quasi-identifiers only while, in every wave, every combination of the kept ones holds
   at least k people. Otherwise it drops them in a fixed order — locality first (the most
   identifying in a trust: few people lead a service in each), then level, then profession —
   until it does; each drop is recorded with its reason for the codebook.
3. Leaves out a wave with fewer than k people even with every quasi-identifier dropped (its
   scores would describe fewer than k people), saying so; refuses when no wave is left.

Each wave is checked on its own because a row is a person in a wave: a combination that holds k
people over the whole export but one in a given wave would single that person out there. The
group (the programme's own people, or a comparison group outside it) is part of the design and is
never dropped: each group of each wave is checked, and left out below k, on its own.

No Django here.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tandem.analysis.errors import AnalysisInputError

QUASI_IDENTIFIERS = ("profession", "level", "locality")
DROP_ORDER = ("locality", "level", "profession")


@dataclass(frozen=True)
class PersonWave:
    person: Any  # a key of the caller's; never released
    wave: str
    quasi: Mapping[str, str]
    scores: Mapping[str, float | None]
    group: str = "programme"


@dataclass
class Release:
    k: int
    kept: list[str]
    dropped: list[tuple[str, str]]  # (quasi-identifier, why)
    waves_left_out: list[tuple[str, int]]  # (wave, or "wave, group", people) below k
    columns: list[str]  # code, wave, group, kept quasi-identifiers, then scales
    scales: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def people(self) -> int:
        return len({row["code"] for row in self.rows})


def _smallest_group(rows: Sequence[PersonWave], kept: Sequence[str]) -> tuple[str, int] | None:
    """The smallest (wave, group, combination) count of people, or None when every one holds
    enough; the wave is named with its group when that is not the programme's."""
    counts: dict[tuple[str, str, tuple[str, ...]], set[Any]] = {}
    for row in rows:
        combination = tuple(str(row.quasi.get(name, "")) for name in kept)
        counts.setdefault((row.wave, row.group, combination), set()).add(row.person)
    if not counts:
        return None
    (wave, group, _combination), people = min(counts.items(), key=lambda item: len(item[1]))
    return _where(wave, group), len(people)


def _where(wave: str, group: str) -> str:
    return wave if group == "programme" else f"{wave} ({group} group)"


def release(rows: Sequence[PersonWave], *, scales: Sequence[str], k: int) -> Release:
    """The research release of `rows` (see the module's docstring)."""
    if k < 2:
        raise AnalysisInputError("k must be at least 2.")
    by_wave: dict[tuple[str, str], set[Any]] = {}
    for row in rows:
        by_wave.setdefault((row.wave, row.group), set()).add(row.person)
    left_out = [
        (_where(wave, group), len(people))
        for (wave, group), people in by_wave.items()
        if len(people) < k
    ]
    usable = [row for row in rows if len(by_wave[(row.wave, row.group)]) >= k]
    if not usable:
        raise AnalysisInputError(
            f"No wave has at least {k} people with scores, so nothing can be released without "
            "describing fewer than k people."
        )
    kept = list(QUASI_IDENTIFIERS)
    dropped: list[tuple[str, str]] = []
    for name in DROP_ORDER:
        smallest = _smallest_group(usable, kept)
        if smallest is None or smallest[1] >= k:
            break
        kept.remove(name)
        dropped.append(
            (
                name,
                f"with it, a combination held fewer than {k} people in {smallest[0]} "
                f"({smallest[1]}), so it was dropped",
            )
        )
    codes: dict[Any, str] = {}
    used: set[str] = set()
    for row in usable:
        if row.person not in codes:
            code = secrets.token_hex(4).upper()
            while code in used:
                code = secrets.token_hex(4).upper()
            used.add(code)
            codes[row.person] = code
    released = Release(
        k=k,
        kept=kept,
        dropped=dropped,
        waves_left_out=sorted(left_out),
        columns=["code", "wave", "group", *kept, *scales],
        scales=list(scales),
    )
    for row in usable:
        out: dict[str, Any] = {"code": codes[row.person], "wave": row.wave, "group": row.group}
        out |= {name: row.quasi.get(name, "") for name in kept}
        out |= {scale: row.scores.get(scale) for scale in scales}
        released.rows.append(out)
    # Rows in code order, not in the caller's (which could follow names or database ids).
    released.rows.sort(key=lambda r: (r["code"], r["wave"]))
    return released
