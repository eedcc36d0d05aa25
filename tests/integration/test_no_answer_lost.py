"""No answer lost: SIGKILL the whole server in the middle of autosaves, restart it, check the file.

This runs the real `tandem serve` (gunicorn, two sync workers) on its own SQLite file, not on
pytest-django's test database: the promise is about what survives a crash of the real server.
An answer the respondent saw acknowledged (`{"saved": true}`) must be stored with that value,
exactly once; an answer whose request was cut off may or may not be stored, but never with a
value the respondent did not send. SQLite is the case at risk (one file, a write lock, a WAL),
so that is what this checks; the database is read with the `sqlite3` module, not through Django.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tandem.surveys.instruments import get_instrument

SECRET_KEY = "kill-test-secret-key-fixed-so-a-restart-keeps-sessions-0123456789"
STARTUP_SECONDS = 90.0  # a hang guard; a busy 2-core host can take 30 s to boot gunicorn
REQUEST_SECONDS = 30.0
LIKERT_VALUES = ("1", "2", "3", "4", "5", "dont_know")

WAVE_SCRIPT = """
import datetime as dt, json
import django
django.setup()
from django.utils import timezone
from tandem.demo import load_demo
from tandem.surveys import services
programme = load_demo(password="unused").programme
today = timezone.localdate()
wave = services.wave_create(
    programme=programme, title="Kill test", kind="baseline", instrument_id="stock-take",
    opens_on=today, closes_on=today + dt.timedelta(days=14),
)
print(json.dumps({"wave": wave.pk, "tokens": list(wave.invitations.values_list("token", flat=True))}))
"""


def tandem_command() -> list[str]:
    script = Path(sys.executable).with_name("tandem")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tandem.cli"]


def server_env(home: Path) -> dict[str, str]:
    """The test process's environment without any Tandem or database settings of its own."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TANDEM_", "GUNICORN_")) and name != "DATABASE_URL"
    }
    env.update(
        TANDEM_HOME=str(home),
        TANDEM_SECRET_KEY=SECRET_KEY,
        DATABASE_URL=f"sqlite:///{home / 'kill.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tandem.settings",
        # Gunicorn ≥ 25 opens a control socket at ~/.gunicorn/gunicorn.ctl unless told not to,
        # and each new server takes that path over: a test server must not steal another's.
        GUNICORN_CMD_ARGS="--no-control-socket",
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(home: Path, *argv: str) -> str:
    # Migrating a fresh database and building the demo takes ~15 s on a quiet 2-core machine;
    # the limit is for a hung command, not a slow one on a busy CI host.
    done = subprocess.run(
        argv, cwd=home, env=server_env(home), capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{argv[1:]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Server:
    """`tandem serve` in its own process group, so that one SIGKILL reaches master and workers."""

    def __init__(self, home: Path, port: int) -> None:
        self.home = home
        self.port = port
        self.log_path = home / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*tandem_command(), "serve", "--port", str(self.port), "--workers", "2"],
                cwd=self.home,
                env=server_env(self.home),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited:\n{self.log()}"
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    connection.request("GET", "/healthz")
                    if connection.getresponse().status == 200:
                        return
                finally:
                    connection.close()
            time.sleep(0.1)
        raise AssertionError(f"the server did not answer /healthz in time:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL master and workers at once: no graceful shutdown, no atexit, no flush."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        # The listening socket closes when the last worker holding it has died.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.05)
        raise AssertionError("a killed server's workers still hold the port")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class Respondent:
    """A browser without JavaScript frills: a CSRF cookie, the form's token, one request a connection."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def send(self, method: str, path: str, fields: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf,
            }
        connection.request(method, path, body=body, headers=headers)
        return connection

    def receive(self, connection: Any) -> tuple[int, str, bytes]:
        """(status, Location, body); raises OSError or HTTPException if the server died first."""
        try:
            response = connection.getresponse()
            body = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location", ""), body
        finally:
            connection.close()

    def call(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        return self.receive(self.send(method, path, fields))

    def open_page(self, section_id: str) -> None:
        status, _, body = self.call("GET", f"/s/{self.token}/page/{section_id}/")
        assert status == 200
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert found is not None, "no CSRF token in the question page"
        self.csrf = found.group(1).decode()
        assert "csrftoken" in self.cookies

    def autosave(self, item_id: str, value: str) -> Any:
        return self.send("POST", f"/s/{self.token}/autosave/", {"item": item_id, "value": value})

    def outcome_if_any(self, connection: Any) -> tuple[int, str, bytes] | None:
        """The response, or None when the server died before sending all of it."""
        try:
            return self.receive(connection)
        except (OSError, http.client.HTTPException):
            return None

    @staticmethod
    def acknowledged(outcome: tuple[int, str, bytes], item_id: str) -> bool:
        status, _, body = outcome
        return status == 200 and json.loads(body) == {"saved": True, "item": item_id}


def stored_answers(database: Path, token: str) -> list[tuple[str, str]]:
    """(item id, answer as the form sends it) for every stored row, duplicates included."""
    with contextlib.closing(sqlite3.connect(database, timeout=20)) as db:
        rows = db.execute(
            "SELECT a.item_id, a.value, a.dont_know, a.text FROM surveys_answer a "
            "JOIN surveys_invitation i ON i.id = a.invitation_id WHERE i.token = ? "
            "ORDER BY a.item_id",
            (token,),
        ).fetchall()
    return [
        (item_id, "dont_know" if dont_know else (text if value is None else str(value)))
        for item_id, value, dont_know, text in rows
    ]


def invitation_statuses(database: Path, wave_id: int) -> dict[str, tuple[str, bool]]:
    with contextlib.closing(sqlite3.connect(database, timeout=20)) as db:
        rows = db.execute(
            "SELECT token, status, submitted_at IS NOT NULL FROM surveys_invitation "
            "WHERE wave_id = ?",
            (wave_id,),
        ).fetchall()
    return {token: (status, bool(submitted)) for token, status, submitted in rows}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh Tandem home with the demo programme and an open stock-take wave."""
    run(tmp_path, *tandem_command(), "demo", "--no-serve")
    return tmp_path


@pytest.fixture
def server(home: Path) -> Iterator[Server]:
    server = Server(home, free_port())
    try:
        yield server
    finally:
        server.kill()


def test_acknowledged_answers_survive_a_sigkill_of_the_whole_server(
    home: Path, server: Server
) -> None:
    created = json.loads(run(home, sys.executable, "-c", WAVE_SCRIPT))
    token = created["tokens"][0]
    database = home / "kill.sqlite3"
    instrument = get_instrument("stock-take")
    likert = [item.id for item in instrument.likert_items]
    open_items = [item.id for item in instrument.open_items]
    last_page_index = max(n for n, s in enumerate(instrument.sections) if s.type == "likert")
    last_page = instrument.sections[last_page_index]
    after_last_page = instrument.sections[last_page_index + 1].id
    by_page = [item.id for item in last_page.items]
    by_autosave = [item_id for item_id in likert if item_id not in by_page]
    sent = {item_id: LIKERT_VALUES[n % len(LIKERT_VALUES)] for n, item_id in enumerate(likert)}
    sent |= {item_id: f"Written answer to {item_id}." for item_id in open_items}
    sent[open_items[0]] = "Handovers on the ward — we talk before the café queue forms."
    acked: dict[str, str] = {}

    server.start()
    respondent = Respondent(server.port, token)
    assert respondent.call("GET", f"/s/{token}/")[0] == 200
    respondent.open_page(instrument.sections[0].id)

    # Before the crash: twenty answers one at a time, one changed, one written answer.
    for item_id in [*by_autosave[:20], open_items[0]]:
        outcome = respondent.receive(respondent.autosave(item_id, sent[item_id]))
        assert respondent.acknowledged(outcome, item_id), outcome
        acked[item_id] = sent[item_id]
    assert sent[by_autosave[0]] == "1"
    sent[by_autosave[0]] = "4"
    assert respondent.acknowledged(
        respondent.receive(respondent.autosave(by_autosave[0], sent[by_autosave[0]])),
        by_autosave[0],
    )
    acked[by_autosave[0]] = sent[by_autosave[0]]

    # Eight more sent at once to two workers; as soon as the first is acknowledged, while the
    # other worker is busy with the next one, the whole server is killed.
    burst = by_autosave[20:28]
    connections = [respondent.autosave(item_id, sent[item_id]) for item_id in burst]
    first = respondent.receive(connections.pop(0))
    server.kill()
    assert respondent.acknowledged(first, burst[0]), first
    acked[burst[0]] = sent[burst[0]]
    burst = burst[1:]
    outcomes = dict(zip(burst, map(respondent.outcome_if_any, connections), strict=True))
    cut_off = [item_id for item_id, outcome in outcomes.items() if outcome is None]
    answered = {item_id: outcome for item_id, outcome in outcomes.items() if outcome is not None}
    assert all(respondent.acknowledged(o, item_id) for item_id, o in answered.items()), answered
    acked |= {item_id: sent[item_id] for item_id in answered}
    assert cut_off, "every request finished before the kill, so nothing was in flight"

    server.start()
    after_restart = stored_answers(database, token)
    stored = dict(after_restart)
    assert len(after_restart) == len(stored), "an item is stored twice"
    assert {item_id: stored.get(item_id) for item_id in acked} == acked
    assert set(stored) <= set(acked) | set(cut_off)
    assert all(stored[item_id] == sent[item_id] for item_id in set(stored) & set(cut_off))

    # After the restart the respondent carries on: the rest by autosave (the cut-off ones sent
    # again, as the page's script retries), the last question page by its form, then submit twice.
    for item_id in [*by_autosave[20:], *open_items[1:]]:
        outcome = respondent.receive(respondent.autosave(item_id, sent[item_id]))
        assert respondent.acknowledged(outcome, item_id), outcome
    respondent.open_page(last_page.id)
    status, location, _ = respondent.call(
        "POST",
        f"/s/{token}/page/{last_page.id}/",
        {"csrfmiddlewaretoken": respondent.csrf} | {item_id: sent[item_id] for item_id in by_page},
    )
    assert (status, location) == (302, f"/s/{token}/page/{after_last_page}/")
    for _ in range(2):
        assert respondent.call("POST", f"/s/{token}/submit/", {})[:2] == (302, f"/s/{token}/")
    late = respondent.receive(respondent.autosave(likert[0], "3"))
    assert late[0] == 409

    final = stored_answers(database, token)
    assert dict(final) == sent
    assert len(final) == len(instrument.items)
    statuses = invitation_statuses(database, created["wave"])
    assert statuses[token] == ("submitted", True)
    assert sum(status == "submitted" for status, _ in statuses.values()) == 1
    assert "database is locked" not in server.log()
    assert "Internal Server Error" not in server.log()
