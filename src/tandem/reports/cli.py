"""`tandem report wave|compare|evaluation --pdf OUT.pdf`: reports as PDF files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tandem.cli.base import CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups


def _output(args: argparse.Namespace) -> Path:
    out = Path(args.pdf)
    if not out.parent.is_dir():
        raise CommandError(f"No such folder for the PDF: {out.parent}")
    return out


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
    out = _output(args)
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
    from tandem.reports import pdf
    from tandem.reports.selectors import comparable
    from tandem.surveys.cli import wave_from_argument

    if args.kind == "evaluation":
        return _report_evaluation(args)
    if args.kind == "wave":
        wave = wave_from_argument(args.wave)
        content = pdf.feedback_pdf(wave)
    else:
        before, after = wave_from_argument(args.before), wave_from_argument(args.after)
        reason = comparable(before, after)
        if reason is not None:
            raise CommandError(reason)
        if before.opens_on > after.opens_on:
            before, after = after, before
        content = pdf.comparison_pdf(before, after)
    out = _output(args)
    out.write_bytes(content)
    print(f"Wrote {out} ({len(content) // 1024} KB).")
    return 0


def add_commands(groups: CliGroups) -> None:
    """Add `report wave`, `report compare` and `report evaluation` to the `tandem` command."""
    wave_report = groups.report.add_parser("wave", help="a wave's feedback report")
    wave_report.add_argument("wave", metavar="WAVE_ID")
    wave_report.add_argument("--pdf", required=True, metavar="OUT.pdf")
    wave_report.set_defaults(func=cmd_report)
    compare = groups.report.add_parser("compare", help="before/after comparison of two waves")
    compare.add_argument("before", metavar="W1")
    compare.add_argument("after", metavar="W2")
    compare.add_argument("--pdf", required=True, metavar="OUT.pdf")
    compare.set_defaults(func=cmd_report)
    evaluation = groups.report.add_parser(
        "evaluation", help="the programme evaluation report (as its programme lead sees it)"
    )
    evaluation.add_argument("programme", metavar="PROGRAMME", help="the programme's slug")
    evaluation.add_argument("--pdf", required=True, metavar="OUT.pdf")
    evaluation.set_defaults(func=cmd_report)
