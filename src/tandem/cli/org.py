"""`tandem org create | list | import-services`: setting an organisation up from an empty install.

`import-services` is the web page's two steps (`plan_services_import`, then
`services_import_commit`), so the command line reports the same problems in the same words.
Bad input — an unknown organisation, a missing or unreadable file, rows with problems, a name
already taken — exits 2 with a message and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tandem.cli.base import EXIT_BAD_INPUT, CommandError


def _sentence(error: Any) -> str:
    """A ValidationError as one line, whatever its shape."""
    return " ".join(error.messages)


def cmd_org_create(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tandem.programmes.services import organisation_create

    try:
        organisation = organisation_create(
            name=args.name, short_name=args.short_name or "", slug=args.slug or ""
        )
    except ValidationError as exc:
        raise CommandError(_sentence(exc)) from exc
    if args.json:
        print(json.dumps({"slug": organisation.slug}))
    else:
        print(f"Created {organisation.name} (slug: {organisation.slug}).")
    return 0


def cmd_org_list(args: argparse.Namespace) -> int:
    from tandem.programmes.models import Organisation

    organisations = [
        {"slug": slug, "name": name}
        for slug, name in Organisation.objects.order_by("slug").values_list("slug", "name")
    ]
    if args.json:
        print(json.dumps(organisations, indent=2))
    elif not organisations:
        print("No organisations yet (tandem org create --name …).")
    else:
        width = max(len(o["slug"]) for o in organisations)
        for organisation in organisations:
            print(f"{organisation['slug']:<{width}}  {organisation['name']}")
    return 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def cmd_org_import_services(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tandem.programmes.importer import ImportFileError
    from tandem.programmes.importer.services_table import plan_services_import
    from tandem.programmes.models import Organisation
    from tandem.programmes.org_services import services_import_commit

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    organisation = Organisation.objects.filter(slug=args.org).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)[:10]) or "none yet"
        raise CommandError(f"No organisation with the slug “{args.org}” (organisations: {known}).")
    try:
        plan = plan_services_import(
            organisation=organisation, data=path.read_bytes(), filename=path.name
        )
    except (ImportFileError, OSError) as exc:
        if args.json:
            print(json.dumps({"errors": [{"row": None, "column": None, "message": str(exc)}]}))
        raise CommandError(f"{path.name}: {exc} Nothing was imported.") from exc
    if plan.errors:
        if args.json:
            print(json.dumps({"errors": [error.as_dict() for error in plan.errors]}, indent=2))
        print(
            f"tandem: {path.name}: {_plural(len(plan.errors), 'problem', 'problems')}; "
            "nothing was imported.",
            file=sys.stderr,
        )
        if not args.json:
            for error in plan.errors:
                print(f"  row {error.row}, {error.column}: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    counts = plan.counts()
    if not args.dry_run:
        try:
            result = services_import_commit(organisation=organisation, plan=plan)
        except ValidationError as exc:
            raise CommandError(f"{path.name}: {_sentence(exc)}") from exc
        counts = {
            "localities_added": result.localities_added,
            "services_added": result.services_added,
            "unchanged": result.unchanged,
        }
    if args.json:
        print(json.dumps(counts, indent=2))
    else:
        verb = "Would add" if args.dry_run else "Added"
        print(
            f"{verb} {_plural(counts['localities_added'], 'locality', 'localities')} and "
            f"{_plural(counts['services_added'], 'service', 'services')} to {organisation.slug} "
            f"({counts['unchanged']} unchanged)."
        )
    return 0


def add_org_commands(commands: Any) -> None:
    org = commands.add_parser(
        "org", help="set up an organisation: create it, list them, import its services"
    ).add_subparsers(dest="what", metavar="WHAT", required=True)

    create = org.add_parser("create", help="a new organisation (a trust)")
    create.add_argument("--name", required=True, help="its full name")
    create.add_argument("--short-name", metavar="S", help="a short name, e.g. RFT")
    create.add_argument(
        "--slug", help="its name in addresses and commands (made from the name if left out)"
    )
    create.add_argument("--json", action="store_true", help='print {"slug": …} as JSON')
    create.set_defaults(func=cmd_org_create)

    listing = org.add_parser("list", help="every organisation's slug and name")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(func=cmd_org_list)

    services = org.add_parser(
        "import-services", help="localities and services from a CSV or XLSX (locality, service)"
    )
    services.add_argument("file", help="the CSV or XLSX file")
    services.add_argument("--org", required=True, metavar="SLUG", help="the organisation's slug")
    services.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    services.add_argument("--json", action="store_true", help="print the counts as JSON")
    services.set_defaults(func=cmd_org_import_services)
