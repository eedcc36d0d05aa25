"""Issue 16's journey: from an empty database and one superuser to a released feedback report,
through the pages only, with axe-core on every page on the way.

The superuser names the organisation, adds a locality and a service by form and another by
importing a spreadsheet, starts a programme from the partnership template and names its lead.
The lead follows the e-mailed link to choose a password, logs in, imports four participants,
pairs them, opens the baseline stock take, three people answer it, the lead closes it, releases
the report and reads it. The plan on the programme page names the right next step throughout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.demo import demo_reset
from tandem.programmes.models import Organisation, Pair, Programme
from tandem.surveys.models import InvitationStatus, Wave, WaveKind

from .helpers import (
    NHSUK_FILE_UPLOAD_LABEL_IN_NAME,
    PageFactory,
    assert_accessible,
    csv_file,
    log_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = "root@moorside.example"
LEAD = "lena.lead@moorside.example"
LEAD_PASSWORD = "a long passphrase for Lena"
PEOPLE = [
    ["name", "email", "profession", "level", "locality", "service", "programme role", "pair"],
    [
        "Dr Ann Ash",
        "ann.ash@moorside.example",
        "doctor",
        "senior",
        "North",
        "North CMHT",
        "participant",
        "",
    ],
    [
        "Ben Birch",
        "ben.birch@moorside.example",
        "manager",
        "service",
        "North",
        "North CMHT",
        "participant",
        "",
    ],
    [
        "Dr Cara Cole",
        "cara.cole@moorside.example",
        "doctor",
        "senior",
        "North",
        "Crisis Team",
        "participant",
        "",
    ],
    [
        "Dan Dale",
        "dan.dale@moorside.example",
        "manager",
        "service",
        "North",
        "Crisis Team",
        "participant",
        "",
    ],
]


def upload(page: Page, label: str, path: Path) -> None:
    button = page.get_by_role("button", name=re.compile(rf"^{re.escape(label)}"))
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(path)


def heading(page: Page, text: str, *, file_upload: bool = False) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(
        page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME] if file_upload else []
    )


def plan_buttons(page: Page) -> list[str]:
    return page.locator(".nhsuk-card .nhsuk-button-group a").all_inner_texts()


def links_in_mail(to: str, pattern: str) -> list[str]:
    return [
        match
        for message in mail.outbox
        if to in message.to
        for match in re.findall(pattern, message.body)
    ]


def test_a_trust_starts_its_own_programme_from_an_empty_install(
    new_page: PageFactory, live_server: LiveServer, tmp_path: Path
) -> None:
    demo_reset()
    assert not Organisation.objects.exists()
    get_user_model().objects.create_superuser(email=ROOT, password="root password for tests")
    mail.outbox.clear()

    # The superuser: the organisation, its localities and services.
    root = new_page()
    log_in(root, live_server, ROOT, "root password for tests")
    root.get_by_role("link", name="Set up your organisation").click()
    heading(root, "Set up your organisation")
    root.get_by_label("Organisation name").fill("Moorside NHS Foundation Trust")
    root.get_by_label("Short name (optional)").fill("Moorside")
    root.get_by_role("button", name="Save and continue").click()
    heading(root, "Moorside NHS Foundation Trust")
    root.get_by_label("Locality name").fill("North")
    root.get_by_role("button", name="Add locality").click()
    expect(root.get_by_text("Added the locality “North”.")).to_be_visible()
    root.get_by_label("Locality", exact=True).select_option(label="North")
    root.get_by_label("Service name").fill("North CMHT")
    root.get_by_role("button", name="Add service").click()
    expect(root.get_by_text("Added the service “North CMHT” in North.")).to_be_visible()
    assert_accessible(root)

    root.get_by_role("link", name="Import localities and services from a spreadsheet").click()
    heading(root, "Import localities and services", file_upload=True)
    upload(
        root,
        "Localities and services (CSV or XLSX)",
        csv_file(tmp_path, "services.csv", [["locality", "service"], ["North", "Crisis Team"]]),
    )
    root.get_by_role("button", name="Check the file").click()
    assert_accessible(root)
    root.get_by_role("button", name="Add 0 localities and 1 service").click()
    expect(root.get_by_text("Added 0 localities and 1 service")).to_be_visible()

    # A programme from the partnership template, with its lead.
    root.goto(f"{live_server.url}/organisations/moorside/")
    root.get_by_role("link", name="Start a programme").click()
    heading(root, "Start a programme")
    root.get_by_label("Programme title").fill("Moorside partnership 2027")
    root.get_by_label("Start date").fill(dt_today())
    template = root.locator("input[name=template_id][value=partnership-12m]")
    template.check()
    expect(template).to_be_checked()
    expect(root.get_by_text("Doctor–manager partnership, 12 months")).to_be_visible()
    root.get_by_label("Programme lead's e-mail address").fill(LEAD)
    root.get_by_label("Programme lead's name").fill("Lena Lead")
    root.get_by_label("Smallest group whose results are shown (k)").fill("3")
    root.get_by_role("button", name="Start the programme").click()
    heading(root, "Moorside partnership 2027")
    programme = Programme.objects.get(name="Moorside partnership 2027")
    assert programme.milestones.count() == 11
    assert Wave.objects.filter(programme=programme, kind=WaveKind.BASELINE).exists()

    # The lead chooses a password from the e-mailed link, and logs in.
    (link,) = links_in_mail(LEAD, r"https?://\S+/accounts/password/\S+/")
    lead = new_page()
    lead.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    assert_accessible(lead)
    lead.get_by_label("New password", exact=True).fill(LEAD_PASSWORD)
    lead.get_by_label("New password again").fill(LEAD_PASSWORD)
    lead.get_by_role("button", name="Save password").click()
    assert_accessible(lead)
    log_in(lead, live_server, LEAD, LEAD_PASSWORD)
    lead.get_by_role("link", name="Moorside partnership 2027").click()
    heading(lead, "Moorside partnership 2027")
    assert plan_buttons(lead) == ["Import participants"]

    # Participants, then pairs.
    lead.get_by_role("link", name="Import participants").first.click()
    heading(lead, "Import participants", file_upload=True)
    upload(lead, "Participant list (CSV or XLSX)", csv_file(tmp_path, "people.csv", PEOPLE))
    lead.get_by_role("button", name="Check the file").click()
    assert_accessible(lead)
    lead.get_by_role("button", name="Import 4 people").click()
    heading(lead, "People in Moorside partnership 2027")
    lead.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Moorside partnership 2027"
    ).click()
    heading(lead, "Moorside partnership 2027")
    assert plan_buttons(lead)[0] == "Pair 2 unpaired services"
    for service, doctor, manager in (
        ("North CMHT", "Dr Ann Ash", "Ben Birch"),
        ("Crisis Team", "Dr Cara Cole", "Dan Dale"),
    ):
        lead.get_by_role("link", name=re.compile(r"^Pair \d unpaired service")).first.click()
        heading(lead, "Pair a doctor and a manager")
        lead.get_by_label("Service").select_option(label=service)
        lead.get_by_label("Doctor").select_option(label=f"{doctor} – {service}")
        lead.get_by_label("Manager").select_option(label=f"{manager} – {service}")
        lead.get_by_role("button", name="Save pair").click()
        heading(lead, "Moorside partnership 2027")
    assert Pair.objects.filter(programme=programme).count() == 2

    # Open the baseline stock take: everyone is invited by e-mail.
    assert plan_buttons(lead)[0] == "Open the baseline stock take"
    lead.get_by_role("link", name="Open the baseline stock take").click()
    heading(lead, "Baseline stock take", file_upload=True)
    lead.get_by_role("button", name="Open the wave now and send invitations").click()
    expect(lead.get_by_text("sent invitations to 4 people")).to_be_visible()
    assert_accessible(lead, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME])

    # Three of the four answer (the first page each) and submit.
    for email in (
        "ann.ash@moorside.example",
        "ben.birch@moorside.example",
        "cara.cole@moorside.example",
    ):
        (respond,) = links_in_mail(email, r"https?://\S+/s/[^/\s]+/")
        # Without JavaScript (every form works without it), so that no autosave races the next
        # click on the live server's database.
        person = new_page(java_script_enabled=False)
        person.goto(live_server.url + "/" + respond.split("://", 1)[1].split("/", 1)[1])
        assert_accessible(person)
        person.get_by_role("link", name="Start").click()
        assert_accessible(person)
        for group in person.get_by_role("group").all():
            group.get_by_label("Agree", exact=True).check()
        person.get_by_role("button", name="Save and continue").click()
        assert_accessible(person)
        person.get_by_role("link", name="See all pages and submit").click()
        assert_accessible(person)
        person.get_by_role("button", name="Submit my answers").click()
        expect(
            person.get_by_role("heading", name="Thank you: your answers are submitted")
        ).to_be_visible()
        assert_accessible(person)
    baseline = Wave.objects.get(programme=programme, kind=WaveKind.BASELINE)
    assert baseline.invitations.filter(status=InvitationStatus.SUBMITTED).count() == 3

    # The lead closes the wave, releases the report and reads it.
    lead.goto(f"{live_server.url}/programmes/{programme.slug}/")
    assert plan_buttons(lead)[0] == "Send reminders to 1 person (Baseline stock take)"
    lead.get_by_role("link", name="Send reminders to 1 person (Baseline stock take)").click()
    heading(lead, "Baseline stock take", file_upload=True)
    lead.get_by_role("button", name="Close the wave now").click()
    expect(lead.get_by_text("Closed “Baseline stock take”")).to_be_visible()
    lead.goto(f"{live_server.url}/programmes/{programme.slug}/")
    assert plan_buttons(lead)[0] == "Release the feedback report of the baseline stock take"
    lead.get_by_role("link", name="Release the feedback report of the baseline stock take").click()
    assert_accessible(lead)
    lead.get_by_role("button", name="Release this report").click()
    expect(lead.get_by_text(re.compile("Released on"))).to_be_visible()
    assert_accessible(lead)
    expect(lead.get_by_role("row", name="Everyone 4 3 75%")).to_be_visible()
    # Two of each profession: too few to show either group's response.
    expect(
        lead.get_by_role("row", name="Doctors 2 Hidden: fewer than 3 people answered.")
    ).to_be_visible()
    expect(lead.get_by_text("Communication between doctors and managers: 3.60")).to_be_visible()
    baseline.refresh_from_db()
    assert baseline.released_at is not None
    lead.goto(f"{live_server.url}/programmes/{programme.slug}/")
    assert "Release the feedback report of the baseline stock take" not in plan_buttons(lead)


def dt_today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()
