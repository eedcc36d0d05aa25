"""Networks pages: who may see each one, pseudonymisation, suppression and the demo's story."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem import demo as demo_module
from tandem.audit.models import AuditEvent
from tandem.networks import selectors
from tandem.networks.models import RosterEntry
from tandem.programmes.models import Participant, Role
from tandem.surveys.models import Wave

pytestmark = pytest.mark.django_db

ANALYST_PAGES = ("networks:pairs", "networks:map", "networks:map_json", "networks:localities")


def _url(name: str, demo: demo_module.DemoProgramme) -> str:
    return reverse(name, args=[demo.programme.slug])


@pytest.mark.parametrize("page", ["networks:overview", *ANALYST_PAGES])
def test_lead_and_sponsor_see_every_network_page(
    page: str, demo: demo_module.DemoProgramme, lead_client: Client, sponsor_client: Client
) -> None:
    assert lead_client.get(_url(page, demo)).status_code == 200
    assert sponsor_client.get(_url(page, demo)).status_code == 200


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_participant_and_coach_are_refused_the_analyst_pages(
    page: str, demo: demo_module.DemoProgramme, participant_client: Client, coach_client: Client
) -> None:
    assert participant_client.get(_url(page, demo)).status_code == 403
    assert coach_client.get(_url(page, demo)).status_code == 403


def test_participant_is_sent_from_the_overview_to_their_own_network(
    demo: demo_module.DemoProgramme, participant_client: Client, coach_client: Client
) -> None:
    response = participant_client.get(_url("networks:overview", demo))
    assert response.status_code == 302
    assert response["Location"] == _url("networks:me", demo)
    assert coach_client.get(_url("networks:overview", demo)).status_code == 403


@pytest.mark.parametrize("page", ["networks:overview", "networks:me", *ANALYST_PAGES])
def test_outsider_sees_no_such_programme(
    page: str, demo: demo_module.DemoProgramme, outsider_client: Client
) -> None:
    assert outsider_client.get(_url(page, demo)).status_code == 404


def test_only_participants_have_an_own_network_page(
    demo: demo_module.DemoProgramme,
    lead_client: Client,
    sponsor_client: Client,
    coach_client: Client,
) -> None:
    for client in (lead_client, sponsor_client, coach_client):
        assert client.get(_url("networks:me", demo)).status_code == 403


def test_demo_overview_shows_bridging_and_linking_rising(
    demo: demo_module.DemoProgramme, lead_client: Client
) -> None:
    page = lead_client.get(_url("networks:overview", demo)).content.decode()
    assert "What changed from Baseline stock take to Repeat stock take" in page
    assert (
        "The density of ties between doctors and managers (talk at least monthly) rose from" in page
    )
    assert "Ties among doctors (bonding) stayed about the same" in page
    assert "The share of ties that cross levels of the organisation (linking) rose from" in page


def test_no_participant_name_appears_on_the_map_page_or_its_json(
    demo: demo_module.DemoProgramme, lead_client: Client
) -> None:
    # Everyone on the roster; the lead's own name is in the page header, so not among them.
    names = list(
        Participant.objects.filter(
            programme=demo.programme, role__in=[Role.PARTICIPANT, Role.SPONSOR]
        ).values_list("person__name", flat=True)
    )
    surnames = {name.split()[-1] for name in names}
    for url in (
        _url("networks:map", demo),
        _url("networks:map_json", demo),
        _url("networks:pairs", demo),
    ):
        body = lead_client.get(url).content.decode()
        assert [s for s in surnames if s in body] == [], url
    elements = lead_client.get(_url("networks:map_json", demo)).json()["elements"]
    assert elements
    assert all(e["data"]["id"].startswith("P") for e in elements)


def test_own_network_shows_own_ties_by_name_and_is_audited(
    demo: demo_module.DemoProgramme, participant_client: Client
) -> None:
    me = Participant.objects.get(programme=demo.programme, person__name="Dr Amara Okafor")
    named = RosterEntry.objects.filter(
        invitation__participant=me, invitation__wave__kind="repeat"
    ).exclude(answers={})
    assert named.exists()
    page = participant_client.get(_url("networks:me", demo)).content.decode()
    assert named.first().alter.person.name in page  # type: ignore[union-attr]
    event = AuditEvent.objects.filter(action="networks.ego_network.read").latest("pk")
    assert event.subject_id == str(me.pk)


def test_a_wave_with_fewer_than_k_roster_answers_is_suppressed(
    demo: demo_module.DemoProgramme, lead_client: Client
) -> None:
    repeat = Wave.objects.get(programme=demo.programme, kind="repeat")
    keep = list(
        RosterEntry.objects.filter(invitation__wave=repeat)
        .values_list("invitation_id", flat=True)
        .distinct()[: demo.programme.min_group_size - 1]
    )
    RosterEntry.objects.filter(invitation__wave=repeat).exclude(invitation_id__in=keep).delete()
    page = lead_client.get(_url("networks:overview", demo)).content.decode()
    assert f"fewer than {demo.programme.min_group_size}" in page
    map_page = lead_client.get(_url("networks:map", demo) + f"?wave={repeat.pk}").content.decode()
    assert "Not shown: fewer than" in map_page


def test_sponsor_sees_only_released_waves(
    demo: demo_module.DemoProgramme, sponsor_client: Client
) -> None:
    Wave.objects.filter(programme=demo.programme, kind="repeat").update(released_at=None)
    sponsor = Participant.objects.get(
        programme=demo.programme, role=Role.SPONSOR, person__name="Dr Miriam Achebe"
    )
    waves = selectors.network_waves(viewer=sponsor.person.user, programme=demo.programme)
    assert [wave.kind for wave in waves] == ["baseline"]


def test_the_overview_and_map_pages_keep_to_a_query_budget(
    demo: demo_module.DemoProgramme, lead_client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(40):
        assert lead_client.get(_url("networks:overview", demo)).status_code == 200
    # A handful of queries per wave, whatever the number of people.
    with django_assert_max_num_queries(60):
        assert lead_client.get(_url("networks:map", demo)).status_code == 200


def test_own_network_never_says_who_named_you(
    demo: demo_module.DemoProgramme, participant_client: Client
) -> None:
    me = Participant.objects.get(programme=demo.programme, person__name="Dr Amara Okafor")
    named_me = RosterEntry.objects.filter(alter=me).exclude(answers={})
    mine = set(
        RosterEntry.objects.filter(invitation__participant=me).values_list(
            "alter__person__name", flat=True
        )
    )
    others = {entry.invitation.participant.person.name for entry in named_me} - mine
    assert others
    page = participant_client.get(_url("networks:me", demo)).content.decode()
    assert [name for name in others if name in page] == []
