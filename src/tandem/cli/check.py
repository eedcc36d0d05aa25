"""`tandem check`: a preflight before going live, naming every unsafe or missing setting.

Exits 0 when every check passes, 2 when any does not (each says what to change).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    message: str


def preflight(*, smtp_timeout: float = 5.0) -> list[Finding]:
    """Every production check, in the order a trust's IT team would read them."""
    from django.conf import settings
    from django.core import checks
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from tandem.backup import last_backup_at

    found: list[Finding] = []

    def add(check: str, ok: bool, good: str, bad: str) -> None:
        found.append(Finding(check, ok, good if ok else bad))

    add(
        "debug",
        not settings.DEBUG,
        "DEBUG is off.",
        "DEBUG is on: unset TANDEM_DEBUG — error pages would show code and settings to anyone.",
    )
    base = str(settings.TANDEM_BASE_URL)
    add(
        "https",
        base.startswith("https://"),
        f"The address people reach Tandem at is {base}.",
        f"TANDEM_BASE_URL is {base}: set it to the https:// address people use, behind a "
        "reverse proxy that terminates TLS.",
    )
    add(
        "secret key",
        bool(os.environ.get("TANDEM_SECRET_KEY", "").strip()),
        "TANDEM_SECRET_KEY is set.",
        "TANDEM_SECRET_KEY is not set (a key generated into var/secret.key is in use): set it "
        "in the environment, the same on every app server, and keep it apart from the backups.",
    )
    add(
        "notes keys",
        bool(os.environ.get("TANDEM_NOTES_KEYS", "").strip()),
        "TANDEM_NOTES_KEYS is set: keep a copy apart from the backups, or no restored coaching "
        "note can be read.",
        "TANDEM_NOTES_KEYS is not set (a key generated into var/notes.key encrypts coaching "
        "notes): set it, the same on every app server, and keep a copy apart from the backups.",
    )
    host = str(getattr(settings, "EMAIL_HOST", "") or "")
    if not host:
        found.append(
            Finding(
                "e-mail",
                False,
                "No SMTP server is configured (TANDEM_EMAIL_HOST): invitations and reminders "
                "are printed to the console, not sent.",
            )
        )
    else:
        port = int(settings.EMAIL_PORT)
        try:
            with socket.create_connection((host, port), timeout=smtp_timeout):
                pass
            found.append(Finding("e-mail", True, f"The SMTP server {host}:{port} answers."))
        except OSError as exc:
            found.append(
                Finding(
                    "e-mail",
                    False,
                    f"The SMTP server {host}:{port} cannot be reached ({exc.strerror or exc}): "
                    "check TANDEM_EMAIL_HOST and TANDEM_EMAIL_PORT and the firewall.",
                )
            )
    add(
        "two-step log-in",
        bool(settings.TANDEM_REQUIRE_2FA),
        "Programme leads, sponsors and superusers must use an authenticator app.",
        "TANDEM_REQUIRE_2FA is off: leads, sponsors and superusers log in with a password alone.",
    )
    found.extend(single_sign_on_findings())
    found.append(storage_finding())
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        add(
            "database",
            not pending,
            f"The {connection.vendor} database is reachable and migrated.",
            f"The database needs {len(pending)} migration(s): run `tandem manage migrate`.",
        )
        last = None if pending else last_backup_at()
        max_age = dt.timedelta(hours=int(settings.TANDEM_BACKUP_MAX_AGE_HOURS))
        if pending:
            pass
        elif last is None:
            found.append(
                Finding(
                    "backups",
                    False,
                    "No backup has been made: run `tandem backup --out FILE` on a schedule, and "
                    "test a restore (README, “Backup and restore”).",
                )
            )
        else:
            age = timezone.now() - last
            add(
                "backups",
                age <= max_age,
                f"The last backup was made {last:%Y-%m-%d %H:%M} UTC.",
                f"The last backup was made {last:%Y-%m-%d %H:%M} UTC, more than "
                f"{max_age.total_seconds() / 3600:g} hours ago (TANDEM_BACKUP_MAX_AGE_HOURS).",
            )
    except DatabaseError as exc:
        found.append(Finding("database", False, f"The database cannot be reached: {exc}."))
    problems = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.level >= checks.WARNING
    ]
    add(
        "django deploy checks",
        not problems,
        "Django's deployment checks pass.",
        "Django's deployment checks warn: "
        + "; ".join(f"{m.id}: {m.msg}" for m in problems[:5])
        + ("…" if len(problems) > 5 else ""),
    )
    return found


