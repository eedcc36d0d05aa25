"""Report PDFs: the same content as the page, laid out for print, drawn by WeasyPrint."""

from __future__ import annotations

import hashlib

from django.template.loader import render_to_string
from django.utils import timezone

from tandem.reports.charts import comparison_charts, evaluation_charts, feedback_charts
from tandem.reports.evaluation import EvaluationReport
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.surveys.models import Wave

# Bump when the report's layout or content changes, so cached PDFs are rebuilt.
LAYOUT_VERSION = "4"  # 2: the network section; 3: its figures through the disclosure ledger;
# 4: its maps drawn with coarsened attributes (networks.selectors.map_rules)


def fingerprint(*waves: Wave) -> str:
    """Changes whenever anything the report's PDF shows would change.

    Not a list of inputs (answers, release, k…): such a list missed excerpt approvals, codes,
    k_text and roster data, so a withdrawn or erased quotation could survive in a cached PDF
    (issue 15). It is the print HTML itself, less its charts (their figures are in its tables) and
    the time it was made: whatever reaches the PDF is in it.
    """
    if len(waves) == 1:
        report: object = build_feedback(waves[0])
        template = "reports/feedback_print.jinja"
    else:
        report = build_comparison(*waves)
        template = "reports/comparison_print.jinja"
    html = render_to_string(template, {"report": report, "charts": {}, "generated": None})
    released = "|".join(str(wave.released_at) for wave in waves)
    return hashlib.sha256(f"{LAYOUT_VERSION}|{released}|{html}".encode()).hexdigest()


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
