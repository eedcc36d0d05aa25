"""`tandem workshops remind-overdue --programme SLUG`: e-mail owners of overdue actions.

Meant for a daily cron job; each owner hears at most once a week (services.REMINDER_INTERVAL).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from tandem.cli.base import CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups


def cmd_remind_overdue(args: argparse.Namespace) -> int:
    from tandem.programmes.models import Programme
    from tandem.workshops.services import overdue_reminders_send

    programme = Programme.objects.filter(slug=args.programme).first()
    if programme is None:
        raise CommandError(f"No programme with the slug “{args.programme}”.")
    sent = overdue_reminders_send(programme=programme, base_url=args.base_url)
    if args.json:
        print(
            json.dumps(
                {"owners": sent.owners, "actions": sent.actions, "failed": sent.failed}, indent=2
            )
        )
    else:
        print(f"Reminded {sent.owners} owner(s) about {sent.actions} overdue action(s).")
        if sent.failed:
            print(f"Could not send to: {', '.join(sent.failed)}")
    return 1 if sent.failed else 0


def add_parser(subparsers: Any) -> None:
    """Add `workshops remind-overdue` to the `tandem` command's subcommands."""
    workshops = subparsers.add_parser(
        "workshops", help="away days and their actions"
    ).add_subparsers(dest="what", metavar="WHAT", required=True)
    remind = workshops.add_parser(
        "remind-overdue", help="e-mail each owner of overdue actions (at most weekly)"
    )
    remind.add_argument("--programme", required=True, metavar="SLUG")
    remind.add_argument(
        "--base-url", help="the address people reach Tandem at (default TANDEM_BASE_URL)"
    )
    remind.add_argument("--json", action="store_true")
    remind.set_defaults(func=cmd_remind_overdue)


def add_commands(groups: CliGroups) -> None:
    """Add `workshops remind-overdue` to the `tandem` command (registered as this app's `cli`)."""
    add_parser(groups.commands)
