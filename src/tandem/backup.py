"""Backing Tandem up into one archive, and restoring it.

`create_backup(out)` writes a gzipped tar holding:

- `manifest.json` — the archive's format, Tandem's version, when, the database's vendor, every
  migration applied, and the size and SHA-256 of every other member;
- the database: `database.sqlite3`, copied with SQLite's online backup API (a consistent snapshot
  while Tandem is serving: respondents keep autosaving), or `database.pgdump`, `pg_dump`'s custom
  format (one consistent snapshot too);
- `media/…` — every uploaded file in the default storage (local disk or S3 alike).

It never holds the keys: the secret key and the coaching-notes keys (`TANDEM_SECRET_KEY`,
`TANDEM_NOTES_KEYS`, or `var/notes.key` on a single machine) are kept apart from the backups, so a
stolen backup holds no readable coaching note (README, "Backup and restore").

The archive is written beside its destination under a `.partial` name and renamed only when
complete: a failure (a full disk, `pg_dump` failing) leaves nothing named as if it were a backup.

`restore_backup(archive)` checks everything before it changes anything — the manifest, the
version (a backup from a newer Tandem is refused), the migrations (all known to this Tandem), and
every member's checksum — refuses a database that already holds a programme or an account unless
told (`force`), then replaces the database in one step (SQLite: the checked copy is renamed into
place; PostgreSQL: one `psql --single-transaction`), migrates it forward if it is older, and
writes the files back. A failed restore leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says what to fix."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    files: int
    seconds: float
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    files: int
    seconds: float
    migrated: bool
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def _applied_migrations() -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """`pg_dump`/`psql` connection arguments and environment for the configured database."""
    from django.db import connection

    settings = connection.settings_dict
    args = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"{what} needs PostgreSQL's {tool}, which is not installed: install the PostgreSQL "
            "client tools (Debian: apt-get install postgresql-client), of the server's version "
            "or newer."
        )
    # PostgreSQL's own tools, their arguments from settings; no shell.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(
            f"{what} failed: {message[-1] if message else f'{tool} exited {done.returncode}'}"
        )


def _dump_database(directory: Path) -> Path:
    from django.db import connection

    if connection.vendor == "sqlite":
        target = directory / SQLITE_MEMBER
        name = str(connection.settings_dict["NAME"])
        in_memory = name.startswith(("file:", ":memory:")) or "mode=memory" in name
        # A connection of its own (outside any transaction of this process's), unless the
        # database lives only in this process's memory (the test suite's).
        if in_memory:
            connection.ensure_connection()
            source = connection.connection
        else:
            source = sqlite3.connect(name, timeout=20)
        copy = sqlite3.connect(target)
        try:
            # One step: the whole database copied under one read transaction, a consistent
            # snapshot that writers (in WAL mode) do not wait for.
            source.backup(copy)
        finally:
            copy.close()
            if not in_memory:
                source.close()
        return target
    if connection.vendor == "postgresql":
        target = directory / PG_MEMBER
        args, env = _pg_environment()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
            ],
            env=env,
            what="Dumping the database",
        )
        return target
    raise BackupError(f"Backing up a {connection.vendor} database is not supported.")


def _stored_files(storage: Any, directory: str = "") -> Iterator[str]:
    """Every file's name in a storage, depth first (local disk and object stores alike)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from _stored_files(storage, f"{directory}/{name}" if directory else name)


