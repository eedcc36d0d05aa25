"""The programme lead imports a month of KPI values (a file with a problem first, then the corrected
one: preview, confirm) and reads the service's SPC charts; a sponsor reads the same page. Every page
is checked with axe-core on the way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for
from tandem.outcomes.models import KpiValue

from .helpers import (
    NHSUK_FILE_UPLOAD_LABEL_IN_NAME,
    PageFactory,
    assert_accessible,
    csv_file,
    log_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def choose_file(page: Page, path: Path) -> None:
    """Pick a file as a person does: the design system's upload button opens the file chooser."""
    # Wait for nhsuk-frontend's script to replace the bare file input with its upload button
    # (under load the bare input, which is hidden once styled, can be found first).
    upload = page.locator("button.nhsuk-file-upload__drop-button")
    expect(upload).to_be_visible()
    expect(upload).to_have_accessible_name(re.compile(r"^KPI values \(CSV or XLSX\)"))
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(path)
    expect(upload).to_contain_text(path.name)


NORTH = "North Community Mental Health Team"
HEADER = ["service", "kpi", "period", "value"]


def test_lead_imports_kpi_values_and_reads_the_service_charts(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme, tmp_path: Path
) -> None:
    slug = demo.programme.slug
    page = new_page()
    log_in(page, live_server, email_for("Priya Sandhu"))
    page.goto(f"{live_server.url}/programmes/{slug}/")
    page.get_by_role("link", name="Service outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service outcomes")
    assert_accessible(page)

    page.get_by_role("link", name="Import KPI values").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import KPI values")
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    bad = csv_file(
        tmp_path,
        "may-2023.csv",
        [HEADER, [NORTH, "Waiting time to first assessment", "2023-05", "thirty"]],
    )
    choose_file(page, bad)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import KPI values: problems to fix")
    expect(page.get_by_text("Value is “thirty”, not a number.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Upload a corrected file").click()
    good = csv_file(
        tmp_path,
        "may-2023-corrected.csv",
        [
            HEADER,
            [NORTH, "Waiting time to first assessment", "2023-05", "37.5"],
            [NORTH, "Staff sickness", "31/05/2023", "5.9%"],
        ],
    )
    choose_file(page, good)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    assert_accessible(page)
    assert not KpiValue.objects.filter(
        kpi__service__name=NORTH, period__year=2023, period__month=5
    ).exists()
    page.get_by_role("button", name="Import 2 values").click()
    expect(page.get_by_text("Imported may-2023-corrected.csv: 2 new values")).to_be_visible()
    assert (
        KpiValue.objects.filter(
            kpi__service__name=NORTH, period__year=2023, period__month=5
        ).count()
        == 2
    )

    page.get_by_role("link", name=NORTH).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NORTH}: outcomes")
    summary = page.get_by_role("table", name="Summary of this service's KPIs")
    expect(summary.get_by_role("row")).to_have_count(7)  # header and six KPIs
    # Six SPC charts, and four impact charts: the two KPIs given a May 2023 value now miss
    # June to October 2023, which the impact panel names instead of fitting a model.
    expect(page.locator("figure.tandem-chart svg")).to_have_count(10)
    expect(page.get_by_text("A value is missing for June 2023").first).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("^Impact: compared with the earlier trend"))
    ).to_have_count(6)
    # The imported month is the first point now: 41 values from May 2023.
    expect(
        page.get_by_text("Waiting time to first assessment, May 2023 to Oct 2026").first
    ).to_be_visible()
    page.get_by_text("Data table for Waiting time to first assessment").click()
    table = page.get_by_role(
        "table", name="Waiting time to first assessment by period, with the chart's limits"
    )
    expect(table.get_by_role("row", name="May 2023")).to_contain_text("37.5")
    assert_accessible(page)

    # The lead corrects the imported month by hand.
    page.get_by_role("link", name="Values of Waiting time to first assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Waiting time to first assessment: values"
    )
    assert_accessible(page)
    page.get_by_label("Period").fill("2023-05-01")
    page.get_by_label("Value").fill("36.5")
    page.get_by_role("button", name="Save the value").click()
    expect(
        page.get_by_text("Saved Waiting time to first assessment for 01 May 2023: 36.5.")
    ).to_be_visible()


def test_sponsor_reads_a_service_page_without_the_leads_links(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme
) -> None:
    page = new_page()
    log_in(page, live_server, email_for("Richard Ashworth"))
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/outcomes/")
    page.get_by_role("link", name="Acute Inpatient Wards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acute Inpatient Wards: outcomes")
    expect(page.get_by_role("link", name="Import KPI values")).to_have_count(0)
    expect(page.get_by_text("Special cause concern").first).to_be_visible()
    # The impact panel: the change against the earlier trend, and against the comparison service.
    expect(
        page.get_by_text(
            re.compile(r"^After the programme began, emergency readmissions within 30 days were")
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(r"^Against Learning Disability Service: the change in emergency")
        )
    ).to_be_visible()
    page.get_by_text("Impact figures for Emergency readmissions within 30 days").click()
    figures = page.get_by_role(
        "table", name="Emergency readmissions within 30 days: the model's estimates"
    )
    expect(
        figures.get_by_role("row", name=re.compile("^Level change when the programme began"))
    ).to_be_visible()
    assert_accessible(page)
