"""`tandem backup --out FILE` and `tandem restore FILE [--force]` (tandem.backup)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tandem.cli.base import CommandError


def cmd_backup(args: argparse.Namespace) -> int:
    from tandem.backup import BackupError, create_backup

    try:
        result = create_backup(Path(args.out))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    report = {
        "path": str(result.path),
        "bytes": result.size,
        "files": result.files,
        "seconds": round(result.seconds, 2),
        "database": result.manifest["database"]["vendor"],
        "tandem_version": result.manifest["tandem_version"],
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"Backed up the {report['database']} database and {result.files} files to "
            f"{result.path} ({result.size / 1e6:.1f} MB, {result.seconds:.1f} s)."
        )
        print("The keys are not in it: keep TANDEM_SECRET_KEY and TANDEM_NOTES_KEYS apart.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from tandem.backup import BackupError, restore_backup

    try:
        result = restore_backup(Path(args.file), force=args.force)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    report: dict[str, Any] = {
        "restored": True,
        "files": result.files,
        "seconds": round(result.seconds, 2),
        "migrated": result.migrated,
        "made_at": result.manifest.get("created_at"),
        "tandem_version": result.manifest.get("tandem_version"),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"Restored the backup made {report['made_at']} by Tandem {report['tandem_version']}: "
            f"the database and {result.files} files ({result.seconds:.1f} s)"
            + (", then migrated forward." if result.migrated else ".")
        )
        print("Check it with `tandem audit verify` and compare the head with the one you kept.")
    return 0


def add_backup_commands(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="write the database and uploaded files to one archive (never the keys)"
    )
    backup.add_argument(
        "--out", required=True, metavar="FILE", help="the archive to write (.tar.gz)"
    )
    backup.add_argument("--json", action="store_true", help="print the report as JSON")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore", help="restore a `tandem backup` archive into this install"
    )
    restore.add_argument("file", help="the archive written by `tandem backup`")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a database that already holds accounts or programmes",
    )
    restore.add_argument("--json", action="store_true", help="print the report as JSON")
    restore.set_defaults(func=cmd_restore)