def _member_name(name: str) -> str:
    """A stored file's name inside the archive; refuses one that could escape on restore."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"A stored file has a name that is not safe to restore: {name!r}.")
    return MEDIA_PREFIX + str(path)


def create_backup(out: Path) -> BackupResult:
    """Write the database and every uploaded file to `out` (a .tar.gz); see the module."""
    from django.core.files.storage import default_storage

    from tandem import __version__

    started = time.monotonic()
    out = out.expanduser().absolute()
    if out.exists():
        raise BackupError(f"{out} already exists: choose another name, or move it away first.")
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    partial = out.with_name(out.name + ".partial")
    scratch = Path(tempfile.mkdtemp(prefix=".tandem-backup-", dir=out.parent))
    try:
        database = _dump_database(scratch)
        members: list[dict[str, Any]] = [
            {"name": database.name, "size": database.stat().st_size, "sha256": _sha256(database)}
        ]
        for name in _stored_files(default_storage):
            member = _member_name(name)
            local = scratch / member
            local.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, local.open("wb") as target:
                shutil.copyfileobj(source, target)
            members.append({"name": member, "size": local.stat().st_size, "sha256": _sha256(local)})
        manifest = {
            "format": FORMAT,
            "tandem_version": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": _vendor(), "member": database.name},
            "migrations": _applied_migrations(),
            "members": members,
            "keys": "not included: keep TANDEM_SECRET_KEY and TANDEM_NOTES_KEYS (or var/notes.key) "
            "apart from the backups; coaching notes cannot be read without the notes keys",
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(scratch / MANIFEST, arcname=MANIFEST)
            for entry in members:
                archive.add(scratch / entry["name"], arcname=entry["name"])
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"The backup could not be written to {out}: {exc.strerror or exc}. Nothing was kept; "
            "free some space or choose another place and run it again."
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _record_backup(out, files=len(members) - 1)
    return BackupResult(
        path=out,
        size=out.stat().st_size,
        files=len(members) - 1,
        seconds=time.monotonic() - started,
        manifest=manifest,
    )


def _record_backup(out: Path, *, files: int) -> None:
    """An audit event for each backup made (`tandem check` reads when the last one was): its
    name, size and checksum, so a copy found later can be recognised; never its content."""
    from tandem.audit.services import audit_record

    audit_record(
        action="backup.created",
        subject_type="backup",
        subject_id=out.name,
        extra={"bytes": out.stat().st_size, "files": files, "sha256": _sha256(out)},
    )


def last_backup_at() -> dt.datetime | None:
    """When the last backup recorded in this database was made (None if none was)."""
    from tandem.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="backup.created").order_by("-at").first()
    return event.at if event else None


# Restoring -----------------------------------------------------------------------------------


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest, or a BackupError saying why it is not a Tandem backup."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"There is no file {archive}.") from exc
    except (tarfile.TarError, KeyError, EOFError, OSError, ValueError) as exc:
        raise BackupError(
            f"{archive.name} is not a readable Tandem backup (no manifest could be read: it is "
            "damaged, incomplete, or not made by `tandem backup`)."
        ) from exc
    if not isinstance(manifest, dict) or "format" not in manifest:
        raise BackupError(f"{archive.name} is not a Tandem backup: its manifest is not one.")
    return manifest


def check_compatible(manifest: dict[str, Any]) -> None:
    """Refuse a backup this Tandem cannot restore: a newer format, version or migration."""
    from django.db.migrations.loader import MigrationLoader

    from tandem import __version__

    if int(manifest.get("format", 0)) > FORMAT:
        raise BackupError(
            f"The backup's format ({manifest['format']}) is newer than this Tandem reads "
            f"({FORMAT}): restore it with Tandem {manifest.get('tandem_version', '?')} or newer."
        )
    made_by = str(manifest.get("tandem_version", "0"))
    if _version_tuple(made_by) > _version_tuple(__version__):
        raise BackupError(
            f"The backup was made by Tandem {made_by}, newer than this Tandem ({__version__}): "
            f"upgrade Tandem to {made_by} or later, then restore."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "The backup's database has migrations this Tandem does not know ("
            + ", ".join(unknown[:5])
            + ("…" if len(unknown) > 5 else "")
            + "): it was made by a newer or different Tandem. Upgrade Tandem first."
        )


def _extract_checked(archive: Path, manifest: dict[str, Any], into: Path) -> None:
    """Every member extracted and its checksum compared with the manifest's."""
    expected = {m["name"]: m for m in manifest.get("members", [])}
    found: set[str] = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise BackupError(
                        f"The backup holds {member.name!r}, which its manifest does not list: it "
                        "has been changed since it was made."
                    )
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                with target.open("wb") as handle:
                    shutil.copyfileobj(source, handle)
                if _sha256(target) != expected[member.name]["sha256"]:
                    raise BackupError(
                        f"{member.name} in the backup does not match its checksum: the backup is "
                        "damaged or has been changed. Nothing was restored."
                    )
                found.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            f"{archive.name} could not be read to the end ({exc}): it is damaged or incomplete. "
            "Nothing was restored."
        ) from exc
    missing = sorted(set(expected) - found)
    if missing:
        raise BackupError(
            f"The backup lacks {', '.join(missing[:3])}, which its manifest lists: it is "
            "incomplete. Nothing was restored."
        )


