"""Tandem is stateless: two app servers and two workers share one database and one S3 bucket.

A trust that runs Tandem on more than one machine puts uploaded files and built PDFs in
S3-compatible storage (django-storages) and keeps sessions in the database. This starts a real S3
server (moto in server mode, its own process), two `tandem serve` processes (gunicorn, no local
task worker) and two `tandem worker` processes against one database — a fresh PostgreSQL database
in CI's second leg, a SQLite file otherwise — and checks what a lead would notice:

- a participant list uploaded through server A is checked and confirmed through server B, and the
  upload lived in the bucket, not on either server's disk;
- a report PDF asked for on A is built by a worker into the bucket and downloaded from B;
- a scheduled job missed for three days runs once, though two workers keep the schedule.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.integration.test_no_answer_lost import free_port
from tests.test_backup_restore import Install, installs

__all__ = ["installs"]

pytest.importorskip("moto.server", reason="moto (a dev dependency) runs the S3 server")
boto3 = pytest.importorskip("boto3")

PASSWORD = "several-servers-password-1"
LEAD = "priya.sandhu@riverside-fells.example"
SLUG = "partnership-2025"
BUCKET = "tandem-trust-files"
STARTUP_SECONDS = 90.0

MISS_A_JOB = r"""
import datetime as dt, django
django.setup()
from django.utils import timezone
from tandem.operations.models import JobKind, ScheduledJob
from tandem.operations.scheduling import ensure_jobs
ensure_jobs()
ScheduledJob.objects.filter(kind=JobKind.OPEN_CLOSE_WAVES).update(
    next_run_at=timezone.now() - dt.timedelta(days=3)
)
"""

REPORT = r"""
import json, django
django.setup()
from django_tasks_db.models import DBTaskResult
from tandem.operations.models import JobKind, ScheduledJob, WorkerHeartbeat
from tandem.programmes.models import Person
from tandem.reports.models import ReportPDF
job = ScheduledJob.objects.get(kind=JobKind.OPEN_CLOSE_WAVES)
print(json.dumps({
    "runs": job.runs,
    "ok": job.last_ok,
    "tasks": DBTaskResult.objects.filter(task_path__endswith="run_scheduled_job").count(),
    "workers": WorkerHeartbeat.objects.count(),
    "imported": Person.objects.filter(email__endswith="@several.example").count(),
    "pdfs": [r.file.name for r in ReportPDF.objects.exclude(file="")],
}))
"""


@pytest.fixture
def s3_endpoint(tmp_path: Path) -> Iterator[str]:
    """moto's S3 server in its own process on a free port, with an empty private bucket."""
    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (tmp_path / "moto.log").read_text()
            with contextlib.suppress(requests.RequestException):
                if requests.get(endpoint + "/moto-api/", timeout=2).status_code < 500:
                    break
            assert time.monotonic() < deadline, "the S3 server did not start"
            time.sleep(0.1)
        _s3(endpoint).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _s3(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-2",
        aws_access_key_id="tandem-test",
        aws_secret_access_key="tandem-test-secret",
    )


def _objects(endpoint: str) -> list[str]:
    listed = _s3(endpoint).list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{url} exited:\n{log.read_text()}"
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /healthz in time:\n{log.read_text()}")


def _form_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def _participants_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "email", "profession", "level"])
    writer.writerow(["Dr Ines Several", "ines@several.example", "doctor", "senior"])
    writer.writerow(["Tom Several", "tom@several.example", "manager", "senior"])
    return buffer.getvalue().encode()


