"""`tandem audit export [--programme SLUG] [--since DATE] [--format csv|json] [--out FILE]` and
`tandem audit verify` (the hash chain and the append-only triggers)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from typing import TYPE_CHECKING, Any

from tandem.cli.base import CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups

FIELDS = (
    "at",
    "actor",
    "actor_name",
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
    from tandem.exports import safe_row
    from tandem.programmes.models import Programme

    events = AuditEvent.objects.select_related("programme", "actor").order_by("at", "id")
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
            # The stable label ("user 12") and who that account is now (after an erasure, its
            # pseudonym): the event itself never holds a name or an e-mail address.
            "actor": event.actor_label,
            "actor_name": event.actor_name,
            "action": event.action,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "programme": event.programme.slug if event.programme else str(event.programme_id or ""),
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
    text = export_events(programme=args.programme, since=args.since, fmt=args.format)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain holds and the triggers are in place, 1 otherwise."""
    from tandem.audit.selectors import audit_chain_verify

    report = audit_chain_verify()
    if report.broken is None:
        print(f"The audit log's chain holds: {report.events} events.")
        print(f"Head: event {report.head_seq}, hash {report.head_hash}")
        print("Keep the head somewhere the database's owners cannot write to compare it later.")
    else:
        broken = report.broken
        print(
            f"The audit log's chain is broken at event {broken.seq} (id {broken.event_id}): "
            f"{broken.problem}. The {report.head_seq} events before it are intact."
        )
    if report.triggers != "installed":
        print(
            f"The append-only triggers are {report.triggers}: run `tandem manage migrate` "
            "to put them back."
        )
    else:
        print("The append-only triggers are installed.")
    return 0 if report.intact else 1


def add_parser(subparsers: Any) -> None:
    """Add `audit export` and `audit verify` to the `tandem` command's subcommands."""
    audit = subparsers.add_parser("audit", help="the audit log").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    export = audit.add_parser("export", help="write the audit log as CSV or JSON")
    export.add_argument("--programme", metavar="SLUG", help="only this programme's events")
    export.add_argument("--since", type=_date, metavar="DATE", help="from this day (YYYY-MM-DD)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", metavar="FILE", help="write here instead of the screen")
    export.set_defaults(func=cmd_export)
    verify = audit.add_parser(
        "verify", help="check that no audit event was changed, removed or slipped in"
    )
    verify.set_defaults(func=cmd_verify)


def add_commands(groups: CliGroups) -> None:
    """Add `audit export` and `audit verify` to the `tandem` command (registered as this app's `cli`)."""
    add_parser(groups.commands)