def database_is_empty() -> bool:
    """No account and no programme: a fresh install (migrated or not)."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from tandem.programmes.models import Programme

    try:
        return not (get_user_model().objects.exists() or Programme.objects.exists())
    except DatabaseError:  # not even migrated
        return True


def _restore_sqlite(copy: Path) -> None:
    from django.db import connection, connections

    try:
        check = sqlite3.connect(copy)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"The backup's database is not a readable SQLite database ({exc})."
        ) from exc
    if not result or result[0] != "ok":
        raise BackupError(f"The backup's database fails SQLite's integrity check: {result}.")
    name = connection.settings_dict["NAME"]
    if not name or str(name).startswith(("file:", ":memory:")) or "mode=memory" in str(name):
        raise BackupError(
            "The configured SQLite database is in memory; there is nothing to restore into."
        )
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The current database's write-ahead log belongs to it, not to the restored file: fold it in
    # and remove it before the restored file takes the name.
    connection.ensure_connection()
    connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, staged)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staged, target)


def _restore_postgresql(dump: Path) -> None:
    from django.db import connections

    args, env = _pg_environment()
    script = dump.with_suffix(".sql")
    # pg_restore turns the dump into SQL; psql runs it after emptying the schema, all in one
    # transaction, so a failure leaves the database exactly as it was.
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--file", str(script), str(dump)],
        env=env,
        what="Reading the backup's database",
    )
    body = script.read_text(encoding="utf-8")
    script.write_text(
        "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" + body, encoding="utf-8"
    )
    connections.close_all()
    _run(
        [
            "psql",
            "--quiet",
            "--no-psqlrc",
            "--single-transaction",
            "-v",
            "ON_ERROR_STOP=1",
            "--file",
            str(script),
            *args,
        ],
        env=env,
        what="Restoring the database",
    )


def restore_backup(archive: Path, *, force: bool = False) -> RestoreResult:
    """Restore a `tandem backup` archive into the configured database and storage; see the module."""
    from django.core.files.base import File
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.monotonic()
    archive = archive.expanduser().absolute()
    manifest = read_manifest(archive)
    check_compatible(manifest)
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database and this Tandem is configured for "
            f"{connection.vendor}: set DATABASE_URL to a {vendor} database to restore it."
        )
    if not force and not database_is_empty():
        raise BackupError(
            "The database already holds accounts or programmes. Restoring replaces all of it: "
            "run again with --force if that is what you want (back it up first)."
        )
    scratch = Path(tempfile.mkdtemp(prefix=".tandem-restore-"))
    try:
        _extract_checked(archive, manifest, scratch)
        member = scratch / manifest["database"]["member"]
        if vendor == "sqlite":
            _restore_sqlite(member)
        else:
            _restore_postgresql(member)
        connections.close_all()
        migrated = False
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=0)
            migrated = True
        files = 0
        media = scratch / "media"
        for path in sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []:
            name = path.relative_to(media).as_posix()
            if default_storage.exists(name):
                default_storage.delete(name)
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(
                    f"The file {name} was stored as {saved}: restore into an empty storage."
                )
            files += 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return RestoreResult(
        files=files, seconds=time.monotonic() - started, migrated=migrated, manifest=manifest
    )