def test_two_app_servers_and_two_workers_share_one_database_and_one_bucket(
    installs: tuple[Install, Install], s3_endpoint: str, tmp_path: Path
) -> None:
    install, _ = installs
    s3 = {
        "TANDEM_S3_BUCKET": BUCKET,
        "TANDEM_S3_ENDPOINT_URL": s3_endpoint,
        "TANDEM_S3_REGION": "eu-west-2",
        "TANDEM_S3_ACCESS_KEY_ID": "tandem-test",
        "TANDEM_S3_SECRET_ACCESS_KEY": "tandem-test-secret",
        "TANDEM_REQUIRE_2FA": "0",
        "GUNICORN_CMD_ARGS": "--no-control-socket",
    }
    install.tandem("demo", "--no-serve", "--password", PASSWORD, **s3)
    install.python(MISS_A_JOB, **s3)

    processes: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(name: str, *args: str) -> subprocess.Popen[bytes]:
        log = tmp_path / f"{name}.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [sys.executable, "-m", "tandem.cli", *args],
                env=install.env(**s3),
                cwd=install.directory,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        processes.append((process, log))
        return process

    try:
        ports = [free_port(), free_port()]
        servers = [
            start(f"server-{n}", "serve", "--no-tasks", "--workers", "1", "--port", str(port))
            for n, port in zip("ab", ports, strict=True)
        ]
        for n in "12":
            start(f"worker-{n}", "worker", "--interval", "0.2")
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        for url, server in zip((a, b), servers, strict=True):
            _wait_for(url, server, tmp_path / f"server-{'ab'[(a, b).index(url)]}.log")

        # One browser: cookies are kept per host, not per port, so A and B share the session.
        browser = requests.Session()
        login = browser.get(a + "/accounts/login/", timeout=30)
        answer = browser.post(
            a + "/accounts/login/",
            data={
                "csrfmiddlewaretoken": _form_token(login.text),
                "username": LEAD,
                "password": PASSWORD,
            },
            timeout=30,
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text
        assert browser.get(b + f"/programmes/{SLUG}/", timeout=30).status_code == 200

        # A participant list uploaded through A ...
        before = set(_objects(s3_endpoint))
        page = browser.get(a + f"/programmes/{SLUG}/import/", timeout=30)
        uploaded = browser.post(
            a + f"/programmes/{SLUG}/import/",
            data={"csrfmiddlewaretoken": _form_token(page.text)},
            files={"file": ("new-people.csv", _participants_csv(), "text/csv")},
            timeout=30,
            allow_redirects=False,
        )
        assert uploaded.status_code == 302, uploaded.text
        preview_path = uploaded.headers["Location"]
        stashed = set(_objects(s3_endpoint)) - before
        assert len(stashed) == 1, "the upload waits in the bucket"
        media = install.directory / "media"
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*")), (
            "nothing was written to the server's own disk"
        )
        # ... is checked and confirmed through B.
        preview = browser.get(b + preview_path, timeout=30)
        assert preview.status_code == 200, preview.text
        assert "Check the import" in preview.text and "Dr Ines Several" in preview.text
        confirmed = browser.post(
            b + preview_path,
            data={
                "csrfmiddlewaretoken": _form_token(preview.text),
                "token": preview_path.rstrip("/").rsplit("/", 1)[-1],
            },
            timeout=30,
            allow_redirects=False,
        )
        assert confirmed.status_code == 302, confirmed.text
        assert confirmed.headers["Location"].endswith(f"/programmes/{SLUG}/people/")
        people = browser.get(a + f"/programmes/{SLUG}/people/", timeout=30)
        assert "Dr Ines Several" in people.text and "Tom Several" in people.text
        assert not (stashed & set(_objects(s3_endpoint))), "the confirmed upload is cleared away"

        # A PDF asked for on A is built by a worker and downloaded from B.
        pdf_path = f"/programmes/{SLUG}/reports/waves/1/pdf/"
        asked = browser.get(a + pdf_path, timeout=30)
        assert asked.status_code == 202, asked.text[:500]
        deadline = time.monotonic() + 180
        status = "pending"
        while status != "ready" and time.monotonic() < deadline:
            status = browser.get(b + pdf_path + "?status", timeout=30).json()["status"]
            assert status != "failed", "the worker could not build the PDF"
            time.sleep(0.5)
        assert status == "ready", "a worker built the PDF in time"
        pdf = browser.get(b + pdf_path, timeout=60)
        assert pdf.status_code == 200
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
        assert any(key.startswith("reports/") for key in _objects(s3_endpoint))

        # Both workers kept the schedule; the missed job ran once, as one task.
        deadline = time.monotonic() + 60
        report = json.loads(install.python(REPORT, **s3))
        while (report["workers"] < 2 or report["ok"] is None) and time.monotonic() < deadline:
            time.sleep(0.5)
            report = json.loads(install.python(REPORT, **s3))
        time.sleep(2)  # time for a second run to show, were there one
        report = json.loads(install.python(REPORT, **s3))
        assert report["workers"] == 2
        assert (report["runs"], report["ok"], report["tasks"]) == (1, True, 1)
        assert report["imported"] == 2
        assert report["pdfs"] and all(name.startswith("reports/") for name in report["pdfs"])
    finally:
        for process, _ in processes:
            if process.poll() is None:
                process.terminate()
        for process, log in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            assert "Traceback" not in log.read_text(errors="replace"), log.read_text()
