#!/usr/bin/env python3
"""Load benchmark: many respondents answering the stock take at once against `tandem serve`.

Each simulated respondent opens their invitation link (start page, then the first question page
for the CSRF token and cookie), autosaves every item of the stock take one at a time — as
`autosave.js` does, a multipart POST with the X-CSRFToken header — with a random think time
between answers, then submits. When one finishes, that thread takes the next invitation.

It builds a fresh database (SQLite file in the work folder, or the PostgreSQL database
`tandem_bench` at 127.0.0.1:5432, dropped and re-created), seeds a programme with
--participants people and an open stock-take wave, starts `tandem serve` on 127.0.0.1, runs the
load for --duration seconds, stops the server and checks, in the database itself, that every
acknowledged answer is stored with the acknowledged value, exactly once, and that the
submissions stored are those the respondents saw succeed.

Only 127.0.0.1 is contacted. Every wait is bounded; the server is stopped in all cases.

    .venv/bin/python bench/respondents_load.py --database sqlite
    .venv/bin/python bench/respondents_load.py --database postgres --json bench/out/pg.json
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # the only address this script talks to
PG_DATABASE = "tandem_bench"
PG_ADMIN_DSN = f"host={HOST} port=5432 user=postgres dbname=postgres"
SECRET_KEY = "tandem-bench-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
REQUEST_TIMEOUT = 30.0
SETUP_TIMEOUT = 600.0
BENCH_DIR = Path(__file__).resolve().parent

SEED_SCRIPT = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.db import transaction
from django.utils import timezone
from tandem.programmes import services as programmes
from tandem.programmes.models import Level, Participant, Person, Profession, Role
from tandem.surveys import services as surveys

count = int(sys.argv[1])
today = timezone.localdate()
with transaction.atomic():
    organisation = programmes.organisation_create(name="Load Test NHS Foundation Trust")
    programme = programmes.programme_create(
        organisation=organisation, name="Load test programme", slug="load-test",
        start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=365),
    )
    professions = [Profession.DOCTOR, Profession.MANAGER]
    people = Person.objects.bulk_create(
        Person(
            organisation=organisation, name=f"Respondent {n:05d}",
            email=f"respondent{n:05d}@load-test.example",
            profession=professions[n % 2], level=Level.SERVICE,
        )
        for n in range(count)
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, person=person, role=Role.PARTICIPANT) for person in people
    )
    wave = surveys.wave_create(
        programme=programme, title="Load test stock take", kind="baseline",
        instrument_id="stock-take", opens_on=today, closes_on=today + dt.timedelta(days=14),
    )
tokens = list(wave.invitations.order_by("pk").values_list("token", flat=True))
from tandem.surveys.instruments import get_instrument
instrument = get_instrument("stock-take")
print(json.dumps({
    "wave": wave.pk,
    "tokens": tokens,
    "first_section": instrument.sections[0].id,
    "items": [[item.id, item.kind] for item in instrument.items],
}))
"""

PROFILE_SCRIPT = r"""
# Which SQL one autosave runs: Django's test client against the bench database, queries captured.
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tandem.surveys.models import Invitation, InvitationStatus
token = (
    Invitation.objects.filter(wave_id=int(sys.argv[1]))
    .exclude(status=InvitationStatus.SUBMITTED).values_list("token", flat=True).first()
)
client = Client(HTTP_HOST="127.0.0.1")
with CaptureQueriesContext(connection) as first:
    client.post(f"/s/{token}/autosave/", {"item": sys.argv[2], "value": "4"})
with CaptureQueriesContext(connection) as again:
    response = client.post(f"/s/{token}/autosave/", {"item": sys.argv[2], "value": "2"})
print(json.dumps({
    "status": response.status_code,
    "first_answer": [q["sql"] for q in first.captured_queries],
    "changed_answer": [q["sql"] for q in again.captured_queries],
}))
"""


