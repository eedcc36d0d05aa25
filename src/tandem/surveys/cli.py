"""`tandem import responses` (answers exported from another survey tool) and `tandem invitations
list` (each invited person's link, for sending by one's own mail)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tandem.cli.base import EXIT_BAD_INPUT, CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups
    from tandem.surveys.models import Wave


def wave_from_argument(wave_id: str) -> Wave:
    """The wave a command names by its number, or a `CommandError` saying what is wrong."""
    from tandem.surveys.models import Wave

    try:
        number = int(wave_id)
    except ValueError:
        raise CommandError(f"--wave must be a wave's number, not “{wave_id}”.") from None
    wave = Wave.objects.select_related("programme").filter(pk=number).first()
    if wave is None:
        raise CommandError(f"There is no wave {number}.")
    return wave


def cmd_invitations_list(args: argparse.Namespace) -> int:
    from tandem.surveys.services import invitation_link

    wave = wave_from_argument(args.wave)
    invitations = (
        wave.invitations.matched()
        .select_related("participant__person")
        .order_by("participant__person__name")
    )
    rows = [
        {
            "name": inv.participant.person.name,
            "email": inv.participant.person.email,
            "status": inv.status,
            "link": invitation_link(invitation=inv, base_url=args.base_url),
        }
        for inv in invitations
        if inv.participant is not None
    ]
    if args.json:
        print(json.dumps({"wave": wave.pk, "title": wave.title, "invitations": rows}, indent=2))
    else:
        for row in rows:
            print(f"{row['name']}\t{row['email']}\t{row['status']}\t{row['link']}")
    return 0


def _read_list(args: argparse.Namespace, match_by: str | None) -> Any:
    """The participant list named by --participants, read for the key respondents are matched by."""
    from tandem.programmes.importer import ImportFileError
    from tandem.surveys.response_import import read_participant_list

    if not args.participants:
        return None
    path = Path(args.participants)
    if not path.is_file():
        raise CommandError(f"No such participant list: {path}")
    if match_by is None or match_by == "email":
        raise CommandError(
            "--participants is for matching by the tool's own identifier: add --match-by "
            "token, externalreference or responseid."
        )
    try:
        return read_participant_list(data=path.read_bytes(), filename=path.name, key=match_by)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc


def cmd_import_responses(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tandem.programmes.importer import ImportFileError
    from tandem.surveys import selectors, services
    from tandem.surveys.response_import import (
        MappingFile,
        mapping_from_yaml,
        plan_response_import,
        read_responses,
        suggest_mapping,
    )

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    incomplete = args.incomplete.replace("-", "_")
    try:
        parsed = read_responses(
            data=path.read_bytes(),
            filename=path.name,
            source=args.source,
            unmatched=args.unmatched,
        )
    except ImportFileError as exc:
        if args.json:
            print(
                json.dumps(
                    {
                        "source": args.source,
                        "rows": 0,
                        "questions": [],
                        "errors": [{"row": None, "column": None, "message": str(exc)}],
                    },
                    indent=2,
                )
            )
            return EXIT_BAD_INPUT
        raise CommandError(f"{path.name}: {exc}") from exc
    if args.wave is None:
        if not args.dry_run:
            raise CommandError(
                "Name the wave to import into with --wave ID (or use --dry-run to check the file)."
            )
        report: dict[str, Any] = parsed.as_dry_run()
        _print_report(report, args.json)
        return EXIT_BAD_INPUT if parsed.errors else 0
    wave = wave_from_argument(args.wave)
    remembered = selectors.remembered_import(wave=wave, source=args.source)
    if args.mapping:
        mapping_path = Path(args.mapping)
        if not mapping_path.is_file():
            raise CommandError(f"No such mapping file: {mapping_path}")
        try:
            chosen = mapping_from_yaml(mapping_path.read_text(encoding="utf-8"))
        except (ImportFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"{mapping_path.name}: {exc}") from exc
    else:
        chosen = MappingFile(columns={})
    suggested = suggest_mapping(
        parsed, wave.instrument, dict(remembered.columns) if remembered else {}
    )
    columns = {c: item for c, item in (suggested | chosen.columns).items() if item}
    codes = (dict(remembered.codes) if remembered else {}) | chosen.codes
    match_by = args.match_by or chosen.match_by
    if match_by is None and remembered and remembered.match_by in parsed.match_keys:
        match_by = remembered.match_by
    if match_by is None and args.participants:
        keys = [key for key in parsed.match_keys if key != "email"]
        match_by = keys[0] if keys else None
    plan = plan_response_import(
        parsed=parsed,
        instrument=wave.instrument,
        mapping=columns,
        invited=selectors.invitation_statuses(wave=wave),
        already_imported=selectors.imported_response_ids(wave=wave, source=args.source),
        match_by=match_by,
        participant_list=None if args.unmatched else _read_list(args, match_by),
        codes=codes,
        incomplete=incomplete,
    )
    report = parsed.as_dry_run()
    report.update(
        errors=[error.as_dict() for error in plan.errors],
        warnings=[warning.as_dict() for warning in plan.warnings],
        wave=wave.pk,
        mapping=plan.mapping,
        match_by=None if plan.unmatched else plan.match_by,
        codes=plan.codes,
        responses=len(plan.submitted),
        in_progress=len(plan.in_progress),
        left_out=plan.left_out,
        preview=plan.preview(),
        unmatched=plan.unmatched,
        imported=False,
    )
    if plan.errors:
        _print_report(report, args.json)
        return EXIT_BAD_INPUT
    if not args.dry_run:
        try:
            services.responses_import_commit(wave=wave, plan=plan, source=args.source)
        except ValidationError as exc:
            raise CommandError(f"Wave {wave.pk}: {exc.messages[0]} Nothing was imported.") from exc
        report["imported"] = True
    _print_report(report, args.json)
    return 0


def _print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, indent=2))
        return
    stream = sys.stderr if report.get("errors") else sys.stdout
    print(
        f"{report['source']}: {report['rows']} responses, {len(report['questions'])} question columns.",
        file=stream,
    )
    for error in report.get("errors", []):
        where = ", ".join(
            str(part)
            for part in (f"row {error['row']}" if error["row"] else None, error["column"])
            if part
        )
        print(f"  {where}: {error['message']}" if where else f"  {error['message']}", file=stream)
    for warning in report.get("warnings", []):
        print(f"  note: {warning['message']}", file=stream)
    how = " unmatched" if report.get("unmatched") else ""
    also = f" and {report['in_progress']} in progress" if report.get("in_progress") else ""
    if report.get("imported"):
        print(f"Imported {report['responses']}{how} responses{also} into wave {report['wave']}.")
    elif "responses" in report and not report.get("errors"):
        print(
            f"Would import {report['responses']}{how} responses{also} into wave {report['wave']}."
        )


def add_commands(groups: CliGroups) -> None:
    """Add `import responses` and `invitations list` to the `tandem` command."""
    responses = groups.imports.add_parser(
        "responses", help="responses exported from another survey tool"
    )
    responses.add_argument("file", help="the export file")
    responses.add_argument(
        "--source", required=True, choices=["msforms", "qualtrics", "limesurvey"]
    )
    responses.add_argument(
        "--wave", metavar="ID", help="the wave to import into (not needed with --dry-run)"
    )
    responses.add_argument(
        "--mapping",
        metavar="MAP.yaml",
        help="column heading → item id, one per line; or the sections columns:, codes: (the "
        "tool's question → {answer code: meaning}) and match_by:",
    )
    responses.add_argument(
        "--unmatched",
        action="store_true",
        help="the responses were collected anonymously (no e-mail column): import them as "
        "unmatched responses, counted in the wave's report but in no before/after comparison",
    )
    responses.add_argument(
        "--match-by",
        choices=["email", "token", "externalreference", "responseid"],
        help="match respondents by e-mail address (the default when the file has one) or by the "
        "tool's own identifier: a LimeSurvey token, a Qualtrics external data reference or "
        "response ID, through --participants",
    )
    responses.add_argument(
        "--participants",
        metavar="LIST",
        help="the participant list exported from the survey tool (CSV or XLSX), which turns its "
        "identifiers into e-mail addresses",
    )
    responses.add_argument(
        "--incomplete",
        choices=["leave-out", "in-progress"],
        default="leave-out",
        help="responses not finished in the survey tool: leave them out (the default) or import "
        "them as in progress, for the person to finish in Tandem",
    )
    responses.add_argument(
        "--dry-run", action="store_true", help="check the file and write nothing"
    )
    responses.add_argument("--json", action="store_true", help="print the report as JSON")
    responses.set_defaults(func=cmd_import_responses)

    invitations = groups.commands.add_parser(
        "invitations", help="questionnaire invitations"
    ).add_subparsers(dest="what", metavar="WHAT", required=True)
    listing = invitations.add_parser(
        "list", help="each invited person's link, for sending by your own mail"
    )
    listing.add_argument("--wave", required=True, metavar="ID")
    listing.add_argument(
        "--base-url", help="the address people reach Tandem at (default TANDEM_BASE_URL)"
    )
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_invitations_list)
