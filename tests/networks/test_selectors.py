"""Selectors: the own network's confirmation counts, and networks built from submitted answers."""

from __future__ import annotations

import pytest

from tandem import demo as demo_module
from tandem.networks import selectors
from tandem.networks.models import RosterEntry
from tandem.programmes.models import Participant, Role
from tandem.surveys.models import Invitation, InvitationStatus, Wave

pytestmark = pytest.mark.django_db

SECTION = "working_relationships"


def _amara(demo: demo_module.DemoProgramme) -> Participant:
    return Participant.objects.get(programme=demo.programme, person__name="Dr Amara Okafor")


def _only(
    demo: demo_module.DemoProgramme, wave: Wave, named: list[str], named_back_by: list[str]
) -> None:
    """Replace the wave's roster answers: Amara names `named`; `named_back_by` name her."""
    RosterEntry.objects.filter(invitation__wave=wave).delete()
    amara = _amara(demo)
    people = {
        p.person.name: p
        for p in Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT)
    }
    invitations = {i.participant_id: i for i in Invitation.objects.filter(wave=wave)}
    Invitation.objects.filter(wave=wave).update(status=InvitationStatus.SUBMITTED)
    for name in named:
        RosterEntry.objects.create(
            invitation=invitations[amara.pk],
            section_id=SECTION,
            alter=people[name],
            answers={"talk": 4},
        )
    for name in named_back_by:
        RosterEntry.objects.create(
            invitation=invitations[people[name].pk],
            section_id=SECTION,
            alter=amara,
            answers={"talk": 5},
        )


COLLEAGUES = [
    "Anna Kowalski",
    "Brian Doyle",
    "Dr Ben Hartley",
    "Dr Chloe Whitfield",
    "Dan Thornton",
]


def test_own_network_counts_confirmations_only_when_no_one_could_be_singled_out(
    demo: demo_module.DemoProgramme,
) -> None:
    wave = Wave.objects.get(programme=demo.programme, kind="repeat")
    user = _amara(demo).person.user
    _only(demo, wave, COLLEAGUES, COLLEAGUES[:3])
    ego = selectors.ego_network(viewer=user, programme=demo.programme)
    repeat = next(w for w in ego.waves if w.wave == wave)
    assert repeat.confirmed["talk"] == (5, 3)
    assert repeat.confirmed["trust"] is None  # she named nobody on trust

    # All five named her back: saying so would tell her each one's answer.
    _only(demo, wave, COLLEAGUES, COLLEAGUES)
    ego = selectors.ego_network(viewer=user, programme=demo.programme)
    assert next(w for w in ego.waves if w.wave == wave).confirmed["talk"] is None

    # Fewer than k named: not shown either.
    _only(demo, wave, COLLEAGUES[:2], COLLEAGUES[:1])
    ego = selectors.ego_network(viewer=user, programme=demo.programme)
    assert next(w for w in ego.waves if w.wave == wave).confirmed["talk"] is None


def test_networks_use_submitted_answers_and_keep_sponsors_who_were_not_invited(
    demo: demo_module.DemoProgramme,
) -> None:
    wave = Wave.objects.get(programme=demo.programme, kind="repeat")
    _only(demo, wave, COLLEAGUES, [])
    amara = Invitation.objects.get(wave=wave, participant=_amara(demo))
    data = selectors.wave_networks(wave=wave)
    assert data is not None
    assert data.respondents == 1
    codes = selectors.pseudonyms(programme=demo.programme)
    sponsors = Participant.objects.filter(programme=demo.programme, role=Role.SPONSOR)
    assert {codes[s.pk] for s in sponsors} <= set(data.networks["talk"].nodes)
    assert len(data.networks["talk"].nodes) == 1 + sponsors.count()
    assert data.networks["talk"].edges == ()  # colleagues who did not answer are left out

    Invitation.objects.filter(pk=amara.pk).update(status=InvitationStatus.IN_PROGRESS)
    assert selectors.wave_networks(wave=wave).respondents == 0  # type: ignore[union-attr]
