"""Pseudonyms must not identify people by their attributes (issue 14, item 1).

A programme where some combinations are unique — one doctor-executive who answers the roster, one
manager-executive sponsor who is never asked, a locality of two (beside 6 pairs in North and 5 in
South) — read on every network surface:
the map page and its table, the map's JSON, pair ties, the locality matrix, the report section
and its PDF, and the API. No combination of attributes under k is shown beside a code, per-person
counts of people in a group under k are hidden, and no tie's strength appears anywhere. Then the
demo: its two sponsors are each unique, and appear coarsened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem import demo as demo_module
from tandem.networks import selectors
from tandem.networks import services as network_services
from tandem.networks.reports import comparison_network_section, wave_network_section
from tandem.programmes.models import Level, Participant, Profession, Programme, Role
from tandem.reports.pdf import feedback_pdf
from tandem.surveys import services as survey_services
from tandem.surveys.models import Invitation, Wave, WaveKind

from ..api.conftest import token_for_email
from ..conftest import client_for
from ..factories import (
    LocalityFactory,
    OrganisationFactory,
    PairFactory,
    ParticipantFactory,
    ProgrammeFactory,
    ServiceFactory,
)
from ..pdf import pdf_text

pytestmark = pytest.mark.django_db

SECTION = "working_relationships"
K = 5
# The frequency scale's words: any of them beside a tie would be its strength.
STRENGTHS = ("Never", "Less than monthly", "Monthly", "Weekly", "Daily")


@dataclass
class Unique:
    """The test programme and its people who are alone in their combination."""

    programme: Programme
    wave: Wave
    lead: Participant
    doctor_executive: Participant  # answers the roster, names a manager "Daily" (5)
    manager_executive: Participant  # a sponsor, never asked
    tiny: list[Participant]  # the two people of the "Tiny" locality
    codes: dict[int, str]

    def code(self, participant: Participant) -> str:
        return self.codes[participant.pk]

    def url(self, name: str, **query: Any) -> str:
        url = reverse(name, args=[self.programme.slug])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _pair(programme: Programme, locality: Any) -> tuple[Participant, Participant]:
    service = ServiceFactory(locality=locality)
    pair = PairFactory(
        programme=programme,
        service=service,
        doctor__person__service=service,
        manager__person__service=service,
    )
    return pair.doctor, pair.manager


@pytest.fixture
def unique() -> Unique:
    organisation = OrganisationFactory()
    programme = ProgrammeFactory(organisation=organisation, min_group_size=K)
    north = LocalityFactory(organisation=organisation, name="North")
    south = LocalityFactory(organisation=organisation, name="South")
    tiny_locality = LocalityFactory(organisation=organisation, name="Tiny")
    pairs = [_pair(programme, north) for _ in range(6)] + [
        _pair(programme, south) for _ in range(5)
    ]
    tiny = _pair(programme, tiny_locality)
    pairs.append(tiny)
    doctor_executive = ParticipantFactory(
        programme=programme,
        person__organisation=organisation,
        person__profession=Profession.DOCTOR,
        person__level=Level.EXECUTIVE,
    )
    manager_executive = ParticipantFactory(
        programme=programme,
        role=Role.SPONSOR,
        person__organisation=organisation,
        person__profession=Profession.MANAGER,
        person__level=Level.EXECUTIVE,
    )
    lead = ParticipantFactory(
        programme=programme, role=Role.PROGRAMME_LEAD, person__organisation=organisation
    )
    today = timezone.localdate()
    wave = survey_services.wave_create(
        programme=programme,
        title="Stock take",
        kind=WaveKind.BASELINE,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
    )
    managers = [manager for _, manager in pairs]
    doctors = [doctor for doctor, _ in pairs]
    named: dict[Participant, list[tuple[Participant, int]]] = defaultdict(list)
    for i, (doctor, manager) in enumerate(pairs):
        named[doctor] += [(manager, 4), (doctors[(i + 1) % len(doctors)], 3)]
        named[manager] += [(doctor, 4), (managers[(i + 1) % len(managers)], 3)]
    # The tie: the only doctor-executive names a manager, "Daily" (5), and the sponsor.
    named[doctor_executive] += [(managers[3], 5), (manager_executive, 5)]
    named[managers[0]].append((doctor_executive, 3))
    for ego, alters in named.items():
        invitation = Invitation.objects.get(wave=wave, participant=ego)
        errors = network_services.roster_answers_save(
            invitation=invitation,
            section_id=SECTION,
            shown=[alter.pk for alter, _ in alters],
            data={
                network_services.field_name(alter.pk, "talk"): str(value) for alter, value in alters
            },
        )
        assert errors == {}
        survey_services.response_submit(invitation=invitation)
    survey_services.wave_close(wave=wave)
    return Unique(
        programme=programme,
        wave=wave,
        lead=lead,
        doctor_executive=doctor_executive,
        manager_executive=manager_executive,
        tiny=list(tiny),
        codes=selectors.pseudonyms(programme=programme),
    )


@pytest.fixture
def lead(unique: Unique) -> Client:
    return client_for(unique.lead.person.email)


def _combinations(nodes: list[dict[str, Any]]) -> Counter[tuple[Any, Any]]:
    return Counter((node["profession"], node["level"]) for node in nodes)


def _svg_people(svg: str) -> dict[str, str]:
    """Code → the shape drawn for it (each node's shape comes just before its label)."""
    return dict(
        (code, shape)
        for shape, code in re.findall(
            r"(<(?:rect x|polygon|circle)[^>]*/>)<text[^>]*>(P\d+)</text>", svg
        )
    )


def _hollow_triangle(shape: str) -> bool:
    return (
        shape.startswith("<polygon")
        and len(re.search(r'points="([^"]*)"', shape).group(1).split()) == 3  # type: ignore[union-attr]
        and 'fill="#ffffff"' in shape
    )


# --- The map: page, table, JSON --------------------------------------------------------------


def test_the_map_json_shows_no_combination_under_k_and_no_tie_strength(
    unique: Unique, lead: Client
) -> None:
    body = lead.get(unique.url("networks:map_json")).json()
    nodes = [e["data"] for e in body["elements"] if "source" not in e["data"]]
    ties = [e["data"] for e in body["elements"] if "source" in e["data"]]
    assert len(nodes) == 26 and ties
    for (profession, level), count in _combinations(nodes).items():
        if profession or level:
            assert count >= K, (profession, level, count)
    # The doctor-executive shows "doctor" only, with just enough service doctors for company.
    assert _combinations(nodes) == {
        ("doctor", None): K,
        ("doctor", "service"): 8,
        ("manager", "service"): 12,
        (None, None): 1,
    }
    # No strength on any tie: the doctor-executive's "Daily" is just a tie.
    assert all(set(tie) == {"id", "source", "target", "status"} for tie in ties)
    executive = unique.code(unique.doctor_executive)
    assert any(tie["source"] == executive for tie in ties)


def test_a_person_in_a_group_under_k_has_their_counts_hidden_everywhere(
    unique: Unique, lead: Client
) -> None:
    sponsor = unique.code(unique.manager_executive)
    body = lead.get(unique.url("networks:map_json")).json()
    node = next(e["data"] for e in body["elements"] if e["data"]["id"] == sponsor)
    # The only person never asked: alone in what the map shows of them, so nothing is shown.
    assert node == {
        "id": sponsor,
        "label": sponsor,
        "profession": None,
        "level": None,
        "degree": None,
    }
    page = lead.get(unique.url("networks:map")).content.decode()
    row = re.search(rf"<tr><td>{sponsor}</td>(.*?)</tr>", page).group(1)  # type: ignore[union-attr]
    assert row == (
        '<td>Not shown</td><td>Not shown</td><td colspan="2"><span class="nhsuk-body-s">'
        f"Not shown: fewer than {K} people share what is shown of this person.</span></td>"
    )
    # Everyone else's counts are shown.
    counted = re.findall(
        r'<tr><td>(P\d+)</td><td>[^<]*</td><td>[^<]*</td><td class="nhsuk-table__cell--numeric">\d+',
        page,
    )
    assert len(counted) == 25 and sponsor not in counted


def test_the_map_page_table_and_drawing_show_no_combination_under_k(
    unique: Unique, lead: Client
) -> None:
    page = lead.get(unique.url("networks:map")).content.decode()
    rows = re.findall(r"<tr><td>(P\d+)</td><td>([^<]*)</td><td>([^<]*)</td>", page)
    assert len(rows) == 26
    shown = Counter((profession, level) for _, profession, level in rows)
    assert shown == {
        ("Doctor", "Not shown"): K,
        ("Doctor", "Service"): 8,
        ("Manager", "Service"): 12,
        ("Not shown", "Not shown"): 1,
    }
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)  # type: ignore[union-attr]
    people = _svg_people(svg)
    assert len(people) == 26
    # No executive's square is drawn; the executives are a hollow triangle and a doctor's one.
    assert not [shape for shape in people.values() if shape.startswith("<rect")]
    assert _hollow_triangle(people[unique.code(unique.manager_executive)])
    assert 'fill="#0072B2"' in people[unique.code(unique.doctor_executive)]
    assert "1 person whose profession is not shown" in svg
    for word in STRENGTHS:
        assert f">{word}<" not in page


