"""How often each code occurs, and which codes occur together, suppressed for k and
through the disclosure ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tandem.analysis.anonymity import Position, SuppressedTable
from tandem.analysis.themes import (
    RESPONDENTS_ROW,
    Cell,
    CodeFrequencyTable,
    code_frequency_table,
)
from tandem.analysis.themes import code_cooccurrence as cooccurrence_table
from tandem.coding.selectors.wave_themes import OPEN_ANSWERS, SURFACE, WaveThemes, Writers
from tandem.disclosure.ledger import Piece, Scope, piece, table_with_ledger
from tandem.programmes.models import Profession
from tandem.surveys.models import Wave

# Group labels for the frequency tables, in the order shown.
PROFESSION_GROUPS: tuple[tuple[str, str], ...] = (
    (Profession.DOCTOR, "Doctors"),
    (Profession.MANAGER, "Managers"),
    (Profession.OTHER_CLINICIAN, "Other clinicians"),
    (Profession.OTHER, "Others"),
    ("", "Profession not recorded"),
)


@dataclass(frozen=True)
class FrequencyRow:
    code_id: int
    label: str
    cells: tuple[Cell, ...]  # in the order of `CodeFrequencies.groups`
    total: Cell


@dataclass(frozen=True)
class CodeFrequencies:
    wave: Wave
    k: int
    approved_only: bool
    groups: tuple[tuple[str, str], ...]  # (profession value, label)
    respondents: tuple[Cell, ...]  # people who wrote, and interviews, per group
    respondents_total: Cell
    rows: tuple[FrequencyRow, ...] = field(default_factory=tuple)
    reason: str = ""  # why there is no table at all (the wave is still open)


def _frequency_pieces(
    table: CodeFrequencyTable, writers: Writers, scope: Scope
) -> dict[Position, tuple[Piece, ...]]:
    """The population behind every number of the table, overall figures first (precedence)."""
    rows = [RESPONDENTS_ROW, *(row.code for row in table.rows)]
    everyone = (piece(scope, OPEN_ANSWERS, writers.everyone),)
    groups = {
        group: (piece(scope, OPEN_ANSWERS, writers.in_group(group)),) for group in table.groups
    }
    pieces: dict[Position, tuple[Piece, ...]] = {Position.row_total(row): everyone for row in rows}
    for row in rows:
        for group in table.groups:
            pieces[Position.cell(row, group)] = groups[group]
    return pieces


def code_frequencies(*, wave: Wave, approved_only: bool = True) -> CodeFrequencies:
    """How many people who wrote (and interviews) carry each code, by profession.

    Suppressed for k within the table, and through the ledger against every population already
    shown for the wave's written answers; nothing while the wave is open.
    """
    return frequencies_of(WaveThemes(wave, approved_only=approved_only))


def frequencies_of(themes: WaveThemes) -> CodeFrequencies:
    wave, k, approved_only = themes.wave, themes.k, themes.approved_only
    if not themes.scope.frozen:
        return CodeFrequencies(
            wave=wave,
            k=k,
            approved_only=approved_only,
            groups=(),
            respondents=(),
            respondents_total=Cell(count=None, reason=themes.scope.pending),
            reason=themes.scope.pending,
        )

    def build(forced: Iterable[Position]) -> CodeFrequencyTable | None:
        return code_frequency_table(
            themes.units,
            k=k,
            wave=str(wave.pk),
            codes=[str(node.id) for node in themes.nodes],
            groups=[value for value, _ in PROFESSION_GROUPS],
            forced_hidden=forced,
        )

    first = build(())
    if first is None:
        return CodeFrequencies(
            wave=wave,
            k=k,
            approved_only=approved_only,
            groups=(),
            respondents=(),
            respondents_total=Cell(count=None, reason="no responses"),
        )

    def suppress(forced: Iterable[Position]) -> SuppressedTable:
        table = build(forced)
        assert table is not None and table.suppressed is not None  # the units are the same
        return table.suppressed

    _, refused = table_with_ledger(
        programme=wave.programme,
        surface=SURFACE,
        suppress=suppress,
        pieces=_frequency_pieces(first, themes.writers, themes.scope),
    )
    table = build(refused) or first

    def cell(position: Position, found: Cell) -> Cell:
        # The ledger's own words for what it refused; the table's for the rest.
        return Cell(count=None, reason=refused[position]) if position in refused else found

    labels = dict(PROFESSION_GROUPS)
    return CodeFrequencies(
        wave=wave,
        k=k,
        approved_only=approved_only,
        groups=tuple((group, labels.get(group, group)) for group in table.groups),
        respondents=tuple(
            cell(Position.cell(RESPONDENTS_ROW, group), table.respondents[group])
            for group in table.groups
        ),
        respondents_total=cell(Position.row_total(RESPONDENTS_ROW), table.respondents_total),
        rows=tuple(
            FrequencyRow(
                code_id=int(row.code),
                label=themes.paths[int(row.code)],
                cells=tuple(
                    cell(Position.cell(row.code, group), row.cells[group]) for group in table.groups
                ),
                total=cell(Position.row_total(row.code), row.total),
            )
            for row in table.rows
        ),
    )


@dataclass(frozen=True)
class CooccurrenceRow:
    first_id: int
    first: str
    second_id: int
    second: str
    cell: Cell


@dataclass(frozen=True)
class CodeCooccurrence:
    wave: Wave
    k: int
    rows: tuple[CooccurrenceRow, ...]
    reason: str = ""  # why no pair is listed although some were found (open wave, ledger)


def code_cooccurrence(*, wave: Wave, approved_only: bool = True) -> CodeCooccurrence:
    """Pairs of codes in the same response or interview, with how many; fewer than k hidden.

    Every count is over everyone who wrote: when the ledger refuses that population, no pair is
    listed (which pairs occur would itself be a reading).
    """
    return cooccurrence_of(WaveThemes(wave, approved_only=approved_only))


def cooccurrence_of(themes: WaveThemes) -> CodeCooccurrence:
    wave, k = themes.wave, themes.k
    if not themes.scope.frozen:
        return CodeCooccurrence(wave=wave, k=k, rows=(), reason=themes.scope.pending)
    pairs = cooccurrence_table(
        themes.units, k=k, codes=[str(node.id) for node in themes.nodes]
    ).get(str(wave.pk), ())
    if not pairs:
        return CodeCooccurrence(wave=wave, k=k, rows=())
    if themes.everyone_refused is not None:
        return CodeCooccurrence(wave=wave, k=k, rows=(), reason=themes.everyone_refused)
    return CodeCooccurrence(
        wave=wave,
        k=k,
        rows=tuple(
            CooccurrenceRow(
                first_id=int(pair.first),
                first=themes.paths[int(pair.first)],
                second_id=int(pair.second),
                second=themes.paths[int(pair.second)],
                cell=pair.cell,
            )
            for pair in pairs
        ),
    )
