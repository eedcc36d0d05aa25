"""Report PDFs: the same content as the page, laid out for print, drawn by WeasyPrint."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.reports.charts import comparison_charts, evaluation_charts, feedback_charts
from tandem.reports.evaluation import EvaluationReport
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.surveys.models import Answer, Wave

# Bump when the report's layout or content changes, so cached PDFs are rebuilt.
LAYOUT_VERSION = "4"  # 2: the network section; 3: its figures through the disclosure ledger;
# 4: its maps drawn with coarsened attributes (networks.selectors.map_rules)


def fingerprint(*waves: Wave) -> str:
    """Changes whenever anything a report shows could change: answers, release, k."""
    parts = [LAYOUT_VERSION]
    for wave in waves:
        stats = Answer.objects.filter(invitation__wave=wave).aggregate(
            n=Count("id"), last=Max("updated_at")
        )
        submitted = wave.invitations.filter(status="submitted").aggregate(
            n=Count("id"), last=Max("submitted_at")
        )
        parts += [
            str(wave.pk),
            str(wave.released_at),
            str(wave.programme.min_group_size),
            str(stats["n"]),
            str(stats["last"]),
            str(submitted["n"]),
            str(submitted["last"]),
        ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def feedback_pdf(wave: Wave) -> bytes:
    report = build_feedback(wave)
    html = render_to_string(
        "reports/feedback_print.jinja",
        {"report": report, "charts": feedback_charts(report), "generated": timezone.now()},
    )
    return _render(html)


def comparison_pdf(before: Wave, after: Wave) -> bytes:
    report = build_comparison(before, after)
    html = render_to_string(
        "reports/comparison_print.jinja",
        {"report": report, "charts": comparison_charts(report), "generated": timezone.now()},
    )
    return _render(html)


def evaluation_pdf(report: EvaluationReport) -> bytes:
    html = render_to_string(
        "reports/evaluation_print.jinja",
        {"report": report, "charts": evaluation_charts(report), "generated": timezone.now()},
    )
    return _render(html)


def _render(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