# --- Pair ties and the locality matrix -------------------------------------------------------


def test_pair_ties_show_no_codes_and_no_strengths(unique: Unique, lead: Client) -> None:
    page = lead.get(unique.url("networks:pairs")).content.decode()
    assert "Who names whom, Stock take" in page
    assert re.findall(r">\s*P\d\d\s*<", page) == []
    assert "talk —" not in page
    for word in STRENGTHS:
        assert word not in page
    assert "12 pairs in which both people answered." in page


def test_a_locality_of_two_is_pooled_in_the_locality_matrix(unique: Unique, lead: Client) -> None:
    page = lead.get(unique.url("networks:localities")).content.decode()
    # Tiny's one doctor and one manager, and the executives (in no service), are pooled; two
    # are too few, so South's five join them; North's six stand alone.
    table = re.search(r"<table.*?</table>", page, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'<th scope="(?:row|col)"[^>]*>([^<]*)</th>', table) == [
        "Doctors in … / managers in …",
        "North",
        "Other localities",
        "North",
        "Other localities",
    ]
    assert "Not shown:" not in table


# --- Reports and the API -----------------------------------------------------------------------


def test_the_report_section_and_its_pdf_draw_the_map_coarsened(unique: Unique) -> None:
    section = wave_network_section(unique.wave)
    assert section is not None and section.hidden is None and len(section.maps) == 1
    _, svg = section.maps[0]
    people = _svg_people(svg)
    assert len(people) == 26
    assert not [shape for shape in people.values() if shape.startswith("<rect")]
    assert _hollow_triangle(people[unique.code(unique.manager_executive)])
    text = pdf_text(feedback_pdf(unique.wave))
    assert "Working relationships (network)" in text
    assert "hollow: profession not shown; triangle: level not shown" in text
    assert unique.code(unique.doctor_executive) in text  # the map is drawn …
    for word in ("Weekly", "Daily"):  # … with no strength beside any tie
        assert word not in text


