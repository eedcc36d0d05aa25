"""The `tandem` command: demo, serve, import, and Django's management commands.

Exit codes: 0 success, 1 an unexpected failure, 2 bad input (a file, an argument or a value
that is wrong, with a message saying which).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _port(args: argparse.Namespace) -> int:
    from django.conf import settings

    return int(args.port or settings.PORT)


def _serve(port: int, workers: int, *, tasks: bool = True) -> int:
    """Run gunicorn (a real WSGI server, not Django's development one) and the task worker.

    The worker builds report PDFs in the background; it takes its jobs from the database, so it
    may equally run on another machine (`tandem worker`, with `--no-tasks` here). Ctrl+C or
    SIGTERM stops both.
    """
    from django.conf import settings

    address = os.environ.get("TANDEM_BIND") or f"127.0.0.1:{port}"
    server = [
        sys.executable,
        "-m",
        "gunicorn",
        "tandem.wsgi:application",
        "--bind",
        address,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        # gunicorn 27's default control socket is one shared path in the home folder: a second
        # server on the machine would take it over.
        "--no-control-socket",
    ]
    if settings.DEBUG:
        server.append("--reload")
    children = [subprocess.Popen(server)]  # noqa: S603 - our own interpreter, fixed arguments
    if tasks:
        children.append(subprocess.Popen([sys.executable, "-m", "tandem.cli", "worker"]))
    print(f"Tandem is serving on http://{address}/ (stop with Ctrl+C)", flush=True)

    def stop(signum: int, frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = children[0].wait()
    stop(signal.SIGTERM, None)
    for child in children[1:]:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    # The demo is for looking round on one's own machine: no authenticator app needed (README).
    os.environ.setdefault("TANDEM_REQUIRE_2FA", "0")
    _setup_django()
    from tandem import demo

    _migrate()
    if args.reset and demo.demo_exists():
        demo.demo_reset()
    if demo.demo_exists():
        print("The demo programme is already in this database (use --reset to build it afresh).")
        password = args.password or "the one printed when it was built (or use --reset)"
        emails = demo.demo_logins()
    else:
        built = demo.seed_demo(password=args.password or demo.DEFAULT_PASSWORD)
        password = built.password
        emails = built.logins
        print(f"Built the demo programme “{built.programme.name}” with {len(built.pairs)} pairs.")
    print("\nLog in with any of these e-mail addresses:")
    width = max(len(role) for role, _ in emails)
    for role, email in emails:
        print(f"  {role:<{width}}  {email}")
    print(f"Password: {password}\n")
    if args.no_serve:
        return 0
    return _serve(_port(args), args.workers)


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    if args.migrate:
        _migrate(verbosity=1)
    return _serve(_port(args), args.workers, tasks=not args.no_tasks)


def cmd_import_participants(args: argparse.Namespace) -> int:
    _setup_django()
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


def _wave(wave_id: str) -> Any:
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
    _setup_django()
    from tandem.surveys.services import invitation_link

    wave = _wave(args.wave)
    invitations = wave.invitations.select_related("participant__person").order_by(
        "participant__person__name"
    )
    rows = [
        {
            "name": inv.participant.person.name,
            "email": inv.participant.person.email,
            "status": inv.status,
            "link": invitation_link(invitation=inv, base_url=args.base_url),
        }
        for inv in invitations
    ]
    if args.json:
        print(json.dumps({"wave": wave.pk, "title": wave.title, "invitations": rows}, indent=2))
    else:
        for row in rows:
            print(f"{row['name']}\t{row['email']}\t{row['status']}\t{row['link']}")
    return 0


def cmd_import_responses(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.exceptions import ValidationError

    from tandem.programmes.importer import ImportFileError
    from tandem.surveys import selectors, services
    from tandem.surveys.response_import import (
        mapping_from_yaml,
        plan_response_import,
        read_responses,
        suggest_mapping,
    )

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    try:
        parsed = read_responses(data=path.read_bytes(), filename=path.name, source=args.source)
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
    wave = _wave(args.wave)
    if args.mapping:
        mapping_path = Path(args.mapping)
        if not mapping_path.is_file():
            raise CommandError(f"No such mapping file: {mapping_path}")
        try:
            mapping = mapping_from_yaml(mapping_path.read_text(encoding="utf-8"))
        except ImportFileError as exc:
            raise CommandError(f"{mapping_path.name}: {exc}") from exc
    else:
        mapping = suggest_mapping(
            parsed, wave.instrument, selectors.remembered_mapping(wave=wave, source=args.source)
        )
    plan = plan_response_import(
        parsed=parsed,
        instrument=wave.instrument,
        mapping=mapping,
        invited=selectors.invitation_statuses(wave=wave),
    )
    report = parsed.as_dry_run()
    report.update(
        errors=[error.as_dict() for error in plan.errors],
        warnings=[warning.as_dict() for warning in plan.warnings],
        wave=wave.pk,
        mapping=plan.mapping,
        responses=len(plan.responses),
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
    if report.get("imported"):
        print(f"Imported {report['responses']} responses into wave {report['wave']}.")
    elif "responses" in report and not report.get("errors"):
        print(f"Would import {report['responses']} responses into wave {report['wave']}.")


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _number(value: Any, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def cmd_analyse_reliability(args: argparse.Namespace) -> int:
    from tandem.analysis.commands import reliability_command

    result = reliability_command(args.data, _split_names(args.items))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    low, high = result["alpha_ci"]
    print(
        f"Respondents: {result['n']} ({result['n_complete']} answered every item); items: {result['k']}"
    )
    print(
        f"Cronbach's alpha: {_number(result['alpha'], 3)} (95% CI {_number(low, 3)} to {_number(high, 3)})"
    )
    print(f"McDonald's omega: {_number(result['omega'], 3)}")
    print("Corrected item–total correlations:")
    for item, r in result["item_total"].items():
        print(f"  {item:<20} {_number(r, 3)}")
    if result["alpha"] is not None and result["alpha"] < 0.7:
        print("Warning: alpha is below 0.7; treat the scale score with caution.")
    return 0


def cmd_analyse_prepost(args: argparse.Namespace) -> int:
    from tandem.analysis.commands import prepost_command

    result = prepost_command(
        args.data, args.id, args.wave, args.before, args.after, _split_names(args.scales)
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{'scale':<20} {'n':>4} {'before':>7} {'after':>7} {'change':>7} {'95% CI':>17} {'p (Holm)':>9}  verdict"
    )
    for row in result["scales"]:
        ci = f"{_number(row['ci_low'])} to {_number(row['ci_high'])}"
        print(
            f"{row['scale']:<20} {row['n_matched']:>4} {_number(row['mean_before']):>7} "
            f"{_number(row['mean_after']):>7} {_number(row['mean_diff']):>7} {ci:>17} "
            f"{_number(row['p_holm'], 3):>9}  {row['verdict']}"
        )
    overall = result["attrition"]["overall"]
    print(
        f"\nPeople in both waves: {overall['both']}; before only: {overall['before_only']}; "
        f"after only: {overall['after_only']}"
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run queued background tasks (report PDFs) until stopped."""
    _setup_django()
    from django.core.management import call_command

    call_command("db_worker", queue_name="default", interval=1.0)
    return 0


def _report_evaluation(args: argparse.Namespace) -> int:
    """The evaluation report as its programme lead sees it: the CLI runs with the server's rights."""
    from django.db import transaction

    from tandem.audit.services import audit_record
    from tandem.programmes.models import Participant, Programme, Role
    from tandem.reports import pdf
    from tandem.reports.evaluation import build_evaluation

    programme = Programme.objects.filter(slug=args.programme).first()
    if programme is None:
        raise CommandError(f"No programme with the slug “{args.programme}”.")
    lead = (
        Participant.objects.filter(
            programme=programme, role=Role.PROGRAMME_LEAD, person__user__isnull=False
        )
        .select_related("person__user")
        .first()
    )
    if lead is None or lead.person.user is None:
        raise CommandError(f"Programme “{programme.slug}” has no programme lead with an account.")
    out = Path(args.pdf)
    if not out.parent.is_dir():
        raise CommandError(f"No such folder for the PDF: {out.parent}")
    # Rendered outside the transaction so the SQLite write lock is not held while WeasyPrint runs.
    report = build_evaluation(viewer=lead.person.user, programme=programme)
    content = pdf.evaluation_pdf(report)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="report.evaluation.download",
            subject=programme,
            programme=programme,
            extra={"format": "pdf", "via": "cli", "bytes": len(content)},
        )
    out.write_bytes(content)
    print(f"Wrote {out} ({len(content) // 1024} KB).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write a wave's feedback report, or a comparison of two waves, as a PDF file."""
    _setup_django()
    from tandem.reports import pdf

    if args.kind == "evaluation":
        return _report_evaluation(args)
    if args.kind == "wave":
        wave = _wave(args.wave)
        content = pdf.feedback_pdf(wave)
    else:
        before, after = _wave(args.before), _wave(args.after)
        if before.programme_id != after.programme_id or before.instrument_id != after.instrument_id:
            raise CommandError(
                "Those two waves are not of the same questionnaire in the same programme."
            )
        if before.opens_on > after.opens_on:
            before, after = after, before
        content = pdf.comparison_pdf(before, after)
    out = Path(args.pdf)
    if not out.parent.is_dir():
        raise CommandError(f"No such folder for the PDF: {out.parent}")
    out.write_bytes(content)
    print(f"Wrote {out} ({len(content) // 1024} KB).")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description="Run and measure a doctor–manager partnership development programme.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="build the demo programme (if absent) and serve it")
    demo.add_argument("--password", help="password for every demo account (default printed)")
    demo.add_argument("--port", type=int, help="port to serve on (default TANDEM_PORT or 8000)")
    demo.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (default 2)"
    )
    demo.add_argument(
        "--reset", action="store_true", help="rebuild the demo programme from scratch"
    )
    demo.add_argument("--no-serve", action="store_true", help="build the demo and exit")
    demo.set_defaults(func=cmd_demo)

    serve = commands.add_parser("serve", help="serve an existing database with gunicorn")
    serve.add_argument("--port", type=int, help="port to serve on (default TANDEM_PORT or 8000)")
    serve.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (default 2)"
    )
    serve.add_argument("--migrate", action="store_true", help="apply database migrations first")
    serve.add_argument(
        "--no-tasks", action="store_true", help="do not run the background task worker here"
    )
    serve.set_defaults(func=cmd_serve)

    imports = commands.add_parser("import", help="import data from a file").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
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

    responses = imports.add_parser("responses", help="responses exported from another survey tool")
    responses.add_argument("file", help="the export file")
    responses.add_argument(
        "--source", required=True, choices=["msforms", "qualtrics", "limesurvey"]
    )
    responses.add_argument(
        "--wave", metavar="ID", help="the wave to import into (not needed with --dry-run)"
    )
    responses.add_argument(
        "--mapping", metavar="MAP.yaml", help="column heading → item id, one per line"
    )
    responses.add_argument(
        "--dry-run", action="store_true", help="check the file and write nothing"
    )
    responses.add_argument("--json", action="store_true", help="print the report as JSON")
    responses.set_defaults(func=cmd_import_responses)

    worker = commands.add_parser("worker", help="run background tasks (report PDFs)")
    worker.set_defaults(func=cmd_worker)

    report = commands.add_parser("report", help="reports as PDF files").add_subparsers(
        dest="kind", metavar="KIND", required=True
    )
    wave_report = report.add_parser("wave", help="a wave's feedback report")
    wave_report.add_argument("wave", metavar="WAVE_ID")
    wave_report.add_argument("--pdf", required=True, metavar="OUT.pdf")
    wave_report.set_defaults(func=cmd_report)
    compare = report.add_parser("compare", help="before/after comparison of two waves")
    compare.add_argument("before", metavar="W1")
    compare.add_argument("after", metavar="W2")
    compare.add_argument("--pdf", required=True, metavar="OUT.pdf")
    compare.set_defaults(func=cmd_report)
    evaluation = report.add_parser(
        "evaluation", help="the programme evaluation report (as its programme lead sees it)"
    )
    evaluation.add_argument("programme", metavar="PROGRAMME", help="the programme's slug")
    evaluation.add_argument("--pdf", required=True, metavar="OUT.pdf")
    evaluation.set_defaults(func=cmd_report)

    analyse = commands.add_parser(
        "analyse", help="statistics on your own CSV files"
    ).add_subparsers(dest="what", metavar="WHAT", required=True)
    rel = analyse.add_parser(
        "reliability", help="Cronbach's alpha, omega and item–total correlations"
    )
    rel.add_argument("--data", required=True, metavar="F.csv", help="one row per respondent")
    rel.add_argument(
        "--items", required=True, metavar="A,B,C", help="the item columns of one scale"
    )
    rel.add_argument("--json", action="store_true")
    rel.set_defaults(func=cmd_analyse_reliability)
    pre = analyse.add_parser("prepost", help="before/after comparison of matched people")
    pre.add_argument(
        "--data", required=True, metavar="F.csv", help="long format: a row per person per wave"
    )
    pre.add_argument("--id", required=True, metavar="COL", help="the column identifying a person")
    pre.add_argument("--wave", required=True, metavar="COL", help="the column naming the wave")
    pre.add_argument("--before", required=True, metavar="V", help="the wave value for before")
    pre.add_argument("--after", required=True, metavar="V", help="the wave value for after")
    pre.add_argument("--scales", required=True, metavar="A,B", help="the scale-score columns")
    pre.add_argument("--json", action="store_true")
    pre.set_defaults(func=cmd_analyse_prepost)
    from tandem.networks.cli import add_parser as add_network_parser

    add_network_parser(analyse)

    invitations = commands.add_parser(
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

    from tandem.typology.cli import add_parser as add_typology_parser

    add_typology_parser(commands)
    from tandem.workshops.cli import add_parser as add_workshops_parser

    add_workshops_parser(commands)

    from tandem.outcomes.cli import add_parser as add_outcomes_parser

    add_outcomes_parser(analyse=analyse, imports=imports)
    from tandem.audit.cli import add_parser as add_audit_parser

    add_audit_parser(commands)
    from tandem.gdpr.cli import add_parser as add_gdpr_parser

    add_gdpr_parser(commands)
    from tandem.api.cli import add_parser as add_api_parser

    add_api_parser(commands)

    manage = commands.add_parser(
        "manage", help="run a Django management command (migrate, createsuperuser…)"
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from tandem.audit.context import acting_as

    try:
        # Writes made from the command line are audited under this label (no logged-in user).
        with acting_as(f"command line: tandem {args.command}"):
            return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        # AnalysisInputError (a ValueError) means bad input: a message, never a traceback.
        from tandem.analysis.errors import AnalysisInputError

        if not isinstance(exc, AnalysisInputError):
            raise
        print(f"tandem: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
