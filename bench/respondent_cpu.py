#!/usr/bin/env python3
"""CPU per request on the respondent's path: a question page, and an autosave.

Issue 17's targets: a question page ≤ 8 ms of CPU, an autosave ≤ 2.5 ms. Builds the same fresh
database as `respondents_load.py` (a SQLite file, or PostgreSQL `tandem_bench` at 127.0.0.1),
then, in one process, requests each page of the stock take and autosaves answers through
Django's test client (the whole view: URL routing, middleware, template, database), many
times, and prints the CPU milliseconds per request (process time: the client's own share is a
few per cent) and the statements each makes.

    .venv/bin/python bench/respondent_cpu.py --database sqlite
    .venv/bin/python bench/respondent_cpu.py --database postgres
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from respondents_load import Setup

MEASURE = r"""
import json, statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Invitation, InvitationStatus

settings.ALLOWED_HOSTS = ["*"]
calls = int(sys.argv[1])
tokens = list(
    Invitation.objects.exclude(status=InvitationStatus.SUBMITTED)
    .order_by("pk").values_list("token", flat=True)[:200]
)
instrument = get_instrument("stock-take")
sections = [s for s in instrument.sections if s.items]
items = [item.id for item in instrument.likert_items]
client = Client()

def cpu_ms(function, n):
    times = []
    for i in range(n):
        start = time.process_time()
        function(i)
        times.append((time.process_time() - start) * 1000)
    return round(statistics.median(times), 2), round(sorted(times)[int(0.95 * (len(times) - 1))], 2)

def page(i):
    section = sections[i % len(sections)]
    response = client.get(f"/s/{tokens[i % len(tokens)]}/page/{section.id}/")
    assert response.status_code == 200, response.status_code

def autosave(i):
    response = client.post(
        f"/s/{tokens[i % len(tokens)]}/autosave/",
        {"item": items[(i // len(tokens)) % len(items)], "value": str(1 + i % 5)},
    )
    assert response.json() == {"saved": True, "item": items[(i // len(tokens)) % len(items)]}

for warm in range(20):
    page(warm); autosave(warm)
results = {"database": connection.vendor}
with CaptureQueriesContext(connection) as q:
    page(0)
results["question page statements"] = len(q.captured_queries)
with CaptureQueriesContext(connection) as q:
    autosave(calls + 1)
results["autosave statements, changed answer"] = len(q.captured_queries)
results["question page cpu ms (p50, p95)"] = cpu_ms(page, calls)
results["autosave cpu ms (p50, p95)"] = cpu_ms(autosave, calls)
print(json.dumps(results, indent=2))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args()
    # The Setup of respondents_load.py reads these; no server is started here.
    args.participants = 300
    args.threads = 1
    args.conn_max_age = None
    args.sqlite_synchronous = None
    args.lock_invitation_only = False
    setup = Setup(args=args, workdir=Path(tempfile.mkdtemp(prefix="tandem-bench-")))
    try:
        setup.create_database()
        setup.seed()
        done = subprocess.run(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", MEASURE, str(args.calls)],
            cwd=setup.workdir,
            env=setup.env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        shutil.rmtree(setup.workdir, ignore_errors=True)
    print(done.stdout or done.stderr[-3000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
