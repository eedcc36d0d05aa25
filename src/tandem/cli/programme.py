"""`tandem programme templates` and `tandem programme create`: start a programme from a template
at the command line, with the same checks as the "Start a programme" page (programme_start).

In the JSON, a milestone's `ends_on` is its last day: the same as `starts_on` for a one-day event.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from tandem.cli.base import CommandError

# A service's field → the option that sets it, so an error names what to change.
_OPTIONS = {
    "title": "--title",
    "start_date": "--start",
    "end_date": "--start",
    "template_id": "--template",
    "lead_email": "--lead",
    "lead_name": "--lead-name",
    "min_group_size": "--k",
    "min_text_group_size": "--k-text",
    "retention_months": "--retention-months",
    "slug": "--title",
}


class _DryRun(Exception):
    """Raised inside the transaction to undo a dry run's writes."""


def cmd_templates(args: argparse.Namespace) -> int:
    from tandem.programmes.plans import programme_templates

    templates = programme_templates()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": t.id,
                        "title": t.title,
                        "length_days": t.length_days,
                        "milestones": [
                            {
                                "kind": m.kind,
                                "title": m.title,
                                "offset_days": m.offset_days,
                                "duration_days": m.duration_days,
                            }
                            for m in sorted(t.milestones, key=lambda m: m.offset_days)
                        ],
                    }
                    for t in templates
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for t in templates:
        print(f"{t.id}  {t.title} ({t.length_days // 7} weeks)")
        print(f"  {'day':>5}  {'days':>4}  milestone")
        for m in sorted(t.milestones, key=lambda m: m.offset_days):
            print(f"  {m.offset_days:>5}  {m.duration_days:>4}  {m.title} ({m.kind})")
    return 0


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: “{value}” is not a date; write it as YYYY-MM-DD.") from exc


def _report(programme: Any, *, dry_run: bool) -> dict[str, Any]:
    return {
        "slug": programme.slug,
        "title": programme.name,
        "organisation": programme.organisation.slug,
        "template": programme.template_id,
        "start_date": programme.start_date.isoformat(),
        "end_date": programme.end_date.isoformat(),
        "dry_run": dry_run,
        "milestones": [
            {
                "kind": m.kind,
                "title": m.title,
                "starts_on": m.start_date.isoformat(),
                "ends_on": (m.end_date or m.start_date).isoformat(),
            }
            for m in programme.milestones.order_by("start_date", "end_date", "pk")
        ],
    }


def cmd_create(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from tandem.programmes.models import Organisation
    from tandem.programmes.setup import programme_start

    organisation = Organisation.objects.filter(slug=args.org).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)[:10]) or "none yet"
        raise CommandError(f"--org: no organisation “{args.org}” (organisations: {known}).")
    start = _date(args.start, "--start")
    options: dict[str, Any] = {}
    for name, value in (
        ("min_group_size", args.k),
        ("min_text_group_size", args.k_text),
        ("retention_months", args.retention_months),
    ):
        if value is not None:
            options[name] = value
    report: dict[str, Any] = {}
    try:
        with transaction.atomic():
            programme = programme_start(
                organisation=organisation,
                title=args.title,
                start_date=start,
                template_id=args.template,
                lead_email=args.lead,
                lead_name=args.lead_name or "",
                **options,
            )
            report = _report(programme, dry_run=args.dry_run)
            if args.dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        problems = [
            f"{_OPTIONS.get(field, field)}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        ]
        raise CommandError("; ".join(problems)) from exc
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        verb = "Would start" if args.dry_run else "Started"
        print(
            f"{verb} {report['slug']}: {report['title']}, {report['start_date']} to {report['end_date']}"
        )
        for m in report["milestones"]:
            print(f"  {m['starts_on']}  {m['ends_on']}  {m['title']}")
    return 0


def add_programme_commands(commands: Any) -> None:
    group = commands.add_parser("programme", help="start programmes from templates").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    templates = group.add_parser("templates", help="the programme templates shipped with Tandem")
    templates.add_argument("--json", action="store_true", help="print them as JSON")
    templates.set_defaults(func=cmd_templates)
    create = group.add_parser("create", help="start a programme from a template")
    create.add_argument("--org", required=True, metavar="SLUG", help="the organisation's slug")
    create.add_argument("--title", required=True, help="the programme's title")
    create.add_argument("--template", required=True, metavar="ID", help="a template's id")
    create.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="the start date")
    create.add_argument("--lead", required=True, metavar="EMAIL", help="the lead's e-mail address")
    create.add_argument("--lead-name", metavar="NAME", help="the lead's name, if they are new")
    create.add_argument("--k", type=int, metavar="N", help="the smallest group shown (3 or more)")
    create.add_argument("--k-text", type=int, metavar="N", help="the smallest group quoted")
    create.add_argument("--retention-months", type=int, metavar="N", help="months to keep data")
    create.add_argument("--dry-run", action="store_true", help="check and lay out; write nothing")
    create.add_argument("--json", action="store_true", help="print the result as JSON")
    create.set_defaults(func=cmd_create)
