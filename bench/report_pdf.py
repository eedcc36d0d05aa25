"""Benchmark: the demo's baseline feedback report (about 11 pages) as a PDF.

Target (issue "Analysis core"): a 10-page wave PDF in ≤ 10 s. Builds the demo programme in a
throw-away SQLite database, then times each stage of one PDF: reading and analysing the
answers, drawing the charts (Vega-Lite → SVG with vl-convert), laying out with WeasyPrint.

    .venv/bin/python bench/report_pdf.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    os.environ.update(
        TANDEM_HOME=str(home), TANDEM_SECRET_KEY="bench", DJANGO_SETTINGS_MODULE="tandem.settings"
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from tandem.demo import seed_demo
    from tandem.reports.charts import feedback_charts
    from tandem.reports.feedback import build_feedback
    from tandem.surveys.models import Wave

    call_command("migrate", verbosity=0)
    seed_demo(password="bench-password")
    wave = Wave.objects.get(title="Baseline stock take")
    build_feedback(wave)  # warm imports (scipy, pingouin) so that they are not counted
    stages: dict[str, list[float]] = {"analyse": [], "charts": [], "layout": [], "total": []}
    pages = 0
    for _ in range(args.repeats):
        start = time.perf_counter()
        report = build_feedback(wave)
        analysed = time.perf_counter()
        charts = feedback_charts(report)
        drawn = time.perf_counter()
        html = render_to_string(
            "reports/feedback_print.jinja",
            {"report": report, "charts": charts, "generated": timezone.now()},
        )
        document = HTML(string=html).render()
        pages = len(document.pages)
        document.write_pdf()
        done = time.perf_counter()
        stages["analyse"].append(analysed - start)
        stages["charts"].append(drawn - analysed)
        stages["layout"].append(done - drawn)
        stages["total"].append(done - start)
    print(f"Feedback report PDF, {pages} pages, median of {args.repeats}:")
    for name, times in stages.items():
        print(f"  {name:<8} {statistics.median(times):6.2f} s")
    sys.exit(0)


if __name__ == "__main__":
    main()
