"""A new app plugs into navigation, next steps, GDPR and the API by registering itself, without
editing any other module (issue 15)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from django.test import Client

from tandem import registry
from tandem.api.main import build_api
from tandem.gdpr import services as gdpr_services
from tandem.programmes.models import Participant
from tandem.registry import AppContribution, NavEntry, NextStep


@pytest.fixture
def throwaway() -> Iterator[AppContribution]:
    contribution = AppContribution(
        name="throwaway",
        nav=(
            NavEntry(
                "Throwaway tools",
                "programmes:people",
                visible=lambda access: access.is_coach,
                order=1,
            ),
        ),
        next_steps=lambda access: (
            [NextStep("Feed the throwaway", "/throwaway/", group="Throwaway jobs")]
            if access.is_coach
            else []
        ),
        api_router="tests.throwaway.api",
        gdpr_export=lambda person, context: {"notes": [{"what": "kept by the throwaway app"}]},
    )
    registry.register(contribution)
    yield contribution
    registry.unregister("throwaway")


def test_a_registered_app_appears_in_the_programme_page_only_for_whom_it_says(
    throwaway, demo, coach_client: Client, lead_client: Client
) -> None:
    url = f"/programmes/{demo.programme.slug}/"
    coach_page = coach_client.get(url).content.decode()
    assert "Throwaway tools" in coach_page
    assert "Feed the throwaway" in coach_page and "Throwaway jobs" in coach_page
    lead_page = lead_client.get(url).content.decode()
    assert "Throwaway tools" not in lead_page and "Feed the throwaway" not in lead_page


def test_a_registered_app_joins_the_subject_access_export(throwaway, demo) -> None:
    person = Participant.objects.get(programme=demo.programme, person__name="Nadia Foster").person
    archive = zipfile.ZipFile(io.BytesIO(gdpr_services.subject_access_export(person=person)))
    assert json.loads(archive.read("throwaway/notes.json")) == [
        {"what": "kept by the throwaway app"}
    ]


def test_a_registered_app_adds_its_router_to_the_api(throwaway) -> None:
    api = build_api(urls_namespace="throwaway-test")
    patterns, _app, _namespace = api.urls
    assert any("throwaway/ping" in str(pattern.pattern) for pattern in patterns)


def test_no_role_is_shown_a_link_it_cannot_follow(demo, role_clients) -> None:
    # Every link the programme page draws from the registry answers 200 for that role.
    import re

    for role, client in role_clients.items():
        page = client.get(f"/programmes/{demo.programme.slug}/").content.decode()
        section = page.split("<h2>In this programme</h2>", 1)[1].split("</ul>", 1)[0]
        for href in re.findall(r'href="([^"]+)"', section):
            assert client.get(href, follow=True).status_code == 200, (role, href)
