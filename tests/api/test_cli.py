"""`tandem api token create|list|revoke`: the token printed once, clear errors, audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tandem import cli
from tandem import demo as demo_module
from tandem.audit.models import AuditEvent

LEAD = demo_module.email_for("Priya Sandhu")


@pytest.fixture
def run(capsys: Any) -> Callable[..., tuple[int, str, str]]:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_created_token_works_and_is_listed_without_itself(
    run: Callable[..., tuple[int, str, str]], call: Callable[..., Any], demo: Any
) -> None:
    code, out, _ = run(
        "api",
        "token",
        "create",
        "--email",
        LEAD.upper(),
        "--name",
        "Board pack",
        "--days",
        "7",
        "--json",
    )
    assert code == 0
    created = json.loads(out)
    assert call("me", created["token"]).json()["email"] == LEAD
    code, out, _ = run("api", "token", "list", "--email", LEAD, "--json")
    listed = json.loads(out)["tokens"]
    assert [t["name"] for t in listed] == ["Board pack"]
    assert listed[0]["status"] == "active"
    assert created["token"] not in out
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.extra["via"] == "cli" and event.actor is None


def test_revoke_by_prefix_stops_the_token(
    run: Callable[..., tuple[int, str, str]], call: Callable[..., Any], demo: Any
) -> None:
    _, out, _ = run("api", "token", "create", "--email", LEAD, "--name", "Old")
    raw = out.splitlines()[0]
    assert "only time it is shown" in out
    code, out, _ = run("api", "token", "revoke", "--email", LEAD, "--prefix", raw[:13])
    assert code == 0 and "Revoked “Old”" in out
    assert call("me", raw).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("create", "--email", "nobody@example.org", "--name", "x"), "No account has"),
        (("create", "--email", LEAD, "--name", "x", "--days", "400"), "1 to 365 days"),
        (("revoke", "--email", LEAD, "--prefix", "tandem_zzzzzz"), "has no such token"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    run: Callable[..., tuple[int, str, str]], demo: Any, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run("api", "token", *argv)
    assert code == 2
    assert message in err
    assert "tandem_" not in out
