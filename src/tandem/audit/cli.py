"""`tandem audit export [--programme SLUG] [--since DATE] [--format csv|json] [--out FILE]`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from typing import Any

FIELDS = (
    "at",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "programme",
    "request_id",
    "extra",
)


def export_events(*, programme: str | None, since: dt.date | None, fmt: str) -> str:
    """The audit log as CSV or JSON text, oldest first (every cell formula-safe in CSV)."""
    from tandem.audit.models import AuditEvent
    from tandem.cli import CommandError
    from tandem.exports import safe_row
    from tandem.programmes.models import Programme

    events = AuditEvent.objects.select_related("programme").order_by("at", "id")
    if programme:
        chosen = Programme.objects.filter(slug=programme).first()
        if chosen is None:
            raise CommandError(f"No programme with the slug {programme!r}.")
        events = events.filter(programme=chosen)
    if since:
        events = events.filter(at__date__gte=since)
    rows: list[dict[str, Any]] = [
        {
            "at": event.at.isoformat(),
            "actor": event.actor_label,
            "action": event.action,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "programme": event.programme.slug if event.programme else "",
            "request_id": event.request_id,
            "extra": event.extra,
        }
        for event in events.iterator()
    ]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in rows:
        row = row | {"extra": json.dumps(row["extra"], sort_keys=True)}
        writer.writerow(safe_row([row[f] for f in FIELDS]))
    return out.getvalue()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from exc


def cmd_export(args: argparse.Namespace) -> int:
    from tandem.cli import _setup_django

    _setup_django()
    text = export_events(programme=args.programme, since=args.since, fmt=args.format)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def add_parser(subparsers: Any) -> None:
    """Add `audit export` to the `tandem` command's subcommands."""
    audit = subparsers.add_parser("audit", help="the audit log").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    export = audit.add_parser("export", help="write the audit log as CSV or JSON")
    export.add_argument("--programme", metavar="SLUG", help="only this programme's events")
    export.add_argument("--since", type=_date, metavar="DATE", help="from this day (YYYY-MM-DD)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", metavar="FILE", help="write here instead of the screen")
    export.set_defaults(func=cmd_export)
