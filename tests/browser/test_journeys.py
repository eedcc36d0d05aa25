"""The foundation's journeys in a real browser, each page checked with axe-core on the way.

The demo programme (12 doctor–manager pairs in 3 localities) is the shared cast. The database is
transactional because the live server answers from another thread and must see the seeded data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import DEMO_SLUG, DemoProgramme, email_for
from tandem.programmes.models import Milestone, Pair, Person

from .helpers import (
    NHSUK_FILE_UPLOAD_LABEL_IN_NAME,
    PageFactory,
    assert_accessible,
    csv_file,
    log_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

LEAD = email_for("Priya Sandhu")
DOCTOR = email_for("Dr Amara Okafor")
PROGRAMME_NAME = "Doctor–manager partnership programme 2025–26"
HEADER = ["name", "email", "profession", "level", "locality", "service", "programme role", "pair"]
NEW_DOCTOR = [
    "Dr Nora Quayle",
    "nora.quayle@riverside-fells.example",
    "doctor",
    "senior",
    "The Fells",
    "Eating Disorders Service",
    "participant",
    "ED1",
]
NEW_MANAGER = [
    "Oscar Pemberton",
    "oscar.pemberton@riverside-fells.example",
    "manager",
    "service",
    "The Fells",
    "Eating Disorders Service",
    "participant",
    "ED1",
]


def choose_file(page: Page, path: Path) -> None:
    """Pick a file as a person does: the design system's upload button opens the file chooser."""
    upload = page.get_by_role("button", name=re.compile(r"^Participant list \(CSV or XLSX\)"))
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(path)
    expect(upload).to_contain_text(path.name)


def open_demo_programme(page: Page) -> None:
    """From the programme list to the demo programme's overview, by its link."""
    page.get_by_role("link", name=PROGRAMME_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME_NAME)
    assert_accessible(page)


