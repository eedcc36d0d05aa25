"""One log line per request: route, status, time, request id and user id — never the path (a
respondent's link is their key), a name or an e-mail address; JSON lines with TANDEM_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging

import pytest

from tandem.logs import JsonFormatter
from tandem.surveys.models import Invitation


def _every_logged_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{record.getMessage()} {json.dumps(vars(record), default=str)}"
        for record in caplog.records
    )


def test_a_respondents_autosave_is_logged_by_route_and_never_by_its_link(
    client, demo, caplog
) -> None:
    invitation = (
        Invitation.objects.filter(
            wave__closed_at__isnull=True, participant__isnull=False, status="not_started"
        )
        .select_related("wave")
        .first()
    )
    assert invitation is not None
    item = invitation.wave.instrument.items[0].id
    caplog.set_level(logging.INFO, logger="tandem.request")
    response = client.post(f"/s/{invitation.token}/autosave/", {"item": item, "value": "1"})
    [line] = [r for r in caplog.records if r.name == "tandem.request"]
    assert (line.method, line.route, line.status, line.user_id) == (
        "POST",
        "s/<str:token>/autosave/",
        response.status_code,
        None,
    )
    assert line.request_id == response["X-Request-ID"]
    assert invitation.token not in _every_logged_text(caplog)


def test_a_leads_page_is_logged_with_their_id_and_no_name(lead_client, demo, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tandem.request")
    response = lead_client.get(f"/programmes/{demo.programme.slug}/")
    [line] = [r for r in caplog.records if r.name == "tandem.request"]
    assert line.status == 200 and line.route == "programmes/<slug:slug>/"
    assert line.user_id == response.wsgi_request.user.pk
    logged = _every_logged_text(caplog)
    assert response.wsgi_request.user.email not in logged
    assert "Priya" not in logged


def test_json_lines_hold_every_field_on_one_line(client, db, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tandem.request")
    client.get("/healthz")
    [record] = [r for r in caplog.records if r.name == "tandem.request"]
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == "tandem.request"
    assert (entry["method"], entry["route"], entry["status"], entry["user_id"]) == (
        "GET",
        "healthz",
        200,
        None,
    )
    assert entry["ms"] >= 0 and len(entry["request_id"]) == 32
    assert entry["time"].endswith("+00:00")


def test_a_server_error_on_a_respondents_link_is_logged_without_the_link(rf, db) -> None:
    """Django logs "Internal Server Error: <path>"; the path becomes the route."""
    from django.urls import resolve
    from django.utils.log import log_response

    from tandem.logs import PathsToRoutes

    token = "a-respondents-secret-token-0123456789abcdef"
    request = rf.post(f"/s/{token}/autosave/")
    request.resolver_match = resolve(f"/s/{token}/autosave/")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(PathsToRoutes())
    django_request = logging.getLogger("django.request")
    django_request.addHandler(handler)
    try:
        from django.http import HttpResponseServerError

        log_response(
            "Internal Server Error: %s",
            request.path,
            response=HttpResponseServerError(),
            request=request,
        )
    finally:
        django_request.removeHandler(handler)
    [record] = records
    assert record.getMessage() == "Internal Server Error: s/<str:token>/autosave/"
    assert token not in JsonFormatter().format(record)
