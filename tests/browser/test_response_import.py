"""Importing another survey tool's export in a real browser: a LimeSurvey export with answer codes
and tokens only, matched through LimeSurvey's participant list, one array's codes corrected by the
lead, the unfinished response left out; every page checked with axe-core on the way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DemoProgramme, email_for
from tandem.surveys import services
from tandem.surveys.models import Answer, InvitationStatus, WaveKind

from .helpers import NHSUK_FILE_UPLOAD_LABEL_IN_NAME, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TOOLS = Path(__file__).parent.parent / "surveys" / "fixtures" / "tools"
LEAD = email_for("Priya Sandhu")


def choose_file(page: Page, label: str, path: Path) -> None:
    upload = page.get_by_role("button", name=re.compile(rf"^{re.escape(label)}"))
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(path)
    expect(upload).to_contain_text(path.name)


def test_lead_imports_a_limesurvey_export_by_token_and_confirms_what_its_codes_mean(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    today = timezone.localdate()
    wave = services.wave_create(
        programme=demo.programme,
        title="Stock take (LimeSurvey)",
        kind=WaveKind.BASELINE,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=14),
    )
    log_in(page, live_server, LEAD)
    page.goto(f"{live_server.url}/programmes/{demo.programme.slug}/questionnaires/{wave.pk}/")
    page.get_by_role(
        "link", name="Import responses collected in Microsoft Forms, Qualtrics or LimeSurvey"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import responses from another survey tool"
    )
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    page.get_by_label("LimeSurvey").check()
    choose_file(page, "Export file", TOOLS / "limesurvey-codes.csv")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import responses: match the columns")
    expect(page.locator("main")).to_contain_text("with 4 responses, 1 of them not finished")
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    page.get_by_label(re.compile(r"LimeSurvey token \(access code\)")).check()
    choose_file(
        page,
        "Participant list exported from the survey tool",
        TOOLS / "limesurvey-participants.csv",
    )
    for column, item in {
        "comm[SQ001]": "comm1",
        "comm[SQ002]": "comm2",
        "comm[SQ003]": "comm3",
        "trust[SQ001]": "trust1",
        "worksWell": "works_well",
    }.items():
        page.get_by_label(column, exact=True).select_option(item)
    page.get_by_role("button", name="Check the answers").click()

    # The codes now show, suggested from their numbers; the trust array lists its answers
    # "Strongly agree" first, so the lead corrects its meanings.
    trust = page.get_by_role("group", name="LimeSurvey question trust")
    expect(trust.get_by_label("“A1” means")).to_have_value("1")
    for code, meaning in {"A1": "5", "A2": "4"}.items():
        trust.get_by_label(f"“{code}” means").select_option(meaning)
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    page.get_by_role("button", name="Check the answers").click()

    ready = page.locator(".nhsuk-card--feature")
    expect(ready).to_contain_text("3 responses will be added to this wave as submitted")
    expect(ready).to_contain_text("1 not finished will be left out")
    expect(ready).to_contain_text("trust: A1 = 5: Strongly agree; A2 = 4: Agree")
    preview = page.get_by_role("table", name=re.compile("Each response in limesurvey-codes.csv"))
    expect(
        preview.get_by_role("row", name=re.compile(r"^5 tk4q7ZmXw Not finished"))
    ).to_contain_text("Left out")
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    page.get_by_role("button", name="Import 3 responses").click()

    expect(page.locator("main")).to_contain_text("Imported 3 responses")
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    amara = wave.invitations.get(participant__person__email=email_for("Dr Amara Okafor"))
    assert amara.status == InvitationStatus.SUBMITTED
    assert Answer.objects.get(invitation=amara, item_id="trust1").value == 4
    brian = wave.invitations.get(participant__person__email=email_for("Brian Doyle"))
    assert brian.status == InvitationStatus.NOT_STARTED
