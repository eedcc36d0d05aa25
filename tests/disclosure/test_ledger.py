"""The ledger as pages use it: what it refuses, what it records, and when it writes."""

from __future__ import annotations

import pytest

from tandem.analysis.anonymity import BREAKDOWN_COLUMN, Position, suppress_breakdown
from tandem.disclosure.ledger import Disclosure, Scope, piece, table_with_ledger
from tandem.disclosure.models import DisclosedPopulation

from ..factories import ProgrammeFactory

OPEN = Scope(key="wave:1", frozen=False, pending="Results appear when the questionnaire closes.")
CLOSED = Scope(key="wave:1", frozen=True)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(min_group_size=5)


def test_a_figure_over_a_scope_that_can_still_change_is_refused_with_when_it_will_appear(
    programme,
) -> None:
    ledger = Disclosure(programme=programme, surface="test")
    ledger.add("mean", piece(OPEN, "scale:trust", range(10)))
    decisions = ledger.decide()
    assert not decisions.shown("mean")
    assert decisions.reason("mean") == "Results appear when the questionnaire closes."
    assert not DisclosedPopulation.objects.filter(programme=programme).exists()


def test_a_shown_population_is_recorded_once_and_shown_again(programme) -> None:
    for _ in range(2):
        ledger = Disclosure(programme=programme, surface="test")
        ledger.add("mean", piece(CLOSED, "scale:trust", range(10)))
        assert ledger.decide().shown("mean")
    row = DisclosedPopulation.objects.get(programme=programme)
    assert (row.scope, row.measure, row.size, row.members) == (
        "wave:1",
        "scale:trust",
        10,
        list(range(10)),
    )


def test_a_later_reading_over_one_more_person_is_refused(programme) -> None:
    first = Disclosure(programme=programme, surface="test")
    first.add("mean", piece(CLOSED, "scale:trust", range(10)))
    assert first.decide().shown("mean")
    later = Disclosure(programme=programme, surface="another page")
    later.add("mean", piece(CLOSED, "scale:trust", range(11)))
    later.add("other measure", piece(CLOSED, "scale:communication", range(11)))
    decisions = later.decide()
    assert not decisions.shown("mean")
    assert "differs by fewer than 5 people" in (decisions.reason("mean") or "")
    # Another measure over the same people is its own reading.
    assert decisions.shown("other measure")


def test_a_dry_run_decides_without_recording(programme) -> None:
    ledger = Disclosure(programme=programme, surface="test")
    ledger.add("mean", piece(CLOSED, "scale:trust", range(10)))
    assert ledger.decide(dry_run=True).shown("mean")
    assert not DisclosedPopulation.objects.filter(programme=programme).exists()


def test_a_figure_drawing_on_two_waves_needs_both_pieces_allowed(programme) -> None:
    other = Scope(key="wave:2", frozen=True)
    seen = Disclosure(programme=programme, surface="test")
    seen.add("wave 2", piece(other, "scale:trust", range(17)))
    seen.decide()
    change = Disclosure(programme=programme, surface="test")
    change.add(
        "change", piece(CLOSED, "scale:trust", range(15)), piece(other, "scale:trust", range(15))
    )
    assert not change.decide().shown("change")
    # Nothing of a refused figure is recorded, not even its allowed piece.
    assert not DisclosedPopulation.objects.filter(programme=programme, scope="wave:1").exists()


def test_a_refused_cell_hides_its_complement_in_the_table(programme) -> None:
    doctors, managers = frozenset(range(8)), frozenset(range(8, 17))
    # Doctors were shown elsewhere over one person more.
    DisclosedPopulation.objects.create(
        programme=programme,
        scope="wave:1",
        measure="scale:trust",
        digest="x",
        members=list(range(9)),
        size=9,
        surface="elsewhere",
    )
    total = Position.column_total(BREAKDOWN_COLUMN)
    cells = {
        total: (piece(CLOSED, "scale:trust", doctors | managers),),
        Position.cell("Doctors", BREAKDOWN_COLUMN): (piece(CLOSED, "scale:trust", doctors),),
        Position.cell("Managers", BREAKDOWN_COLUMN): (piece(CLOSED, "scale:trust", managers),),
    }
    table, refused = table_with_ledger(
        programme=programme,
        surface="test",
        suppress=lambda forced: suppress_breakdown(
            {"Doctors": 8, "Managers": 9}, k=5, forced_hidden=forced
        ),
        pieces=cells,
    )
    assert table.is_shown(total)
    assert not table.is_shown(Position.cell("Doctors", BREAKDOWN_COLUMN))
    assert not table.is_shown(Position.cell("Managers", BREAKDOWN_COLUMN))
    assert Position.cell("Doctors", BREAKDOWN_COLUMN) in refused
