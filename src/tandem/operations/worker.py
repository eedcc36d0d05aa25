"""`tandem worker`: one loop that keeps the schedule, sends e-mail and runs queued tasks.

Every `interval` seconds it: records its heartbeat (for /readyz), makes any missing schedule
rows (once a minute), claims due scheduled jobs (tandem.operations.scheduling), sends due
e-mail (tandem.operations.mail) and runs every queued task (report PDFs, scheduled jobs) with
django-tasks-db's worker, which claims each task with a row lock so two workers never run one
twice. Run as many workers as you like, on any machine that reaches the database.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from tandem.operations import mail, scheduling
from tandem.operations.models import WorkerHeartbeat

logger = logging.getLogger("tandem.operations.worker")


def heartbeat(worker_id: str, started_at: object) -> None:
    now = timezone.now()
    try:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": started_at,
                "beat_at": now,
            },
        )
    except OperationalError as exc:  # SQLite busy: the next beat will do
        logger.info("Heartbeat skipped: %s", exc)


def run(*, interval: float = 1.0, once: bool = False) -> None:
    worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:100]
    tasks = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    tasks.configure_signals()
    started_at = timezone.now()
    logger.info("Worker %s started", worker_id)
    last_ensure = 0.0
    try:
        while tasks.running:
            close_old_connections()
            heartbeat(worker_id, started_at)
            if time.monotonic() - last_ensure > 60:
                try:
                    scheduling.ensure_jobs()
                    last_ensure = time.monotonic()
                except OperationalError as exc:
                    logger.info("Schedule rows not checked: %s", exc)
            scheduling.tick()
            try:
                mail.send_due()
            except OperationalError as exc:
                logger.info("E-mail not sent this round: %s", exc)
            tasks.run()  # every queued task, then back here
            if once:
                break
            close_old_connections()
            time.sleep(interval)
    finally:
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
