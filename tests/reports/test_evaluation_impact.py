"""The evaluation report's "Did the programme make a difference?": each KPI's interrupted time
series and comparison as the KPI pages and the API show them, on the page and in the PDF, and
what the stock-take comparison could have detected."""

from __future__ import annotations

import html
import re

from django.test import Client

from tandem.analysis.impact import power_sentence
from tandem.outcomes.models import Kpi
from tandem.programmes.models import Service
from tandem.reports import pdf
from tandem.reports.evaluation import build_evaluation

from ..conftest import participant_named
from ..pdf import pdf_text


def text_of(client: Client, url: str) -> str:
    body = client.get(url).content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_every_programme_kpi_is_in_the_table_with_the_apis_figures(
    lead_client: Client, demo
) -> None:
    lead = participant_named(demo, "Priya Sandhu").person.user
    report = build_evaluation(viewer=lead, programme=demo.programme)
    assert report.impact is not None
    programme_kpis = Kpi.objects.filter(service__pairs__programme=demo.programme).count()
    assert len(report.impact.impacts) == programme_kpis
    wards = Service.objects.get(name="Acute Inpatient Wards")
    url = f"/api/v1/programmes/{demo.programme.slug}/outcomes/services/{wards.pk}/kpis"
    from_api = {i["name"]: i["impact"] for i in lead_client.get(url).json()["items"]}
    in_report = {
        i.kpi.name: i for i in report.impact.impacts if i.kpi.owner_name == "Acute Inpatient Wards"
    }
    readmissions = in_report["Emergency readmissions within 30 days"].result.level_change
    assert from_api["Emergency readmissions within 30 days"]["result"]["level_change"] == (
        readmissions.as_dict()
    )
    page = text_of(lead_client, f"/programmes/{demo.programme.slug}/reports/evaluation/")
    section = page[page.index("Did the programme make a difference?") :]
    assert (
        f"RR {readmissions.rate_ratio:.2f} ({readmissions.rate_ratio_ci_low:.2f} to "
        f"{readmissions.rate_ratio_ci_high:.2f})"
    ) in section
    assert "Consistent with no change" in section, "the demo has KPIs that did not move"
    assert "A comparison group of colleagues outside the programme answered both" in section


def test_the_power_statement_uses_the_matched_people(lead_client: Client, demo) -> None:
    lead = participant_named(demo, "Priya Sandhu").person.user
    report = build_evaluation(viewer=lead, programme=demo.programme)
    matched = max(r.n_matched for r in report.comparison.rows if r.n_matched is not None)
    assert report.impact.power == power_sentence(matched)
    page = text_of(lead_client, f"/programmes/{demo.programme.slug}/reports/evaluation/")
    assert f"With {matched} people matched across the two stock takes" in page


def test_the_pdf_says_the_same(demo) -> None:
    lead = participant_named(demo, "Priya Sandhu").person.user
    report = build_evaluation(viewer=lead, programme=demo.programme)
    text = " ".join(pdf_text(pdf.evaluation_pdf(report)).split())
    assert "Did the programme make a difference?" in text
    assert "this study could only detect a change of d_z ≥" in text
