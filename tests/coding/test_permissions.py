"""Only the programme lead codes and reviews: everyone else is turned away from every page."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.coding.models import Excerpt, ThemeSuggestion
from tandem.surveys.models import Wave

from ..conftest import client_for
from ..factories import ProgrammeFactory
from .conftest import code_answer, ref


@pytest.fixture
def urls(demo, baseline, codes, agenda_answer, interview) -> list[tuple[str, str]]:
    """(method, url) for every page and action of the coding app."""
    excerpt: Excerpt = code_answer(agenda_answer, [codes["agenda"]], quote="agree the agenda")
    suggestion = ThemeSuggestion.objects.create(
        wave=baseline, terms=["agenda"], answer_ids=[agenda_answer.pk]
    )
    programme = f"/programmes/{demo.programme.slug}/coding/"
    wave = f"{programme}waves/{baseline.pk}/"
    code = codes["money"].pk
    return [
        ("get", programme),
        ("post", programme),
        ("get", f"{programme}codes/{code}/"),
        ("post", f"{programme}codes/{code}/"),
        ("get", f"{programme}codes/{code}/delete/"),
        ("post", f"{programme}codes/{code}/delete/"),
        ("get", f"{programme}codebook.qdc"),
        ("get", f"{programme}project.qdpx"),
        ("get", wave),
        ("get", f"{wave}answers/{ref(agenda_answer)}/"),
        ("post", f"{wave}answers/{ref(agenda_answer)}/"),
        ("get", f"{wave}notes/{interview.pk}/"),
        ("post", f"{wave}notes/{interview.pk}/"),
        ("post", f"{wave}excerpts/{excerpt.pk}/delete/"),
        ("post", f"{wave}excerpts/{excerpt.pk}/review/"),
        ("get", f"{wave}review/"),
        ("get", f"{wave}themes/"),
        ("post", f"{wave}themes/"),
        ("post", f"{wave}themes/{suggestion.pk}/accept/"),
        ("post", f"{wave}themes/{suggestion.pk}/reject/"),
        ("get", f"{wave}summary/"),
    ]


@pytest.mark.parametrize("who", ["participant_client", "sponsor_client", "coach_client"])
def test_members_who_do_not_lead_the_programme_are_forbidden_everywhere(
    request, who: str, urls
) -> None:
    client: Client = request.getfixturevalue(who)
    statuses = {(method, url): getattr(client, method)(url).status_code for method, url in urls}
    assert statuses == {key: 403 for key in statuses}


def test_people_outside_the_programme_are_told_nothing_exists(outsider_client: Client, urls):
    statuses = {
        (method, url): getattr(outsider_client, method)(url).status_code for method, url in urls
    }
    assert statuses == {key: 404 for key in statuses}


def test_anonymous_visitors_are_sent_to_log_in(client: Client, urls) -> None:
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_nothing_changes_when_a_forbidden_member_posts(participant_client: Client, urls) -> None:
    before = (Excerpt.objects.count(), ThemeSuggestion.objects.count())
    for url in [url for method, url in urls if method == "post"]:
        participant_client.post(url, {"decision": "approve", "name": "Hijack"})
    assert (Excerpt.objects.count(), ThemeSuggestion.objects.count()) == before
    assert not Excerpt.objects.filter(status="approved").exists()


def test_the_lead_reaches_every_page(lead_client: Client, urls) -> None:
    statuses = {url: lead_client.get(url).status_code for method, url in urls if method == "get"}
    assert statuses == {url: 200 for url in statuses}


def test_a_superuser_acts_as_the_lead(demo, baseline) -> None:
    admin = client_for(demo.superuser_email)
    assert (
        admin.get(f"/programmes/{demo.programme.slug}/coding/waves/{baseline.pk}/").status_code
        == 200
    )


def test_a_wave_of_another_programme_is_not_found(lead_client: Client, demo) -> None:
    other = Wave.objects.create(
        programme=ProgrammeFactory(),
        title="Elsewhere",
        kind="baseline",
        instrument_id="stock-take",
        instrument_version=1,
        opens_on="2025-01-01",
        closes_on="2025-02-01",
    )
    url = f"/programmes/{demo.programme.slug}/coding/waves/{other.pk}/"
    assert lead_client.get(url).status_code == 404


def test_an_answer_reference_from_another_wave_is_not_found(
    lead_client: Client, demo, small_wave, agenda_answer
) -> None:
    url = f"/programmes/{demo.programme.slug}/coding/waves/{small_wave.pk}/answers/{ref(agenda_answer)}/"
    assert lead_client.get(url).status_code == 404
