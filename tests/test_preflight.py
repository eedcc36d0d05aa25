"""`tandem check`: a trust's install passes it only with every production setting in place, and
each thing missing is named with what to change. Run as the command is run, in a process of its
own with its own environment (the settings are read from it once)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def tandem(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DATABASE_URL"))}
    clean.update(
        DATABASE_URL=f"sqlite:///{home / 'tandem.sqlite3'}",
        TANDEM_HOME=str(home),
        TANDEM_MEDIA_ROOT=str(home / "media"),
        DJANGO_SETTINGS_MODULE="tandem.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", *args],
        env=clean,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def smtp_port() -> Iterator[int]:
    """Something listening where the SMTP server is said to be."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def findings(done: subprocess.CompletedProcess[str]) -> dict[str, tuple[bool, str]]:
    found: dict[str, tuple[bool, str]] = {}
    for f in json.loads(done.stdout):
        found.setdefault(f["check"], (f["ok"], f["message"]))
    return found


def test_a_fresh_install_is_told_everything_it_lacks(tmp_path: Path) -> None:
    done = tandem(tmp_path, "check", "--json")
    assert done.returncode == 2, done.stderr
    found = findings(done)
    assert found["https"] == (
        False,
        "TANDEM_BASE_URL is http://127.0.0.1:8000: set it to the https:// address people use, "
        "behind a reverse proxy that terminates TLS.",
    )
    assert (
        found["secret key"][0] is False and "TANDEM_SECRET_KEY is not set" in found["secret key"][1]
    )
    assert found["notes keys"][0] is False
    assert found["e-mail"][0] is False and "No SMTP server is configured" in found["e-mail"][1]
    assert found["database"][0] is False and "run `tandem manage migrate`" in found["database"][1]
    assert found["debug"][0] is True and found["two-step log-in"][0] is True


def test_an_install_set_up_for_production_passes_and_a_lost_smtp_server_is_named(
    tmp_path: Path, smtp_port: int
) -> None:
    production = {
        "TANDEM_BASE_URL": "https://tandem.trust.example",
        "TANDEM_SECRET_KEY": "a-production-secret-" + "k" * 40,
        "TANDEM_NOTES_KEYS": "S3p2X0o5dHdVQkF5c2tQYXh4V3J6S0x1dE1tQmVhV2U=",
        "TANDEM_EMAIL_HOST": "127.0.0.1",
        "TANDEM_EMAIL_PORT": str(smtp_port),
    }
    assert tandem(tmp_path, "manage", "migrate", "--verbosity", "0", **production).returncode == 0
    no_backup = findings(tandem(tmp_path, "check", "--json", **production))
    assert no_backup["backups"][0] is False
    assert "No backup has been made" in no_backup["backups"][1]
    made = tandem(tmp_path, "backup", "--out", str(tmp_path / "first.tar.gz"), **production)
    assert made.returncode == 0, made.stderr

    done = tandem(tmp_path, "check", "--json", **production)
    assert done.returncode == 0, done.stdout
    assert all(ok for ok, _ in findings(done).values())

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    lost = tandem(tmp_path, "check", "--json", **(production | {"TANDEM_EMAIL_PORT": str(port)}))
    assert lost.returncode == 2
    ok, message = findings(lost)["e-mail"]
    assert not ok and message.startswith(f"The SMTP server 127.0.0.1:{port} cannot be reached")


S3 = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": "tandem-missing-bucket",
        "region_name": "eu-west-2",
        "access_key": "tandem-test",
        "secret_key": "tandem-test-secret",
        "default_acl": None,
        "file_overwrite": False,
    },
}


def test_a_bucket_that_refuses_writes_is_named_with_what_to_fix(settings) -> None:
    moto = pytest.importorskip("moto")
    from tandem.cli.check import storage_finding

    with moto.mock_aws():
        settings.TANDEM_S3_BUCKET = "tandem-missing-bucket"
        settings.STORAGES = {**settings.STORAGES, "default": S3}
        found = storage_finding()
    assert not found.ok
    assert found.message.startswith(
        "Files cannot be written to the S3 bucket tandem-missing-bucket (NoSuchBucket: "
    )
    assert "check TANDEM_S3_BUCKET, TANDEM_S3_ENDPOINT_URL, the access key" in found.message


def test_a_bucket_that_takes_files_passes(settings) -> None:
    moto = pytest.importorskip("moto")
    import boto3

    from tandem.cli.check import storage_finding

    with moto.mock_aws():
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket="tandem-missing-bucket",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )
        settings.TANDEM_S3_BUCKET = "tandem-missing-bucket"
        settings.STORAGES = {**settings.STORAGES, "default": S3}
        found = storage_finding()
        left = boto3.client("s3", region_name="eu-west-2").list_objects_v2(
            Bucket="tandem-missing-bucket"
        )
    assert found.ok, found.message
    assert (
        found.message == "Uploaded files and PDFs are kept in the S3 bucket tandem-missing-bucket."
    )
    assert left["KeyCount"] == 0, "the check cleans up after itself"


def test_a_media_folder_that_cannot_be_written_is_named(settings, tmp_path: Path) -> None:
    from tandem.cli.check import storage_finding

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    settings.TANDEM_S3_BUCKET = ""
    settings.MEDIA_ROOT = blocked
    found = storage_finding()
    assert not found.ok
    assert found.message.startswith(f"Files cannot be written to the folder {blocked} (")
    assert found.message.endswith(
        "check the folder exists, has free space and is writable by Tandem's user "
        "(TANDEM_MEDIA_ROOT)."
    )
