#!/usr/bin/env python3
"""What one autosave costs in the service layer now, and what a leaner version would cost.

Evidence for a suggested change (bench/RESULTS.md), not a change: builds the same fresh database
as `respondents_load.py` (SQLite file or PostgreSQL `tandem_bench` at 127.0.0.1), then, in one
process without HTTP, times N autosaves through today's path (`selectors.invitation_key` +
`services.answer_save`, as `views.respond_autosave` does) and N through a sketch that reads the invitation once, locked, and
stores the answer with one INSERT … ON CONFLICT DO UPDATE. Prints statements per call and CPU
and wall milliseconds per call, and checks that both store the same thing.

    .venv/bin/python bench/autosave_lean.py --database sqlite
    .venv/bin/python bench/autosave_lean.py --database postgres
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

COMPARE = r"""
import json, sys, time
import django
django.setup()
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tandem.surveys import selectors, services
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer, AnswerSource, Invitation, InvitationStatus
from tandem.surveys.services import _check_writable, _mark_started, clean_answer


def today(token, item_id, value):
    # What views.respond_autosave does.
    invitation = selectors.invitation_key(token=token)
    services.answer_save(invitation=invitation, item_id=item_id, value=value)


@transaction.atomic
def lean(token, item_id, value):
    # One read by token, locking only the invitation row (FOR UPDATE OF on PostgreSQL; SQLite's
    # IMMEDIATE transaction already holds the write lock), and one upsert.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave")
        .order_by()
        .get(token=token)
    )
    _check_writable(invitation)
    instrument = invitation.wave.instrument
    item = instrument.item(item_id)
    answer = clean_answer(instrument=instrument, item=item, raw=value)
    Answer.objects.bulk_create(
        [Answer(invitation=invitation, item_id=item.id, value=answer.value,
                dont_know=answer.dont_know, text=answer.text, source=AnswerSource.WEB)],
        update_conflicts=True,
        unique_fields=["invitation", "item_id"],
        update_fields=["value", "dont_know", "text", "source", "updated_at"],
    )
    section = instrument.section_of(item.id)
    _mark_started(invitation, section.id if section else None)


calls = int(sys.argv[1])
tokens = list(
    Invitation.objects.exclude(status=InvitationStatus.SUBMITTED)
    .order_by("pk").values_list("token", flat=True)[:400]
)
items = [item.id for item in get_instrument("stock-take").likert_items]
results = {}
for name, function, group in (("today", today, tokens[:200]), ("lean", lean, tokens[200:])):
    with CaptureQueriesContext(connection) as first:
        function(group[0], items[0], "3")
    with CaptureQueriesContext(connection) as change:
        function(group[0], items[0], "4")
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(calls):
        function(group[n % len(group)], items[(n // len(group)) % len(items)], str(1 + n % 5))
    results[name] = {
        "statements, first answer": len(first.captured_queries),
        "statements, changed answer": len(change.captured_queries),
        "cpu ms per call": round((time.process_time() - cpu) / calls * 1000, 2),
        "wall ms per call": round((time.perf_counter() - wall) / calls * 1000, 2),
    }
stored = [
    Answer.objects.values("value", "dont_know", "text", "source").get(
        invitation__token=group[1], item_id=items[0]
    )
    for group in (tokens[:200], tokens[200:])
]
results["same stored answer"] = stored[0] == stored[1]
results["database"] = connection.vendor
print(json.dumps(results, indent=2))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    # The Setup of respondents_load.py reads these; no server is started here.
    args.participants = 500
    args.threads = 1
    args.conn_max_age = None
    args.sqlite_synchronous = None
    args.lock_invitation_only = False
    setup = Setup(args=args, workdir=Path(tempfile.mkdtemp(prefix="tandem-bench-")))
    try:
        setup.create_database()
        setup.seed()
        done = subprocess.run(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", COMPARE, str(args.calls)],
            cwd=setup.workdir,
            env=setup.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        shutil.rmtree(setup.workdir, ignore_errors=True)
    print(done.stdout or done.stderr[-3000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