def test_the_network_api_names_no_code_and_no_strength(unique: Unique, client: Client) -> None:
    token = token_for_email(unique.lead.person.email)
    for path in ("networks/indices", "networks/waves"):
        response = client.get(
            f"/api/v1/programmes/{unique.programme.slug}/{path}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert re.findall(r"\bP\d\d\b", text) == [] and "weight" not in text


# --- The demo ----------------------------------------------------------------------------------


def _sponsor_codes(demo: demo_module.DemoProgramme) -> set[str]:
    codes = selectors.pseudonyms(programme=demo.programme)
    sponsors = Participant.objects.filter(programme=demo.programme, role=Role.SPONSOR)
    assert sponsors.count() == 2
    return {codes[sponsor.pk] for sponsor in sponsors}


def test_the_demo_maps_show_its_two_sponsors_coarsened(
    demo: demo_module.DemoProgramme, lead_client: Client
) -> None:
    sponsors = _sponsor_codes(demo)
    slug = demo.programme.slug
    for wave in Wave.objects.filter(programme=demo.programme, kind__in=["baseline", "repeat"]):
        url = reverse("networks:map_json", args=[slug]) + f"?wave={wave.pk}"
        body = lead_client.get(url).json()
        nodes = [e["data"] for e in body["elements"] if "source" not in e["data"]]
        assert len(nodes) >= 19
        for node in nodes:
            if node["id"] in sponsors:
                assert (node["profession"], node["level"], node["degree"]) == (None, None, None)
        for (profession, level), count in _combinations(nodes).items():
            assert count >= demo.programme.min_group_size or not (profession or level)
    page = lead_client.get(reverse("networks:map", args=[slug])).content.decode()
    assert page.count('class="tandem-network-svg"') == 2  # the demo still shows both maps
    for code in sponsors:
        assert f"<tr><td>{code}</td><td>Not shown</td><td>Not shown</td>" in page
    assert "<td>Executive</td>" not in page


def test_the_demo_reports_draw_its_sponsors_coarsened(
    demo: demo_module.DemoProgramme, lead_client: Client
) -> None:
    sponsors = _sponsor_codes(demo)
    waves = Wave.objects.filter(programme=demo.programme)
    section = comparison_network_section(waves.get(kind="baseline"), waves.get(kind="repeat"))
    assert section is not None and len(section.maps) == 2
    evaluation = lead_client.get(reverse("reports:evaluation", args=[demo.programme.slug]))
    drawn = re.findall(r"<svg[^>]*tandem-network-svg.*?</svg>", evaluation.content.decode(), re.S)
    assert len(drawn) == 2
    for svg in [svg for _, svg in section.maps] + drawn:
        people = _svg_people(svg)
        assert sponsors <= set(people)
        assert all(_hollow_triangle(people[code]) for code in sponsors)
        assert not [shape for shape in people.values() if shape.startswith("<rect")]
