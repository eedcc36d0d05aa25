"""The roster section: the table, the name generator, what is stored and what is ignored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem import demo as demo_module
from tandem.analysis.networks import Network
from tandem.networks import selectors, services
from tandem.networks.models import RosterEntry
from tandem.programmes.models import Participant
from tandem.surveys import services as survey_services
from tandem.surveys.models import Answer, Invitation

pytestmark = pytest.mark.django_db

SECTION = "working_relationships"


@pytest.fixture
def invitation(demo: demo_module.DemoProgramme) -> Invitation:
    today = timezone.localdate()
    wave = survey_services.wave_create(
        programme=demo.programme,
        title="Roster check",
        kind="baseline",
        instrument_id="stock-take",
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
    )
    return wave.invitations.get(participant__person__name="Dr Amara Okafor")


def _page(invitation: Invitation, query: str = "") -> str:
    return reverse("surveys:respond_section", args=[invitation.token, SECTION]) + query


def _colleague(demo: demo_module.DemoProgramme, name: str) -> Participant:
    return Participant.objects.get(programme=demo.programme, person__name=name)


def test_the_roster_page_asks_about_every_other_participant_and_sponsor_by_service(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    page = Client().get(_page(invitation)).content.decode()
    assert "Page 10 of 11" in page
    assert "Anna Kowalski" in page
    assert "Richard Ashworth" in page  # a sponsor
    assert "North Community Mental Health Team (Riverside North)" in page
    assert "Priya Sandhu" not in page  # the lead is not on the roster
    assert 'name="r-' + str(invitation.participant_id) + "-talk" not in page  # nor oneself


def test_the_table_saves_answers_without_javascript_and_unticking_clears_them(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    anna = _colleague(demo, "Anna Kowalski")
    client = Client()
    response = client.post(
        _page(invitation),
        {"shown": [anna.pk], f"r-{anna.pk}-talk": "4", f"r-{anna.pk}-trust": "1", "go": "next"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/page/your_views/")
    entry = RosterEntry.objects.get(invitation=invitation, alter=anna)
    assert entry.answers == {"talk": 4, "trust": 1}

    client.post(_page(invitation), {"shown": [anna.pk], f"r-{anna.pk}-talk": "4", "go": "stay"})
    entry.refresh_from_db()
    assert entry.answers == {"talk": 4}
    client.post(_page(invitation), {"shown": [anna.pk], "go": "stay"})
    assert not RosterEntry.objects.filter(invitation=invitation, alter=anna).exists()


def test_a_value_off_the_scale_is_refused_with_a_message(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    anna = _colleague(demo, "Anna Kowalski")
    response = Client().post(
        _page(invitation), {"shown": [anna.pk], f"r-{anna.pk}-talk": "9", "go": "next"}
    )
    assert response.status_code == 400
    assert "Choose one of the answers shown." in response.content.decode()
    assert not RosterEntry.objects.filter(invitation=invitation).exists()


def test_the_name_generator_searches_picks_then_rates_only_those_picked(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    anna = _colleague(demo, "Anna Kowalski")
    client = Client()
    found = client.get(_page(invitation, "?mode=search&q=kowal")).content.decode()
    assert "Anna Kowalski" in found
    assert "Brian Doyle" not in found

    client.post(
        _page(invitation), {"mode": "search", "q": "kowal", "action": "pick", "pick": [anna.pk]}
    )
    assert RosterEntry.objects.get(invitation=invitation, alter=anna).answers == {}
    listed = client.get(_page(invitation, "?mode=search")).content.decode()
    assert f'name="r-{anna.pk}-talk"' in listed
    assert f'id="pick-{anna.pk}"' not in listed  # picked people leave the search results

    client.post(
        _page(invitation),
        {"mode": "search", "shown": [anna.pk], f"r-{anna.pk}-advice": "1", "go": "stay"},
    )
    assert RosterEntry.objects.get(invitation=invitation, alter=anna).answers == {"advice": 1}
    client.post(_page(invitation), {"mode": "search", "shown": [anna.pk], "remove": anna.pk})
    assert not RosterEntry.objects.filter(invitation=invitation, alter=anna).exists()


def test_large_rosters_get_the_name_generator(
    demo: demo_module.DemoProgramme, invitation: Invitation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tandem.networks import roster_views

    monkeypatch.setattr(roster_views, "name_generator_above", lambda section: 10)
    page = Client().get(_page(invitation)).content.decode()
    assert "Find the colleagues you work with" in page
    assert "More names" in page  # 25 colleagues, 20 a page


def test_roster_answers_are_not_stock_take_answers(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    anna = _colleague(demo, "Anna Kowalski")
    services.roster_answers_save(
        invitation=invitation, section_id=SECTION, shown=[anna.pk], data={f"r-{anna.pk}-talk": "5"}
    )
    assert not Answer.objects.filter(invitation=invitation).exists()
    assert len(invitation.wave.instrument.items) == 57


def test_nobody_outside_the_programme_can_be_rated(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    lead = _colleague(demo, "Priya Sandhu")
    services.roster_pick(invitation=invitation, section_id=SECTION, alter_ids=[lead.pk, "x"])
    services.roster_answers_save(
        invitation=invitation,
        section_id=SECTION,
        shown=[invitation.participant_id],
        data={f"r-{invitation.participant_id}-talk": "5"},
    )
    assert not RosterEntry.objects.filter(invitation=invitation).exists()


def test_a_submitted_response_refuses_roster_changes(
    demo: demo_module.DemoProgramme, invitation: Invitation
) -> None:
    survey_services.response_submit(invitation=invitation)
    with pytest.raises(survey_services.AlreadySubmitted):
        services.roster_pick(invitation=invitation, section_id=SECTION, alter_ids=[1])


def test_pair_ties_for_a_hand_built_network_say_who_names_whom_and_never_how_strongly() -> None:
    talk = Network(
        nodes=("D1", "M1", "D2", "M2"),
        edges=(("D1", "M1", 4.0), ("M1", "D1", 5.0), ("M2", "D2", 3.0)),
    )
    trust = Network(nodes=("D1", "M1", "D2", "M2"), edges=(("D1", "M1", 1.0),))
    rows = selectors.pair_tie_rows({"talk": talk, "trust": trust}, [("D1", "M1"), ("D2", "M2")])
    assert [(row.doctor, row.manager) for row in rows] == [("D1", "M1"), ("D2", "M2")]
    assert rows[0].ties["talk"] == (True, True, True)
    assert rows[0].ties["trust"] == (True, False, False)
    assert rows[1].ties["talk"] == (False, True, False)
    assert rows[1].ties["trust"] == (False, False, False)


def test_pseudonyms_are_stable_distinct_and_not_in_name_order(
    demo: demo_module.DemoProgramme,
) -> None:
    codes = selectors.pseudonyms(programme=demo.programme)
    assert codes == selectors.pseudonyms(programme=demo.programme)
    assert len(set(codes.values())) == len(codes) == 26
    by_name = sorted(
        Participant.objects.filter(pk__in=codes), key=lambda participant: participant.person.name
    )
    assert [codes[p.pk] for p in by_name] != sorted(codes.values())
    by_id = sorted(codes)
    assert [codes[pk] for pk in by_id] != sorted(codes.values())


def test_locality_cells_over_fewer_than_k_people_are_suppressed_with_the_reason(
    demo: demo_module.DemoProgramme, lead_client: Client
) -> None:
    demo.programme.min_group_size = 10
    demo.programme.save(update_fields=["min_group_size"])
    page = lead_client.get(
        reverse("networks:localities", args=[demo.programme.slug])
    ).content.decode()
    # Every locality has fewer than 10 doctors and 10 managers, so all are pooled; the repeat's
    # 10 doctors and 9 managers (its 17 respondents and two sponsors) leave the managers short.
    assert "All localities" in page and "Riverside North" not in page
    assert "Not shown: 9 managers, fewer than 10." in page