# ------------------------------------------------------------------------------------------------
# Setting up: database, seed, server
# ------------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def tandem_command() -> list[str]:
    script = Path(sys.executable).with_name("tandem")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tandem.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Setup:
    args: argparse.Namespace
    workdir: Path
    database_url: str = ""
    sqlite_path: Path | None = None

    def env(self) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("TANDEM_", "GUNICORN_")) and name != "DATABASE_URL"
        }
        gunicorn = ["--no-control-socket"]  # gunicorn ≥ 25 otherwise takes over ~/.gunicorn/
        if self.args.threads > 1:
            gunicorn += ["--threads", str(self.args.threads)]
        if self.args.lock_invitation_only:
            gunicorn += ["--config", str(BENCH_DIR / "bench_gunicorn.py")]
        env.update(
            TANDEM_HOME=str(self.workdir),
            TANDEM_SECRET_KEY=SECRET_KEY,
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="tandem.settings",
            GUNICORN_CMD_ARGS=" ".join(gunicorn),
            PYTHONUNBUFFERED="1",
        )
        experiments = {
            "BENCH_CONN_MAX_AGE": self.args.conn_max_age,
            "BENCH_SQLITE_SYNCHRONOUS": self.args.sqlite_synchronous,
        }
        if any(value is not None for value in experiments.values()):
            # Experiments only: bench/bench_settings.py changes one database option.
            env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
            env |= {name: str(value) for name, value in experiments.items() if value is not None}
            env["PYTHONPATH"] = os.pathsep.join(
                [str(BENCH_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
            )
        return env

    def create_database(self) -> None:
        if self.args.database == "sqlite":
            self.sqlite_path = self.workdir / "bench.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            self.database_url = f"sqlite:///{self.sqlite_path}"
            return
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        self.database_url = f"postgres://postgres@{HOST}:5432/{PG_DATABASE}"

    def seed(self) -> dict[str, Any]:
        done = subprocess.run(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", SEED_SCRIPT, str(self.args.participants)],
            cwd=self.workdir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=SETUP_TIMEOUT,
        )
        if done.returncode != 0:
            raise SystemExit(f"seeding failed:\n{done.stdout}\n{done.stderr}")
        return dict(json.loads(done.stdout))

    def profile_autosave(self, wave_id: int, item_id: str) -> dict[str, Any]:
        done = subprocess.run(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", PROFILE_SCRIPT, str(wave_id), item_id],
            cwd=self.workdir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            return {"error": done.stderr[-2000:]}
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


class Server:
    """`tandem serve` in its own process group: stopped (and if need be killed) as a whole."""

    def __init__(self, setup: Setup, port: int) -> None:
        self.setup = setup
        self.port = port
        self.log_path = setup.workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.unlink(missing_ok=True)
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the installed `tandem` command
                [
                    *tandem_command(),
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.setup.args.workers),
                ],
                cwd=self.setup.workdir,
                env=self.setup.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # Generous: six processes each import Django and the app on a 2-core machine.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited:\n{self.log_text()[-3000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                try:
                    connection.request("GET", "/healthz")
                    if connection.getresponse().status == 200:
                        return
                finally:
                    connection.close()
            time.sleep(0.2)
        raise SystemExit(f"the server did not become healthy:\n{self.log_text()[-3000:]}")

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ProcessLookupError):
                    if os.getpgid(int(entry.name)) == self.process.pid:
                        found.append(int(entry.name))
        return found

    def warm_up(self, rounds: int = 5) -> None:
        """Concurrent health checks, so that every worker has served a request before the load."""

        def health() -> None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                try:
                    connection.request("GET", "/healthz")
                    connection.getresponse().read()
                finally:
                    connection.close()

        for _ in range(rounds):
            threads = [
                threading.Thread(target=health, daemon=True)
                for _ in range(self.setup.args.workers * 3)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)

    def wait_until_idle(self, timeout: float = 60) -> None:
        """Until the server's processes use less than 5 % of a core (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        before = cpu_seconds(self.pids())
        while time.monotonic() < deadline:
            time.sleep(1)
            now = cpu_seconds(self.pids())
            if now - before < 0.05:
                return
            before = now
        log("the server never went idle before the load; its CPU figures include start-up")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # Workers left behind by a master that died first.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and of their children that have exited
    (from /proc/<pid>/stat: utime, stime, cutime, cstime), so that PostgreSQL backends that
    end during the run, when a connection is recycled, still count.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15]) / tick
    return total


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (its backends do part of every request's work)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# ------------------------------------------------------------------------------------------------
# The respondents
# ------------------------------------------------------------------------------------------------

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
LIKERT_ANSWERS = ("1", "2", "3", "3", "4", "4", "4", "5", "5", "dont_know")
OPEN_ANSWERS = (
    "We talk before the clinic starts, which helps.",
    "Finance meetings clash with ward rounds.",
    "Protected time together every fortnight.",
    "Clearer agreement about who chairs the governance meeting — and who follows up.",
)


@dataclass
class Tally:
    """What one respondent thread saw; merged at the end (no locks on the hot path)."""

    latencies: list[float] = field(default_factory=list)  # acknowledged autosaves, seconds
    latency_times: list[float] = field(default_factory=list)  # when each one was sent (monotonic)
    page_latencies: list[float] = field(default_factory=list)  # GETs
    submit_latencies: list[float] = field(default_factory=list)
    acked: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    submitted: set[str] = field(default_factory=set)
    started: int = 0
    finished: int = 0
    cut_off_by_end: int = 0
    requests: int = 0


class OutOfInvitations(Exception):
    pass


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body, which is what `FormData` in autosave.js sends."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8")
    return body, f"multipart/form-data; boundary={boundary}"


class Respondent:
    def __init__(self, port: int, token: str, tally: Tally) -> None:
        self.port = port
        self.token = token
        self.tally = tally
        self.cookie = ""
        self.csrf = ""
        self.sent_at = 0.0

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes, float]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if fields is not None:
            body, content_type = multipart(fields)
            headers |= {"Content-Type": content_type, "X-CSRFToken": self.csrf}
        self.tally.requests += 1
        self.sent_at = time.monotonic()
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            elapsed = time.perf_counter() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("csrftoken="):
                    self.cookie = header.split(";", 1)[0]
            return response.status, dict(response.headers.items()), content, elapsed
        finally:
            connection.close()

    def answer_all(
        self, first_section: str, items: list[tuple[str, str]], rng: random.Random, args: Any
    ) -> None:
        deadline = args.deadline
        status, _, _, elapsed = self.request("GET", f"/s/{self.token}/")
        if status != 200:
            self.tally.errors[f"start page HTTP {status}"] += 1
            return
        self.tally.page_latencies.append(elapsed)
        status, _, content, elapsed = self.request("GET", f"/s/{self.token}/page/{first_section}/")
        found = CSRF_FIELD.search(content)
        if status != 200 or found is None or not self.cookie:
            self.tally.errors[f"question page HTTP {status}"] += 1
            return
        self.tally.page_latencies.append(elapsed)
        self.csrf = found.group(1).decode()
        self.tally.started += 1
        for item_id, kind in items:
            time.sleep(rng.uniform(0, args.think_ms / 1000))
            if time.monotonic() >= deadline:
                self.tally.cut_off_by_end += 1
                return
            value = rng.choice(OPEN_ANSWERS if kind == "open" else LIKERT_ANSWERS)
            try:
                status, _, content, elapsed = self.request(
                    "POST", f"/s/{self.token}/autosave/", {"item": item_id, "value": value}
                )
            except (OSError, http.client.HTTPException) as exc:
                self.tally.errors[f"autosave {type(exc).__name__}"] += 1
                continue
            if status == 200 and json.loads(content) == {"saved": True, "item": item_id}:
                self.tally.latencies.append(elapsed)
                self.tally.latency_times.append(self.sent_at)
                self.tally.acked[(self.token, item_id)] = value
            else:
                self.tally.errors[f"autosave HTTP {status}"] += 1
        if time.monotonic() >= deadline:
            self.tally.cut_off_by_end += 1
            return
        self.tally.finished += 1
        status, headers, _, elapsed = self.request(
            "POST", f"/s/{self.token}/submit/", {"csrfmiddlewaretoken": self.csrf}
        )
        if status == 302 and headers.get("Location") == f"/s/{self.token}/":
            self.tally.submitted.add(self.token)
            self.tally.submit_latencies.append(elapsed)
        else:
            self.tally.errors[f"submit HTTP {status}"] += 1


def respondent_thread(
    number: int,
    tokens: queue.Queue[str],
    setup: dict[str, Any],
    port: int,
    args: Any,
    tally: Tally,
) -> None:
    rng = random.Random(args.seed * 100_003 + number)
    items = [(item_id, kind) for item_id, kind in setup["items"]]
    # Spread the first arrivals over --ramp-s seconds rather than all in the same instant.
    time.sleep(rng.uniform(0, args.ramp_s))
    while time.monotonic() < args.deadline:
        try:
            token = tokens.get_nowait()
        except queue.Empty:
            tally.errors["ran out of invitations"] += 1
            return
        try:
            Respondent(port, token, tally).answer_all(setup["first_section"], items, rng, args)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            tally.errors[f"page {type(exc).__name__}"] += 1


# ------------------------------------------------------------------------------------------------
# Checking the database, and the figures
# ------------------------------------------------------------------------------------------------


def stored_state(setup: Setup, wave_id: int) -> dict[str, Any]:
    answers_sql = (
        "SELECT i.token, a.item_id, a.value, a.dont_know, a.text FROM surveys_answer a "
        "JOIN surveys_invitation i ON i.id = a.invitation_id WHERE i.wave_id = {p}"
    )
    duplicates_sql = (
        "SELECT COUNT(*) FROM (SELECT a.invitation_id, a.item_id FROM surveys_answer a "
        "JOIN surveys_invitation i ON i.id = a.invitation_id WHERE i.wave_id = {p} "
        "GROUP BY a.invitation_id, a.item_id HAVING COUNT(*) > 1) AS d"
    )
    submitted_sql = (
        "SELECT token FROM surveys_invitation WHERE wave_id = {p} AND status = 'submitted' "
        "AND submitted_at IS NOT NULL"
    )
    if setup.sqlite_path is not None:
        import sqlite3

        with contextlib.closing(sqlite3.connect(setup.sqlite_path, timeout=30)) as db:
            rows = db.execute(answers_sql.format(p="?"), (wave_id,)).fetchall()
            duplicates = db.execute(duplicates_sql.format(p="?"), (wave_id,)).fetchone()[0]
            submitted = [r[0] for r in db.execute(submitted_sql.format(p="?"), (wave_id,))]
            table_sql = db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'surveys_answer'"
            ).fetchone()[0]
            unique = (
                re.search(
                    r'CONSTRAINT "surveys_answer_once_per_item" UNIQUE \("invitation_id", "item_id"\)',
                    table_sql,
                )
                is not None
            )
    else:
        import psycopg

        with psycopg.connect(
            f"host={HOST} port=5432 user=postgres dbname={PG_DATABASE}", connect_timeout=10
        ) as db:
            rows = db.execute(answers_sql.format(p="%s"), (wave_id,)).fetchall()
            counted = db.execute(duplicates_sql.format(p="%s"), (wave_id,)).fetchone()
            duplicates = counted[0] if counted else 0
            submitted = [r[0] for r in db.execute(submitted_sql.format(p="%s"), (wave_id,))]
            found = db.execute(
                "SELECT contype FROM pg_constraint WHERE conname = 'surveys_answer_once_per_item'"
            ).fetchone()
            unique = found is not None and found[0] == "u"
    stored: dict[tuple[str, str], str] = {}
    for token, item_id, value, dont_know, text in rows:
        stored[(token, item_id)] = (
            "dont_know" if dont_know else (text if value is None else str(value))
        )
    return {
        "rows": len(rows),
        "stored": stored,
        "duplicates": duplicates,
        "submitted": set(submitted),
        "unique_constraint": unique,
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50) * 1000, 1),
        "p95": round(percentile(values, 95) * 1000, 1),
        "p99": round(percentile(values, 99) * 1000, 1),
        "max": round(max(values) * 1000, 1) if values else float("nan"),
        "mean": round(statistics.fmean(values) * 1000, 1) if values else float("nan"),
    }


def windowed(
    latencies: list[float], times: list[float], start: float, elapsed: float, width: float
) -> list[list[float]]:
    windows: list[list[float]] = [[] for _ in range(max(1, int(elapsed // width) + 1))]
    for latency, sent in zip(latencies, times, strict=True):
        windows[min(len(windows) - 1, int((sent - start) // width))].append(latency)
    return [window for window in windows if window]


def server_log_findings(text: str) -> dict[str, Any]:
    statuses = Counter(re.findall(r'" (\d{3}) ', text))
    return {
        "database is locked": text.count("database is locked"),
        "Traceback": text.count("Traceback"),
        "WORKER TIMEOUT": text.count("WORKER TIMEOUT"),
        "access log statuses": dict(sorted(statuses.items())),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200, help="concurrent respondents")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--workers", type=int, default=5, help="gunicorn worker processes (2 × cores + 1)"
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument(
        "--think-ms", type=float, default=200, help="think time before each answer: 0..N ms"
    )
    parser.add_argument(
        "--ramp-s", type=float, default=1.0, help="spread the first arrivals over N seconds"
    )
    parser.add_argument(
        "--settle-s",
        type=float,
        default=10.0,
        help="'after ramp' figures leave out answers sent before ramp + N seconds",
    )
    parser.add_argument("--participants", type=int, default=4000, help="invitations to seed")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="experiment: another CONN_MAX_AGE (uses bench/bench_settings.py)",
    )
    parser.add_argument(
        "--lock-invitation-only",
        action="store_true",
        help="experiment: answers lock only the invitation row (bench/bench_gunicorn.py)",
    )
    parser.add_argument(
        "--sqlite-synchronous",
        choices=["NORMAL", "FULL"],
        default=None,
        help="experiment: SQLite's synchronous pragma (Tandem uses NORMAL)",
    )
    parser.add_argument("--workdir", type=Path, help="keep the server log and SQLite file here")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--profile", action="store_true", help="also print one autosave's SQL")
    args = parser.parse_args()
    if args.respondents < 1 or args.duration <= 0 or args.duration > 3600:
        parser.error("need at least one respondent and a duration between 0 and 3600 s")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    setup = Setup(args=args, workdir=workdir)
    log(f"work folder {workdir}; creating the {args.database} database")
    setup.create_database()
    seeded_at = time.monotonic()
    seeded = setup.seed()
    log(
        f"seeded {len(seeded['tokens'])} invitations in {time.monotonic() - seeded_at:.1f} s; "
        f"{len(seeded['items'])} items each"
    )
    tokens: queue.Queue[str] = queue.Queue()
    for token in seeded["tokens"]:
        tokens.put(token)

    server = Server(setup, args.port or free_port())
    tallies = [Tally() for _ in range(args.respondents)]
    result: dict[str, Any] = {}
    try:
        server.start()
        log(
            f"tandem serve on {HOST}:{server.port}, {args.workers} workers × {args.threads} "
            f"thread(s); {args.respondents} respondents for {args.duration:.0f} s"
        )
        # Workers (and `tandem serve`'s task worker, if any) finish booting after the first
        # /healthz, and each worker imports the views on its first request: not load to measure.
        server.warm_up()
        server.wait_until_idle()
        # What the rest of the machine is doing before the load starts (other jobs share it).
        background_before = machine_busy()
        time.sleep(3)
        background_after = machine_busy()
        background = (background_after[0] - background_before[0]) / max(
            1, background_after[1] - background_before[1]
        )
        load_average_before = Path("/proc/loadavg").read_text().split()[:3]
        server_cpu_before = cpu_seconds(server.pids())
        postgres_cpu_before = cpu_seconds(postgres_pids()) if args.database == "postgres" else 0.0
        busy_before = machine_busy()
        client_cpu_before = time.process_time()
        started = time.monotonic()
        args.deadline = started + args.duration
        threads = [
            threading.Thread(
                target=respondent_thread,
                args=(n, tokens, seeded, server.port, args, tallies[n]),
                daemon=True,
                name=f"respondent-{n}",
            )
            for n in range(args.respondents)
        ]
        for thread in threads:
            thread.start()
        # A request started just before the deadline may take up to REQUEST_TIMEOUT.
        join_deadline = args.deadline + REQUEST_TIMEOUT + 5
        for thread in threads:
            thread.join(timeout=max(0.0, join_deadline - time.monotonic()))
        stuck = sum(thread.is_alive() for thread in threads)
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - client_cpu_before
        busy_after = machine_busy()
        server_pids = server.pids()
        server_cpu = cpu_seconds(server_pids) - server_cpu_before
        postgres_cpu = (
            cpu_seconds(postgres_pids()) - postgres_cpu_before
            if args.database == "postgres"
            else 0.0
        )
        log(f"load finished after {elapsed:.1f} s; stopping the server")
    finally:
        server.stop()

    findings = server_log_findings(server.log_text())
    state = stored_state(setup, seeded["wave"])

    tally = Tally()
    for part in tallies:
        tally.latencies += part.latencies
        tally.latency_times += part.latency_times
        tally.page_latencies += part.page_latencies
        tally.submit_latencies += part.submit_latencies
        tally.acked |= part.acked
        tally.errors += part.errors
        tally.submitted |= part.submitted
        tally.started += part.started
        tally.finished += part.finished
        tally.cut_off_by_end += part.cut_off_by_end
        tally.requests += part.requests
    stored = state["stored"]
    lost = [key for key in tally.acked if key not in stored]
    wrong = [key for key, value in tally.acked.items() if key in stored and stored[key] != value]
    unacked_stored = [key for key in stored if key not in tally.acked]
    machine_share = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1])

    result = {
        "database": args.database,
        "respondents": args.respondents,
        "duration_s": round(elapsed, 1),
        "think_ms": args.think_ms,
        "ramp_s": args.ramp_s,
        "gunicorn": {
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread" if args.threads > 1 else "sync",
            "conn_max_age_override": args.conn_max_age,
            "sqlite_synchronous_override": args.sqlite_synchronous,
            "lock_invitation_only_experiment": args.lock_invitation_only,
        },
        "invitations_seeded": len(seeded["tokens"]),
        "respondents_started": tally.started,
        "respondents_answered_everything": tally.finished,
        "respondents_cut_off_by_end_of_run": tally.cut_off_by_end,
        "requests": tally.requests,
        "acknowledged_answers": len(tally.acked),
        "saved_answers_per_s": round(len(tally.acked) / elapsed, 1),
        "requests_per_s": round(tally.requests / elapsed, 1),
        "autosave_latency_ms": ms(tally.latencies),
        "autosave_latency_ms_after_ramp": ms(
            [
                latency
                for latency, sent in zip(tally.latencies, tally.latency_times, strict=True)
                if sent - started >= args.ramp_s + args.settle_s
            ]
        ),
        "autosave_p99_ms_by_10s": [
            round(percentile(window, 99) * 1000)
            for window in windowed(tally.latencies, tally.latency_times, started, elapsed, 10)
        ],
        "page_latency_ms": ms(tally.page_latencies),
        "submit_latency_ms": ms(tally.submit_latencies),
        "errors": dict(sorted(tally.errors.items())),
        "server_log": findings,
        "stuck_threads": stuck,
        "check": {
            "stored_answers": state["rows"],
            "acknowledged_answers": len(tally.acked),
            "lost (acknowledged, not stored)": len(lost),
            "wrong value (stored ≠ acknowledged)": len(wrong),
            "stored without acknowledgement": len(unacked_stored),
            "duplicate (invitation, item) rows": state["duplicates"],
            "unique constraint present": state["unique_constraint"],
            "successful submits seen": len(tally.submitted),
            "submissions stored": len(state["submitted"]),
            "submits seen but not stored": len(tally.submitted - state["submitted"]),
            "stored but not seen": len(state["submitted"] - tally.submitted),
        },
        "cpu": {
            "machine_busy_share": round(machine_share, 3),
            "machine_busy_share_before_load (other jobs)": round(background, 3),
            "load_average_before_load": load_average_before,
            "server_processes_cpu_s": round(server_cpu, 1),
            "server_cpu_ms_per_request": round(server_cpu / max(1, tally.requests) * 1000, 2),
            "postgres_cpu_s": round(postgres_cpu, 1),
            "postgres_cpu_ms_per_request": round(postgres_cpu / max(1, tally.requests) * 1000, 2),
            "client_cpu_s": round(client_cpu, 1),
            # Busy CPU not accounted for by the server, PostgreSQL or this client: other jobs
            # on the machine during the run, in cores (the figures are only fair when ~0).
            "other_jobs_cores_during_run": round(
                max(
                    0.0,
                    machine_share * (os.cpu_count() or 1)
                    - (server_cpu + postgres_cpu + client_cpu) / elapsed,
                ),
                2,
            ),
            "cores": os.cpu_count(),
        },
    }
    check = result["check"]
    result["passed"] = {
        "no answer lost or changed": not lost and not wrong,
        "no duplicates": state["duplicates"] == 0 and state["unique_constraint"],
        "submissions match": check["submits seen but not stored"] == 0
        and check["stored but not seen"] == 0,
        "no 'database is locked'": findings["database is locked"] == 0,
        "p99 < 300 ms": result["autosave_latency_ms"]["p99"] < 300,
    }
    if args.profile:
        result["autosave_sql"] = setup.profile_autosave(seeded["wave"], seeded["items"][0][0])

    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        log(f"server log kept at {server.log_path}")
    integrity = (
        result["passed"]["no answer lost or changed"]
        and result["passed"]["no duplicates"]
        and result["passed"]["submissions match"]
    )
    return 0 if integrity else 1


if __name__ == "__main__":
    sys.exit(main())
