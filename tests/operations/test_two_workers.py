"""Two `tandem worker` processes against one database (SQLite file, or PostgreSQL in CI's second
leg), as a trust runs them on two machines: every queued e-mail reaches a real SMTP server
exactly once, and a job missed for days runs once — not once per worker, not once per missed day.
"""

from __future__ import annotations

import email
import json
import subprocess
import sys
import time

from aiosmtpd.controller import Controller

from tests.operations.test_email_queue import _free_port
from tests.test_backup_restore import Install, installs

__all__ = ["installs"]

SEED = r"""
import datetime as dt, django
django.setup()
from django.core.mail import EmailMessage
from django.utils import timezone
from tandem.operations.models import JobKind, ScheduledJob
from tandem.operations.scheduling import ensure_jobs
ensure_jobs()
ScheduledJob.objects.filter(kind=JobKind.OPEN_CLOSE_WAVES).update(
    next_run_at=timezone.now() - dt.timedelta(days=3)
)
for i in range(30):
    EmailMessage(subject=f"Message {i}", body="Hello", to=[f"person{i}@trust.example"]).send()
"""

REPORT = r"""
import json, django
django.setup()
from django_tasks_db.models import DBTaskResult
from tandem.operations.models import EmailStatus, JobKind, OutboundEmail, ScheduledJob
from django.utils import timezone
job = ScheduledJob.objects.get(kind=JobKind.OPEN_CLOSE_WAVES)
print(json.dumps({
    "runs": job.runs,
    "ok": job.last_ok,
    "future": job.next_run_at > timezone.now(),
    "tasks": DBTaskResult.objects.filter(task_path__endswith="run_scheduled_job").count(),
    "sent": OutboundEmail.objects.filter(status=EmailStatus.SENT).count(),
}))
"""

HEARTBEATS = r"""
import django
django.setup()
from tandem.operations.models import WorkerHeartbeat
print(WorkerHeartbeat.objects.count())
"""


class Inbox:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.ids.append(email.message_from_bytes(envelope.original_content)["Message-ID"])
        return "250 OK"


def test_two_workers_send_each_email_once_and_run_a_missed_job_once(
    installs: tuple[Install, Install],
) -> None:
    install, _ = installs
    install.tandem("manage", "migrate", "--no-input")
    install.python(SEED)
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = {
        "TANDEM_EMAIL_HOST": "127.0.0.1",
        "TANDEM_EMAIL_PORT": str(port),
        "TANDEM_EMAIL_USE_TLS": "0",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "worker", "--interval", "0.1"],
            env=install.env(**smtp),
            cwd=install.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 90
        both_seen = False
        while time.monotonic() < deadline:
            both_seen = both_seen or install.python(HEARTBEATS).strip() == "2"
            report = json.loads(install.python(REPORT))
            if both_seen and len(inbox.ids) >= 30 and report["ok"] is not None:
                break
            time.sleep(0.5)
        time.sleep(2)  # time for a duplicate to arrive, were there one
        report = json.loads(install.python(REPORT))
    finally:
        for worker in workers:
            worker.terminate()
        errors = [worker.communicate(timeout=30)[1] for worker in workers]
        controller.stop()
    assert all(worker.returncode is not None for worker in workers)
    assert both_seen, "both workers beat: " + "\n".join(errors)
    assert len(inbox.ids) == 30 and len(set(inbox.ids)) == 30, "\n".join(errors)
    assert report == {"runs": 1, "ok": True, "future": True, "tasks": 1, "sent": 30}
