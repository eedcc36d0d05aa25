"""Network figures through the disclosure ledger: issue 13's attacks, tried on the network pages.

Every figure computed from roster answers is shown over a population (the roster respondents
whose answers enter it) per wave and relation; two readable figures over populations that differ
by 1 to k − 1 people would give those people's ties away, so the later one is hidden with the
reason, on the page, in the PDF and in the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem import demo as demo_module
from tandem.disclosure.models import DisclosedPopulation
from tandem.networks import selectors
from tandem.networks.models import RosterEntry
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.reports.pdf import comparison_pdf
from tandem.surveys.models import InvitationStatus, Wave

from ..api.conftest import token_for_email
from ..pdf import pdf_text

pytestmark = pytest.mark.django_db

DIFFERS = "differs by fewer than 5 people from a group whose figures are already shown"
TALK = "How often do you talk with them about the service?"


def _url(name: str, demo: demo_module.DemoProgramme, **query: Any) -> str:
    url = reverse(name, args=[demo.programme.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _indices(client: Client, demo: demo_module.DemoProgramme) -> dict[str, Any]:
    token = token_for_email(demo_module.email_for("Priya Sandhu"))
    response = client.get(
        f"/api/v1/programmes/{demo.programme.slug}/networks/indices",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _relation(body: dict[str, Any], wave: Wave, relation: str) -> dict[str, Any]:
    found = next(w for w in body["waves"] if w["wave"]["id"] == wave.pk)
    return next(r for r in found["relations"] if r["relation"] == relation)


def _shown_elsewhere(wave: Wave, members: list[int], measure: str = "roster:talk") -> None:
    """A population the ledger holds as already shown, e.g. by an export read last year."""
    DisclosedPopulation.objects.create(
        programme=wave.programme,
        scope=f"wave:{wave.pk}",
        measure=measure,
        digest=hashlib.sha256(",".join(map(str, sorted(members))).encode()).hexdigest(),
        members=sorted(members),
        size=len(members),
        surface="tests.elsewhere",
    )


def _roster_respondents(wave: Wave) -> list[int]:
    return sorted(
        set(
            RosterEntry.objects.filter(
                invitation__wave=wave, invitation__status=InvitationStatus.SUBMITTED
            ).values_list("invitation__participant_id", flat=True)
        )
    )


# --- The demo ------------------------------------------------------------------------------------


def test_the_demos_roster_respondents_nest_like_its_questionnaire_respondents(
    stock_takes: tuple[Wave, Wave],
) -> None:
    baseline, repeat = stock_takes
    first, second = _roster_respondents(baseline), _roster_respondents(repeat)
    submitted = {
        wave: sorted(
            wave.invitations.programme_group()
            .filter(status=InvitationStatus.SUBMITTED)
            .values_list("participant_id", flat=True)
        )
        for wave in stock_takes
    }
    # Everyone who submitted named someone, so the roster has the questionnaire's 22 and 17 ...
    assert (len(first), len(second)) == (22, 17)
    assert first == submitted[baseline] and second == submitted[repeat]
    # ... and all 17 answered the baseline: the change is over the repeat's own respondents.
    assert set(second) <= set(first)


def test_the_demo_shows_its_indices_change_and_maps_everywhere(
    demo: demo_module.DemoProgramme, lead_client: Client, stock_takes: tuple[Wave, Wave]
) -> None:
    baseline, repeat = stock_takes
    overview = lead_client.get(_url("networks:overview", demo)).content.decode()
    assert "What changed from Baseline stock take to Repeat stock take" in overview
    assert "Among the 19 people in both networks" in overview  # 17 respondents and 2 sponsors
    assert "Hidden:" not in overview

    body = _indices(lead_client, demo)
    assert all(r["hidden"] is None for r in body["change"]["relations"])
    assert all(r["sentences"] and r["matched"] == 19 for r in body["change"]["relations"])
    assert _relation(body, repeat, "talk")["density"] is not None

    section = build_comparison(baseline, repeat).network
    assert section is not None and section.withheld == []
    assert section.sentences and len(section.maps) == 2 and section.overlay

    maps = lead_client.get(_url("networks:map", demo)).content.decode()
    assert maps.count('class="tandem-network-svg"') == 2
    assert "gained and" in maps and "This map is not shown" not in maps


# --- A population already shown elsewhere -----------------------------------------------------


def test_a_ledger_conflict_hides_the_waves_indices_with_the_reason_on_the_page_and_in_the_api(
    demo: demo_module.DemoProgramme, lead_client: Client, stock_takes: tuple[Wave, Wave]
) -> None:
    _, repeat = stock_takes
    # Shown before: "talk" over the repeat's roster respondents less one person.
    _shown_elsewhere(repeat, _roster_respondents(repeat)[1:])

    page = lead_client.get(_url("networks:overview", demo)).content.decode()
    repeat_part = page.split("<h2>Repeat stock take</h2>")[1]
    assert f"“{TALK}”: Hidden: this group {DIFFERS}" in repeat_part
    # The other relations of the wave are still shown, in a table without the hidden column.
    assert "I can rely on them." in repeat_part.split("</table>")[0]
    assert TALK not in repeat_part.split("<table")[1].split("</table>")[0]
    # The change on "talk" quotes the repeat's indices, so it is hidden too.
    change_part = page.split("What changed from")[1].split("<h2>")[0]
    assert DIFFERS in change_part.split(TALK)[1].split("<h3>")[0]

    body = _indices(lead_client, demo)
    talk = _relation(body, repeat, "talk")
    assert talk["density"] is None and talk["edges"] is None and talk["bonding"] == []
    assert DIFFERS in talk["hidden"]
    assert _relation(body, repeat, "trust")["density"] is not None
    change = next(r for r in body["change"]["relations"] if r["relation"] == "talk")
    assert change["matched"] is None and change["sentences"] == []
    assert DIFFERS in change["hidden"]


def test_a_ledger_conflict_hides_the_feedback_reports_indices_and_map_with_the_reason(
    lead_client: Client, stock_takes: tuple[Wave, Wave], demo: demo_module.DemoProgramme
) -> None:
    _, repeat = stock_takes
    _shown_elsewhere(repeat, _roster_respondents(repeat)[1:])
    section = build_feedback(repeat).network
    assert section is not None
    assert [r.id for r in section.relations] == ["trust", "advice"]
    assert section.maps == []  # the report's map is of "talk"
    page = lead_client.get(
        reverse("reports:feedback", args=[demo.programme.slug, repeat.pk])
    ).content.decode()
    assert f"Repeat stock take: indices for “{TALK}” — Hidden: this group {DIFFERS}" in page
    assert f"Repeat stock take: the map — Hidden: this group {DIFFERS}" in page
    assert 'class="tandem-network-svg"' not in page


# --- A change over matched people who differ by a few from a wave's respondents ----------------


def test_a_change_over_15_matched_beside_a_wave_of_17_is_hidden_and_the_waves_indices_stay(
    demo: demo_module.DemoProgramme,
    lead_client: Client,
    sponsor_client: Client,
    stock_takes: tuple[Wave, Wave],
    late_joiners: set[str],
) -> None:
    baseline, repeat = stock_takes
    # The comparison is read first: the waves' own indices still take precedence.
    section = build_comparison(baseline, repeat).network
    assert section is not None
    assert section.sentences == []
    assert any(
        what == f"The change in “{TALK}”" and DIFFERS in why for what, why in section.withheld
    )

    page = lead_client.get(_url("networks:overview", demo)).content.decode()
    assert "What changed from Baseline stock take to Repeat stock take" in page
    assert "Among the" not in page  # no matched figure for any relation
    assert page.count(DIFFERS) == 3  # one per relation, with the reason
    assert "20 people answered the roster." in page and "17 people answered the roster." in page
    assert page.count("Density (share of possible ties present)") == 2

    # Sponsors read the same figures: both waves are released.
    sponsor_page = sponsor_client.get(_url("networks:overview", demo)).content.decode()
    assert sponsor_page.count(DIFFERS) == 3 and "Among the" not in sponsor_page

    body = _indices(lead_client, demo)
    assert _relation(body, baseline, "talk")["density"] is not None
    assert _relation(body, repeat, "talk")["density"] is not None
    for change in body["change"]["relations"]:
        assert change["jaccard"] is None and change["gained"] is None
        assert DIFFERS in change["hidden"]


def test_the_comparison_pdf_says_why_the_network_change_is_hidden(
    stock_takes: tuple[Wave, Wave], late_joiners: set[str]
) -> None:
    text = pdf_text(comparison_pdf(*stock_takes))
    assert "Working relationships (network)" in text
    assert "Some figures of this section are not shown" in text
    assert "The change in “I can rely on them.” — Hidden: this group differs by fewer" in text
    assert "rose from" not in text.split("Working relationships (network)")[1]


def test_a_map_leaving_out_two_late_joiners_is_hidden_where_it_would_be_shown(
    demo: demo_module.DemoProgramme,
    lead_client: Client,
    stock_takes: tuple[Wave, Wave],
    late_joiners: set[str],
) -> None:
    baseline, repeat = stock_takes
    assert selectors.singled_out(demo.programme) == late_joiners
    # The repeat's map without the two would be over 15 of the 17 its indices count.
    page = lead_client.get(_url("networks:map", demo, wave=repeat.pk)).content.decode()
    assert f"This map is not shown. Hidden: this group {DIFFERS}" in page
    assert page.count('class="tandem-network-svg"') == 1  # the baseline's, which they are not on
    hidden = lead_client.get(_url("networks:map_json", demo, wave=repeat.pk)).json()
    assert hidden["elements"] == [] and DIFFERS in hidden["hidden"]
    for name in ("networks:pairs", "networks:localities"):
        assert DIFFERS in lead_client.get(_url(name, demo, wave=repeat.pk)).content.decode()
    # The baseline map is shown, and the two are on nothing that is shown.
    elements = lead_client.get(_url("networks:map_json", demo, wave=baseline.pk)).json()
    people = {e["data"]["id"] for e in elements["elements"] if "source" not in e["data"]}
    assert people and not people & late_joiners
    for url in (
        _url("networks:map", demo, wave=repeat.pk),
        _url("networks:pairs", demo, wave=baseline.pk),
    ):
        body = lead_client.get(url).content.decode()
        assert [c for c in late_joiners if f">{c}<" in body] == [], url


# --- Over time ----------------------------------------------------------------------------------


def test_indices_read_once_are_not_shown_again_over_one_person_fewer(
    demo: demo_module.DemoProgramme, lead_client: Client, stock_takes: tuple[Wave, Wave]
) -> None:
    _, repeat = stock_takes
    assert _relation(_indices(lead_client, demo), repeat, "talk")["density"] is not None
    # Whatever slipped through (a data fix, an import), one person's roster answers go: the
    # two readings would give their ties away, so the second is refused.
    RosterEntry.objects.filter(
        invitation__wave=repeat, invitation__participant_id=_roster_respondents(repeat)[0]
    ).delete()
    talk = _relation(_indices(lead_client, demo), repeat, "talk")
    assert talk["density"] is None and DIFFERS in talk["hidden"]
    page = lead_client.get(_url("networks:overview", demo)).content.decode()
    assert "16 people answered the roster." in page
    assert f"“{TALK}”: Hidden: this group {DIFFERS}" in page


# --- Open waves -------------------------------------------------------------------------------


def test_an_open_waves_network_is_on_no_page(
    demo: demo_module.DemoProgramme, lead_client: Client, stock_takes: tuple[Wave, Wave]
) -> None:
    _, repeat = stock_takes
    Wave.objects.filter(pk=repeat.pk).update(
        closed_at=None, closes_on=timezone.localdate() + dt.timedelta(days=10)
    )
    page = lead_client.get(_url("networks:overview", demo)).content.decode()
    assert "<h2>Repeat stock take</h2>" not in page and "What changed" not in page
    assert lead_client.get(_url("networks:map", demo, wave=repeat.pk)).status_code == 403
    body = _indices(lead_client, demo)
    assert [w["wave"]["title"] for w in body["waves"]] == ["Baseline stock take"]
    assert body["change"] is None
