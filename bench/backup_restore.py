#!/usr/bin/env python3
"""How long `tandem backup` and `tandem restore` take, beside what a competent administrator would
run by hand, for the demo and for a programme of 10,000 respondents who each answered the stock
take (500,000 answers).

Side by side (wall time, including each command's start-up):
- `tandem backup` vs the database's own tool alone — SQLite: Python's `sqlite3` online backup of
  the file; PostgreSQL: `pg_dump --format=custom` — which holds no uploaded files and no manifest;
- `tandem restore` (checks, one-step replace, migrations check) vs copying the file into place /
  `pg_restore --single-transaction` into an empty database;
- the floor: `tandem --help` (the command's own start-up).

    .venv/bin/python bench/backup_restore.py --database sqlite --respondents 10000
    .venv/bin/python bench/backup_restore.py --database postgres --respondents 10000 --json out.json

Builds its databases in a temporary folder (SQLite) or as tandem_bench_backup_a/_b on
127.0.0.1:5432 (dropped and re-created); touches nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
SECRET_KEY = "tandem-bench-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
NOTES_KEY = "S3p2X0o5dHdVQkF5c2tQYXh4V3J6S0x1dE1tQmVhV2U="

SEED = r"""
import datetime as dt, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.db import transaction
from django.utils import timezone
from tandem.programmes import services as programmes
from tandem.programmes.models import Level, Participant, Person, Profession, Role
from tandem.surveys import services as surveys
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer, AnswerSource, Invitation, InvitationStatus

count = int(sys.argv[1])
today = timezone.localdate()
with transaction.atomic():
    organisation = programmes.organisation_create(name="Backup Bench NHS Foundation Trust")
    programme = programmes.programme_create(
        organisation=organisation, name="Backup bench", slug="backup-bench",
        start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=365),
    )
    people = Person.objects.bulk_create(
        Person(organisation=organisation, name=f"Respondent {n:05d}",
               email=f"respondent{n:05d}@bench.example",
               profession=[Profession.DOCTOR, Profession.MANAGER][n % 2], level=Level.SERVICE)
        for n in range(count)
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, person=person, role=Role.PARTICIPANT) for person in people
    )
    wave = surveys.wave_create(
        programme=programme, title="Stock take", kind="baseline", instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=4),
    )
items = [item.id for item in get_instrument("stock-take").items if item.kind == "likert"]
invitations = list(wave.invitations.values_list("pk", flat=True))
batch = []
for n, pk in enumerate(invitations):
    for i, item in enumerate(items):
        batch.append(Answer(invitation_id=pk, item_id=item, value=1 + (n + i) % 5,
                            source=AnswerSource.WEB))
    if len(batch) >= 20000:
        Answer.objects.bulk_create(batch); batch = []
Answer.objects.bulk_create(batch)
Invitation.objects.filter(wave=wave).update(status=InvitationStatus.SUBMITTED,
                                            submitted_at=timezone.now())
print(Answer.objects.count())
"""


def env_for(url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=url,
        TANDEM_HOME=str(home),
        TANDEM_MEDIA_ROOT=str(home / "media"),
        TANDEM_SECRET_KEY=SECRET_KEY,
        TANDEM_NOTES_KEYS=NOTES_KEY,
        DJANGO_SETTINGS_MODULE="tandem.settings",
    )
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
    return time.perf_counter() - started


def tandem(*args: str) -> list[str]:
    return [sys.executable, "-m", "tandem.cli", *args]


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", "-h", HOST, "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
    )


def run(database: str, respondents: int, work: Path) -> dict[str, object]:
    a, b = work / "a", work / "b"
    a.mkdir()
    b.mkdir()
    if database == "sqlite":
        url_a, url_b = f"sqlite:///{a / 'tandem.sqlite3'}", f"sqlite:///{b / 'tandem.sqlite3'}"
    else:
        for name in ("tandem_bench_backup_a", "tandem_bench_backup_b", "tandem_bench_backup_c"):
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            psql(f"CREATE DATABASE {name}")
        url_a = f"postgres://postgres@{HOST}:5432/tandem_bench_backup_a"
        url_b = f"postgres://postgres@{HOST}:5432/tandem_bench_backup_b"
    env_a, env_b = env_for(url_a, a), env_for(url_b, b)
    started = time.perf_counter()
    if respondents:
        answers = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SEED, str(respondents)],
            env=env_a,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    else:
        subprocess.run(tandem("demo", "--no-serve"), env=env_a, check=True, capture_output=True)  # noqa: S603
        answers = "demo"
    seeded = time.perf_counter() - started
    archive = work / "backup.tar.gz"
    result: dict[str, object] = {"database": database, "respondents": respondents or "demo"}
    result["answers"] = answers
    result["seed_s"] = round(seeded, 1)
    result["floor_tandem_help_s"] = round(timed(tandem("--help"), env_a), 2)
    result["tandem_backup_s"] = round(timed(tandem("backup", "--out", str(archive)), env_a), 2)
    result["archive_mb"] = round(archive.stat().st_size / 1e6, 1)
    if database == "sqlite":
        by_hand = (
            "import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); "
            "s.backup(d); d.close()"
        )
        result["by_hand_backup_s"] = round(
            timed(
                [
                    sys.executable,
                    "-c",
                    by_hand,
                    str(a / "tandem.sqlite3"),
                    str(work / "hand.sqlite3"),
                ],
                env_a,
            ),
            2,
        )
        result["database_mb"] = round((a / "tandem.sqlite3").stat().st_size / 1e6, 1)
    else:
        result["by_hand_backup_s"] = round(
            timed(
                [
                    "pg_dump",
                    "-Fc",
                    "-h",
                    HOST,
                    "-U",
                    "postgres",
                    "-f",
                    str(work / "hand.pgdump"),
                    "tandem_bench_backup_a",
                ],
                env_a,
            ),
            2,
        )
    subprocess.run(  # noqa: S603
        tandem("manage", "migrate", "--verbosity", "0"), env=env_b, check=True, capture_output=True
    )
    result["tandem_restore_s"] = round(timed(tandem("restore", str(archive)), env_b), 2)
    if database == "sqlite":
        started = time.perf_counter()
        shutil.copyfile(work / "hand.sqlite3", work / "copy.sqlite3")
        result["by_hand_restore_s"] = round(time.perf_counter() - started, 2)
    else:
        result["by_hand_restore_s"] = round(
            timed(
                [
                    "pg_restore",
                    "--single-transaction",
                    "--no-owner",
                    "-h",
                    HOST,
                    "-U",
                    "postgres",
                    "-d",
                    "tandem_bench_backup_c",
                    str(work / "hand.pgdump"),
                ],
                env_a,
            ),
            2,
        )
        for name in ("tandem_bench_backup_a", "tandem_bench_backup_b", "tandem_bench_backup_c"):
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--respondents", type=int, default=10000, help="0: the demo instead")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tandem-bench-backup-") as work:
        result = run(args.database, args.respondents, Path(work))
    result["machine"] = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores"
    result["date"] = time.strftime("%Y-%m-%d %H:%M")
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