def storage_finding() -> Finding:
    """Write, read back and delete a small file where uploads and PDFs are kept (disk or S3)."""
    import uuid

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    bucket = str(getattr(settings, "TANDEM_S3_BUCKET", "") or "")
    where = f"the S3 bucket {bucket}" if bucket else f"the folder {settings.MEDIA_ROOT}"
    try:
        name = default_storage.save(f"readyz/check-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with default_storage.open(name) as handle:
                if handle.read() != b"ok":
                    raise OSError("the file read back differs from the one written")
        finally:
            default_storage.delete(name)
    except Exception as exc:  # any storage failure: a full disk, a bucket that refuses writes
        fix = (
            "check TANDEM_S3_BUCKET, TANDEM_S3_ENDPOINT_URL, the access key and the bucket's "
            "policy (Tandem needs to put, get and delete objects)"
            if bucket
            else "check the folder exists, has free space and is writable by Tandem's user "
            "(TANDEM_MEDIA_ROOT)"
        )
        return Finding(
            "file storage", False, f"Files cannot be written to {where} ({_reason(exc)}): {fix}."
        )
    return Finding("file storage", True, f"Uploaded files and PDFs are kept in {where}.")


def _reason(exc: BaseException) -> str:
    """A short reason for a storage failure: S3's error code when it gave one."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        code = error.get("Code")
        message = error.get("Message")
        if code:
            return f"{code}: {message}" if message else str(code)
    text = str(exc).strip()
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def single_sign_on_findings() -> list[Finding]:
    """Whether single sign-on is set up, and each provider answers as its settings say."""
    from django.conf import settings
    from django.urls import reverse

    from tandem.accounts.oidc import OidcConfigurationError, configured_providers, discover

    providers = configured_providers()
    if not providers:
        if not settings.TANDEM_PASSWORD_LOGIN:
            return [
                Finding(
                    "single sign-on",
                    False,
                    "TANDEM_PASSWORD_LOGIN is off and single sign-on is not set up "
                    "(TANDEM_OIDC_ISSUER): nobody can log in.",
                )
            ]
        return [
            Finding(
                "single sign-on", True, "Single sign-on is not set up: people log in by password."
            )
        ]
    callback = str(settings.TANDEM_BASE_URL).rstrip("/") + reverse("accounts:oidc_callback")
    found = []
    for provider in providers:
        check = "single sign-on" if len(providers) == 1 else f"single sign-on ({provider.key})"
        try:
            discover(provider)
        except OidcConfigurationError as exc:
            found.append(Finding(check, False, f"Single sign-on cannot work: {exc}"))
            continue
        found.append(
            Finding(
                check,
                True,
                f"Single sign-on with {provider.name} ({provider.issuer}) answers; its redirect "
                f"URI must be {callback}.",
            )
        )
    return found


def cmd_check(args: argparse.Namespace) -> int:
    findings = preflight()
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2))
    else:
        for finding in findings:
            print(f"{'ok  ' if finding.ok else 'FIX '} {finding.check}: {finding.message}")
        failing = sum(not f.ok for f in findings)
        print(
            "Ready for production."
            if not failing
            else f"{failing} thing(s) to fix before going live."
        )
    return 0 if all(f.ok for f in findings) else 2


def add_check_command(commands: Any) -> None:
    check = commands.add_parser(
        "check", help="preflight for production: every unsafe or missing setting, named"
    )
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.set_defaults(func=cmd_check)
