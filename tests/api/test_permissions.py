"""Every endpoint × every kind of caller: the same answers as the web pages' rules.

404 where the caller has no role in the programme (it is not disclosed), 403 where their role may
not see it, 401 without a live token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem import demo as demo_module
from tandem.surveys.models import Wave

from ..factories import ParticipantFactory, ProgrammeFactory

CALLERS = (
    "lead",
    "sponsor",
    "coach",
    "participant",
    "outsider",
    "anonymous",
    "expired",
    "revoked",
)
MEMBERS = {"lead": 200, "sponsor": 200, "coach": 200, "participant": 200, "outsider": 404}
LEAD_ONLY = {"lead": 200, "sponsor": 403, "coach": 403, "participant": 403, "outsider": 404}
LEAD_AND_SPONSOR = {"lead": 200, "sponsor": 200, "coach": 403, "participant": 403, "outsider": 404}
ANYONE_LOGGED_IN = {"lead": 200, "sponsor": 200, "coach": 200, "participant": 200, "outsider": 200}
SLUG = demo_module.DEMO_SLUG

# (path template, expected status by caller); {baseline}, {repeat}, {person} are demo ids.
ENDPOINTS: tuple[tuple[str, dict[str, int]], ...] = (
    ("me", ANYONE_LOGGED_IN),
    ("programmes", ANYONE_LOGGED_IN),
    (f"programmes/{SLUG}", MEMBERS),
    (f"programmes/{SLUG}/participants", MEMBERS),
    (f"programmes/{SLUG}/participants/{{person}}", MEMBERS),
    (f"programmes/{SLUG}/pairs", MEMBERS),
    (f"programmes/{SLUG}/waves", LEAD_ONLY),
    (f"programmes/{SLUG}/waves/{{baseline}}", LEAD_ONLY),
    (f"programmes/{SLUG}/reports", MEMBERS),
    (f"programmes/{SLUG}/reports/{{baseline}}/feedback", MEMBERS),
    (f"programmes/{SLUG}/reports/{{baseline}}/compare/{{repeat}}", MEMBERS),
    (f"programmes/{SLUG}/types/team", MEMBERS),
    (f"programmes/{SLUG}/coaching/dose", LEAD_AND_SPONSOR),
)


def _path(template: str, waves: dict[str, Wave], demo: demo_module.DemoProgramme) -> str:
    person = demo.programme.participants.get(person__name="Anna Kowalski")
    return template.format(
        baseline=waves["baseline"].pk, repeat=waves["repeat"].pk, person=person.pk
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("template", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_endpoint_answers_each_caller_as_the_web_rules_say(
    template: str,
    expected: dict[str, int],
    caller: str,
    call: Callable[..., Any],
    tokens: dict[str, str | None],
    waves: dict[str, Wave],
    demo: demo_module.DemoProgramme,
) -> None:
    response = call(_path(template, waves, demo), tokens[caller])
    assert response.status_code == expected.get(caller, 401), response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if response.status_code != 200:
        assert set(response.json()) == {"detail"}
        assert response.json()["detail"]


def test_dead_token_is_refused_even_with_a_logged_in_session(
    lead_client: Any, tokens: dict[str, str | None]
) -> None:
    response = lead_client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['revoked']}"}
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_browser_session_may_call_the_api(lead_client: Any) -> None:
    response = lead_client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["authenticated_by"] == "session"


def test_a_wave_of_another_programme_is_not_found_even_for_its_id(
    call: Callable[..., Any], lead_token: str
) -> None:
    other = ProgrammeFactory()
    from tandem.surveys.services import wave_create

    wave = wave_create(
        programme=other,
        title="Elsewhere",
        kind="baseline",
        instrument_id="stock-take",
        opens_on=other.start_date,
        closes_on=other.start_date,
    )
    for path in (f"waves/{wave.pk}", f"reports/{wave.pk}/feedback"):
        response = call(f"programmes/{SLUG}/{path}", lead_token)
        assert response.status_code == 404
        assert "Elsewhere" not in response.content.decode()


def test_a_person_of_another_programme_is_not_found(
    call: Callable[..., Any], lead_token: str
) -> None:
    stranger = ParticipantFactory(programme=ProgrammeFactory())
    response = call(f"programmes/{SLUG}/participants/{stranger.pk}", lead_token)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such person in this programme."}


def test_outsider_sees_only_their_own_programme(
    call: Callable[..., Any], tokens: dict[str, str | None]
) -> None:
    body = call("programmes", tokens["outsider"]).json()
    assert body["count"] == 1
    assert SLUG not in [p["slug"] for p in body["items"]]


def test_wrong_method_and_unknown_path_answer_in_json(
    lead_client: Any, api_client: Any, lead_token: str
) -> None:
    posted = api_client.post(
        "/api/v1/programmes", {}, headers={"Authorization": f"Bearer {lead_token}"}
    )
    assert posted.status_code == 405
    assert posted["Allow"] == "GET"
    assert "read-only" in posted.json()["detail"]
    for path in ("/api/v1/nothing-here", "/api/v2/programmes", "/api/"):
        missing = lead_client.get(path)
        assert missing.status_code == 404
        assert missing.json() == {"detail": "No such API endpoint: see /api/v1/openapi.json."}
