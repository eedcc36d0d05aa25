"""Every page of the away-days app, requested by every kind of viewer.

Who may see what is decided in `tandem.workshops.selectors` (and written down in
ARCHITECTURE.md, "Away days"); these tables are that rule, URL by URL.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.audit.models import AuditEvent
from tandem.programmes.models import Pair
from tandem.workshops import services

from ..conftest import client_for
from .conftest import material_for

VIEWERS = {
    "lead": "lead_client",
    "sponsor": "sponsor_client",
    "coach": "coach_client",
    "participant": "participant_client",
    "other participant": "far_participant_client",
    "outsider": "outsider_client",
}
EVERYONE = {"lead", "sponsor", "coach", "participant", "other participant"}
MEMBERS = {"lead", "sponsor", "participant", "other participant"}
LEAD = {"lead"}
OVERSEERS = {"lead", "sponsor"}
PARTICIPANTS = {"participant", "other participant"}

# name: (path relative to the app (or absolute with the "@" marker), who gets the page)
PAGES: dict[str, tuple[str, set[str]]] = {
    "home": ("", EVERYONE),
    "plan away day": ("away-days/new/", LEAD),
    "away day": ("@first", MEMBERS),
    "change away day": ("@first edit/", LEAD),
    "add agenda item": ("@first agenda/new/", LEAD),
    "agenda pdf": ("@first agenda.pdf", MEMBERS),
    "attendance": ("@first attendance/", LEAD),
    "add material": ("@first materials/new/", LEAD),
    "material": ("@material", MEMBERS),
    "evaluation form": ("@first evaluation/", PARTICIPANTS),
    "evaluation results": ("@first evaluation/results/", OVERSEERS),
    "charter": ("charter/", EVERYONE),
    "practice": ("@practice", EVERYONE),
    "agree practice": ("charter/new/", LEAD),
    "revise practice": ("@practice revise/", LEAD),
    "charter pdf": ("charter.pdf", EVERYONE),
    "charter xlsx": ("charter.xlsx", EVERYONE),
    "mission": ("mission/", EVERYONE),
    "record mission": ("mission/new/", LEAD),
    "role agreements": ("roles/", MEMBERS),
    "own pair's agreement": ("@pair", {"lead", "sponsor", "participant"}),
    "own pair's agreement form": ("@pair new/", {"lead", "participant"}),
    "other pair's agreement": ("@other_pair", {"lead", "sponsor", "other participant"}),
    "action log": ("actions/", OVERSEERS),
    "my actions": ("actions/mine/", EVERYONE),
    "assign action": ("actions/new/", LEAD),
    "own action": ("@own_action", {"lead", "sponsor", "participant"}),
    "someone else's action": ("@other_action", OVERSEERS),
    "actions pdf": ("actions.pdf", OVERSEERS),
    "actions xlsx": ("actions.xlsx", OVERSEERS),
    "observations": ("observations/", PARTICIPANTS),
    "record observation": ("observations/new/", PARTICIPANTS),
    "meeting trend": ("@meeting", OVERSEERS),
    "tracked meetings": ("meetings/?all=1", OVERSEERS),
    "track meeting": ("meetings/new/", LEAD),
    "change meeting": ("@meeting edit/", LEAD),
}


def resolve(urls, spec: str) -> str:
    if not spec.startswith("@"):
        return urls.base + spec
    name, _, rest = spec[1:].partition(" ")
    return getattr(urls, name) + rest


@pytest.fixture
def clients(request) -> dict[str, Client]:
    return {who: request.getfixturevalue(name) for who, name in VIEWERS.items()}


@pytest.fixture
def with_material(urls, first_day):
    material = material_for(first_day)
    urls.material = f"{urls.first}materials/{material.pk}/"
    return urls


def test_every_page_opens_exactly_for_the_roles_that_may_see_it(clients, with_material) -> None:
    seen = {}
    for name, (spec, _) in PAGES.items():
        url = resolve(with_material, spec)
        for who, client in clients.items():
            response = client.get(url)
            seen[(name, who)] = response.status_code
            if response.streaming:
                # Reading a download to the end closes its file, as a WSGI server would; calling
                # close() by hand fires request_finished, which closes the database connection.
                b"".join(response.streaming_content)
    expected = {
        (name, who): 200 if who in allowed else (404 if who == "outsider" else 403)
        for name, (_, allowed) in PAGES.items()
        for who in VIEWERS
    }
    assert seen == expected


def test_anonymous_visitors_are_sent_to_log_in(client, urls) -> None:
    response = client.get(urls.base + "charter/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("remind", LEAD), ("confirm", {"participant"})],
)
def test_posts_are_refused_to_everyone_else(clients, urls, name, allowed) -> None:
    url = {
        "remind": urls.base + "actions/remind/",
        "confirm": urls.pair + "confirm/",
    }[name]
    seen = {who: client.post(url).status_code for who, client in clients.items()}
    assert seen == {
        who: 302 if who in allowed else (404 if who == "outsider" else 403) for who in VIEWERS
    }


def test_an_action_update_from_someone_who_may_only_read_it_is_refused(
    sponsor_client, urls
) -> None:
    response = sponsor_client.post(urls.own_action, {"status": "done", "note": "Sponsor says so"})
    assert response.status_code == 403


SECRET_NOTES = "They rehearsed the budget conversation twice before the meeting"


def test_observation_notes_reach_only_the_two_pairs_involved(
    demo, clients, urls, amara_pair, request
) -> None:
    observed = Pair.objects.get(programme=demo.programme, doctor__person__name="Dr Ben Hartley")
    services.observation_record(
        observing_pair=amara_pair,
        observed_pair=observed,
        situation="Telling the consultants about the overspend",
        notes=SECRET_NOTES,
    )
    everyone = {**clients, "the observed pair": client_for(observed.manager.person.email)}
    pages = [
        resolve(urls, spec)
        for spec, _ in PAGES.values()
        if not spec.endswith((".pdf", ".xlsx", "@material"))
    ]
    pages += [f"/programmes/{demo.programme.slug}/", "/admin/"]
    readers = {
        who
        for who, client in everyone.items()
        for url in pages
        if SECRET_NOTES in client.get(url).content.decode()
    }
    assert readers == {"participant", "the observed pair"}


def test_reading_observations_is_audited(participant_client, urls) -> None:
    before = AuditEvent.objects.filter(action="workshops.observation.read").count()
    participant_client.get(urls.base + "observations/")
    assert AuditEvent.objects.filter(action="workshops.observation.read").count() > before
