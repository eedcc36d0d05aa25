"""`tandem gdpr export|erase|purge`: the data-protection officer's commands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tandem.cli.base import CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups


def _person(email: str) -> Any:
    from tandem.programmes.models import Person

    person = Person.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise CommandError(f"No one with the e-mail address {email} is held in Tandem.")
    return person


def cmd_export(args: argparse.Namespace) -> int:
    from tandem.gdpr.services import subject_access_export

    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"No such folder for the zip: {out.parent}")
    data = subject_access_export(person=_person(args.email), include_confidential_notes=True)
    out.write_bytes(data)
    print(f"Wrote {out} ({max(len(data) // 1024, 1)} KB).")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from tandem.gdpr.services import person_erase

    person = _person(args.email)
    if not args.yes:
        answer = input(
            f"Erase {person.name} <{person.email}> everywhere? This cannot be undone [y/N] "
        )
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing was changed.")
            return 1
    report = person_erase(person=person)
    print(f"{person.email}: now “{report.label}”.")
    for what, count in report.counts.items():
        print(f"  {what}: {count}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from tandem.gdpr.services import purge_apply, purge_plan, retention_ends_on

    plan = purge_plan()
    if not plan.expired_programmes:
        print("No programme is past its retention period.")
        return 0
    for programme in plan.expired_programmes:
        print(f"{programme.slug}: retention ended {retention_ends_on(programme):%-d %B %Y}")
    print(f"{len(plan.people)} people to erase (they are in no programme still kept).")
    print("Files kept for these programmes (such as away-day materials) are deleted too.")
    if not args.apply:
        print("Dry run: nothing was changed. Run with --apply to erase them.")
        return 0
    reports = purge_apply(plan=plan)
    print(f"Erased {len(reports)} people.")
    return 0


def add_parser(subparsers: Any) -> None:
    """Add `gdpr export|erase|purge` to the `tandem` command's subcommands."""
    gdpr = subparsers.add_parser("gdpr", help="data-protection rights").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    export = gdpr.add_parser("export", help="everything held about a person, as one zip")
    export.add_argument("--email", required=True)
    export.add_argument("--out", required=True, metavar="FILE.zip")
    export.set_defaults(func=cmd_export)
    erase = gdpr.add_parser("erase", help="pseudonymise a person and remove their free text")
    erase.add_argument("--email", required=True)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(func=cmd_erase)
    purge = gdpr.add_parser("purge", help="erase people whose programmes are past retention")
    purge.add_argument("--apply", action="store_true", help="really erase (default: dry run)")
    purge.set_defaults(func=cmd_purge)


def add_commands(groups: CliGroups) -> None:
    """Add `gdpr export|erase|purge` to the `tandem` command (registered as this app's `cli`)."""
    add_parser(groups.commands)
