from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem import demo as demo_module
from tandem.programmes.models import Participant
from tandem.typology.demo import seed_types
from tandem.typology.indicator import get_indicator
from tandem.typology.models import IndicatorResponse, TypeProfile
from tandem.typology.selectors import people

from ..conftest import participant_named

CoachMap = dict[int, Participant]


@pytest.fixture(autouse=True)
def _no_types(demo: demo_module.DemoProgramme, monkeypatch: pytest.MonkeyPatch) -> CoachMap:
    """Start every test with no types in the demo, and with nobody coaching anybody.

    The coaching app decides who coaches whom; these tests say it themselves through
    `coaching`, so that they do not depend on that app's demo data.
    """
    TypeProfile.objects.filter(participant__programme=demo.programme).delete()
    IndicatorResponse.objects.filter(participant__programme=demo.programme).delete()
    coaches: CoachMap = {}
    monkeypatch.setattr(people, "coach_of", lambda participant: coaches.get(participant.pk))
    return coaches


@pytest.fixture
def coaching(_no_types: CoachMap) -> CoachMap:
    """participant id → coach: assign to make someone a coachee."""
    return _no_types


@pytest.fixture
def seeded(demo: demo_module.DemoProgramme) -> demo_module.DemoProgramme:
    seed_types(programme=demo.programme)
    return demo


@pytest.fixture
def amara(demo: demo_module.DemoProgramme) -> Participant:
    return participant_named(demo, "Dr Amara Okafor")


@pytest.fixture
def anna(demo: demo_module.DemoProgramme) -> Participant:
    """Dr Okafor's partner: the North Community Mental Health Team's service manager."""
    return participant_named(demo, "Anna Kowalski")


@pytest.fixture
def nadia(demo: demo_module.DemoProgramme) -> Participant:
    return participant_named(demo, "Nadia Foster")


def answers_for_type(code: str) -> dict[str, int]:
    """Answers that score as `code` (a clear preference on every pair)."""
    from tandem.typology.demo import answers_for

    return answers_for(get_indicator(), code, "3333")


@pytest.fixture
def answers() -> Callable[[str], dict[str, int]]:
    return answers_for_type
