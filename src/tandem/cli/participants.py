"""`tandem import participants`: a participant list into a programme (the web page's two steps)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tandem.cli.base import EXIT_BAD_INPUT, CommandError


def cmd_import_participants(args: argparse.Namespace) -> int:
    from tandem.programmes import services
    from tandem.programmes.importer import ImportFileError, plan_participant_import
    from tandem.programmes.models import Programme

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    programme = Programme.objects.select_related("organisation").filter(slug=args.programme).first()
    if programme is None:
        known = ", ".join(Programme.objects.values_list("slug", flat=True)[:10]) or "none yet"
        raise CommandError(f"No programme with the slug “{args.programme}” (programmes: {known}).")
    try:
        plan = plan_participant_import(
            programme=programme, data=path.read_bytes(), filename=path.name
        )
    except ImportFileError as exc:
        if args.json:
            print(
                json.dumps(
                    {
                        "file": path.name,
                        "errors": [{"row": None, "column": None, "message": str(exc)}],
                    }
                )
            )
            return EXIT_BAD_INPUT
        raise CommandError(f"{path.name}: {exc} Nothing was imported.") from exc
    report: dict[str, Any] = {
        "file": path.name,
        "rows": len(plan.rows),
        "errors": [error.as_dict() for error in plan.errors],
        "new": plan.count("new"),
        "updated": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "pairs": sum(1 for p in plan.pairs if p.action == "new"),
        "dry_run": bool(args.dry_run),
        "imported": False,
    }
    if plan.errors:
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(
                f"{path.name}: {len(plan.errors)} problem(s); nothing was imported.",
                file=sys.stderr,
            )
            for error in plan.errors:
                print(f"  row {error.row}, {error.column}: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.dry_run:
        services.participants_import_commit(programme=programme, plan=plan)
        report["imported"] = True
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        verb = "Would import" if args.dry_run else "Imported"
        print(
            f"{verb} {path.name} into {programme.slug}: {report['new']} new, {report['updated']} updated, "
            f"{report['unchanged']} unchanged, {report['pairs']} new pairs."
        )
    return 0


def add_import_participants(imports: Any) -> None:
    participants = imports.add_parser("participants", help="a participant list (CSV or XLSX)")
    participants.add_argument("file", help="the CSV or XLSX file")
    participants.add_argument(
        "--programme", required=True, metavar="SLUG", help="the programme's slug"
    )
    participants.add_argument(
        "--dry-run", action="store_true", help="check the file and write nothing"
    )
    participants.add_argument("--json", action="store_true", help="print the report as JSON")
    participants.set_defaults(func=cmd_import_participants)