def test_lead_logs_in_sees_all_twelve_pairs_and_the_timeline_then_logs_out(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Tandem")
    assert_accessible(page)

    page.get_by_label("E-mail address").fill(LEAD)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The e-mail address or password is not right")
    # The design system's script moves focus to the summary, so screen readers announce it.
    expect(summary).to_be_focused()
    assert_accessible(page)

    log_in(page, live_server, LEAD)
    open_demo_programme(page)
    expect(page.get_by_text("12 doctor–manager pairs")).to_be_visible()
    expect(page.locator("table.tandem-pairs tbody tr")).to_have_count(12)
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    timeline = page.locator("ol.tandem-timeline > li")
    expect(timeline).to_have_count(8)
    expect(timeline.first).to_contain_text("Baseline stock take")
    expect(timeline.last).to_contain_text("Final away day")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Tandem")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    assert_accessible(page)


def test_lead_import_lists_bad_rows_writes_nothing_then_imports_the_corrected_file(
    page: Page, live_server: LiveServer, demo: DemoProgramme, tmp_path: Path
) -> None:
    people_before = Person.objects.count()
    bad = csv_file(
        tmp_path,
        "participants.csv",
        [
            HEADER,
            NEW_DOCTOR,
            [*NEW_MANAGER[:2], "surgeon", *NEW_MANAGER[3:]],
            ["Dr Nora Quayle again", NEW_DOCTOR[1], "doctor", "senior", "The Fells", "", "", ""],
        ],
    )
    log_in(page, live_server, LEAD)
    open_demo_programme(page)
    page.get_by_role("link", name="Import participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import participants")
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])

    choose_file(page, bad)
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_url(re.compile(rf"/programmes/{DEMO_SLUG}/import/[0-9a-f-]{{36}}/$"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Nothing has been imported")
    expect(
        summary.get_by_role(
            "link", name=re.compile(r"^Row 3, profession: Unknown profession “surgeon”")
        )
    ).to_have_attribute("href", "#row-3")
    expect(
        summary.get_by_role(
            "link", name=re.compile(r"^Row 4, email: Duplicate e-mail .* also on row 2")
        )
    ).to_have_attribute("href", "#row-4")
    expect(page.get_by_role("table", name="Rows with problems")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)
    assert_accessible(page)
    assert Person.objects.count() == people_before

    good = csv_file(tmp_path, "participants-corrected.csv", [HEADER, NEW_DOCTOR, NEW_MANAGER])
    page.get_by_role("link", name="Upload a corrected file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import participants")
    assert_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])
    choose_file(page, good)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_text("2 new people")).to_be_visible()
    expect(page.get_by_text("1 new doctor–manager pairs")).to_be_visible()
    expect(page.get_by_text("New services: Eating Disorders Service (The Fells)")).to_be_visible()
    assert_accessible(page)
    assert Person.objects.count() == people_before

    page.get_by_role("button", name="Import 2 people").click()
    expect(page).to_have_url(f"{live_server.url}/programmes/{DEMO_SLUG}/people/")
    expect(page.get_by_role("status")).to_contain_text(
        "Imported participants-corrected.csv: 2 new, 0 updated, 0 unchanged; 1 pairs created."
    )
    expect(page.get_by_role("link", name="Dr Nora Quayle", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Oscar Pemberton", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Pair.objects.filter(
        programme=demo.programme,
        service__name="Eating Disorders Service",
        service__locality__name="The Fells",
        doctor__person__email=NEW_DOCTOR[1],
        manager__person__email=NEW_MANAGER[1],
    ).exists()


def test_participant_sees_no_import_link_and_is_refused_the_import_page(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    log_in(page, live_server, DOCTOR)
    open_demo_programme(page)
    expect(page.get_by_text("12 doctor–manager pairs")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Import"))).to_have_count(0)
    expect(page.get_by_role("link", name="Add a milestone")).to_have_count(0)

    response = page.goto(f"{live_server.url}/programmes/{DEMO_SLUG}/import/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    assert_accessible(page)


def test_people_filter_by_role_is_a_plain_get_form(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    log_in(page, live_server, LEAD)
    open_demo_programme(page)
    page.get_by_role("link", name="See everyone in the programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"People in {PROGRAMME_NAME}")
    assert_accessible(page)

    page.get_by_label("Role").select_option(label="Coach")
    page.get_by_role("button", name="Filter").click()
    # The filter is in the address, so it can be bookmarked, shared and used without JavaScript.
    expect(page).to_have_url(re.compile(r"/people/\?q=&role=coach$"))
    expect(page.get_by_role("table", name="2 people")).to_be_visible()
    expect(page.get_by_role("link", name="Nadia Foster")).to_be_visible()
    expect(page.get_by_role("link", name="Owen Price")).to_be_visible()
    expect(page.get_by_role("link", name="Dr Amara Okafor")).to_have_count(0)
    expect(page.get_by_label("Role")).to_have_value("coach")
    assert_accessible(page)

    page.get_by_role("link", name="Nadia Foster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Foster")
    expect(page.get_by_text("Not in a doctor–manager pair.")).to_be_visible()
    assert_accessible(page)


def test_milestone_with_end_before_start_is_refused_then_shown_on_the_timeline_once_fixed(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    log_in(page, live_server, LEAD)
    open_demo_programme(page)
    page.get_by_role("link", name="Add a milestone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a milestone")
    assert_accessible(page)

    page.get_by_label("Phase").select_option(label="Away day")
    page.get_by_label("Title").fill("Third away day")
    page.get_by_label("Start date").fill("2025-11-12")
    page.get_by_label("End date").fill("2025-11-10")
    page.get_by_role("button", name="Save milestone").click()
    error_link = page.locator(".nhsuk-error-summary").get_by_role(
        "link", name="The end date must be on or after the start date."
    )
    expect(error_link).to_have_attribute("href", "#id_end_date")
    assert_accessible(page)
    error_link.click()
    expect(page.get_by_label("End date")).to_be_focused()
    assert not Milestone.objects.filter(title="Third away day").exists()

    page.get_by_label("End date").fill("2025-11-13")
    page.get_by_role("button", name="Save milestone").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the milestone “Third away day”.")
    milestone = page.locator("ol.tandem-timeline > li").filter(has_text="Third away day")
    expect(milestone).to_contain_text("12 November 2025 to 13 November 2025")
    expect(milestone).to_contain_text("Away day")
    assert_accessible(page)


def test_pair_form_sent_empty_lists_each_missing_choice(
    page: Page, live_server: LiveServer, demo: DemoProgramme
) -> None:
    log_in(page, live_server, LEAD)
    open_demo_programme(page)
    page.get_by_role("link", name="Pair a doctor and a manager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pair a doctor and a manager")
    assert_accessible(page)

    page.get_by_role("button", name="Save pair").click()
    summary = page.locator(".nhsuk-error-summary")
    for field_id in ("id_service", "id_doctor", "id_manager"):
        expect(summary.locator(f'a[href="#{field_id}"]')).to_have_count(1)
    assert_accessible(page)


def test_person_sets_a_password_from_the_emailed_link_and_logs_in_with_it(
    page: Page, live_server: LiveServer, demo: DemoProgramme, mailoutbox: list[EmailMessage]
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Set or reset your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set or reset your password")
    assert_accessible(page)

    page.get_by_label("E-mail address").fill(DOCTOR)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_accessible(page)

    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+", str(mailoutbox[0].body))
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("a-fresh-partnership-2026")
    page.get_by_label("New password again").fill("a-fresh-partnership-2026")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    assert_accessible(page)

    log_in(page, live_server, DOCTOR, password="a-fresh-partnership-2026")


def test_without_javascript_the_lead_logs_in_and_imports_a_participant_list(
    new_page: PageFactory, live_server: LiveServer, demo: DemoProgramme, tmp_path: Path
) -> None:
    page = new_page(java_script_enabled=False)
    good = csv_file(tmp_path, "pair.csv", [HEADER, NEW_DOCTOR, NEW_MANAGER])
    log_in(page, live_server, LEAD)
    open_demo_programme(page)
    page.get_by_role("link", name="Import participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import participants")
    # Unenhanced, the upload is the browser's own labelled file input: no axe allowance needed.
    assert_accessible(page)
    page.get_by_label("Participant list (CSV or XLSX)").set_input_files(good)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    assert_accessible(page)
    page.get_by_role("button", name="Import 2 people").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 new, 0 updated, 0 unchanged; 1 pairs created."
    )
    assert_accessible(page)
    assert Person.objects.filter(email__in=[NEW_DOCTOR[1], NEW_MANAGER[1]]).count() == 2
