from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tandem import cli
from tandem.audit.models import AuditEvent
from tandem.workshops import services
from tandem.workshops.models import Action, ActionStatus, AgreedPractice, AwayDay

from ..conftest import client_for

FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_a_lead_plans_an_away_day_adds_agenda_records_attendance_and_assigns_actions(
    demo, lead_client, participant_client, amara
) -> None:
    base = f"/programmes/{demo.programme.slug}/workshops/"
    response = lead_client.post(
        base + "away-days/new/",
        {"title": "Third away day", "date": "2026-06-04", "venue": "Fells Hall", "objectives": ""},
    )
    day = AwayDay.objects.get(title="Third away day")
    assert response["Location"] == f"{base}away-days/{day.pk}/"
    lead_client.post(
        f"{base}away-days/{day.pk}/agenda/new/",
        {"starts_at": "09:30", "title": "Welcome", "facilitator": "Priya Sandhu"},
    )
    lead_client.post(f"{base}away-days/{day.pk}/attendance/", {"attended": [str(amara.pk)]})
    page = lead_client.get(f"{base}away-days/{day.pk}/").content.decode()
    assert "09:30" in page and "Welcome" in page and "1 of 24 invited came" in page
    lead_client.post(
        base + "charter/new/",
        {
            "title": "Phones away",
            "description": "No phones in the meeting.",
            "why_it_matters": "Attention.",
            "how_we_know": "Chair notes it.",
            "away_day": day.pk,
            "owner": "",
        },
    )
    assert AgreedPractice.objects.filter(versions__title="Phones away").exists()
    lead_client.post(
        base + "actions/new/",
        {
            "title": "Buy a phone basket",
            "due_on": "2026-07-01",
            "owner": amara.pk,
            "away_day": day.pk,
        },
    )
    action = Action.objects.get(title="Buy a phone basket")
    mine = participant_client.get(base + "actions/mine/").content.decode()
    assert "Buy a phone basket" in mine
    participant_client.post(
        f"{base}actions/{action.pk}/", {"status": "done", "note": "Basket bought"}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert "Basket bought" in participant_client.get(f"{base}actions/{action.pk}/").content.decode()


def test_a_form_with_errors_says_what_is_wrong(demo, lead_client) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/workshops/away-days/new/", {"title": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a title." in body and "Enter the date." in body


def test_the_action_filter_works_as_a_plain_get_form(demo, lead_client) -> None:
    base = f"/programmes/{demo.programme.slug}/workshops/actions/"
    body = lead_client.get(base + "?status=dropped").content.decode()
    linked = {a.pk for a in Action.objects.all() if f"/workshops/actions/{a.pk}/" in body}
    assert linked == set(
        Action.objects.filter(status=ActionStatus.DROPPED).values_list("pk", flat=True)
    )
    assert "Dropped: 3" in body


def test_the_programme_dashboard_shows_overdue_actions_to_the_lead_only_own_to_owners(
    demo, lead_client, coach_client, amara
) -> None:
    overdue = Action.objects.filter(
        programme=demo.programme,
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
        due_on__lt=dt.date.today(),
    ).order_by("due_on")
    assert overdue.exists()
    url = f"/programmes/{demo.programme.slug}/"
    assert "Overdue actions" in lead_client.get(url).content.decode()
    assert "Overdue actions" not in coach_client.get(url).content.decode()
    owner = overdue.first().owner
    Action.objects.filter(owner=owner).update(due_on=dt.date(2020, 1, 1), status="open")
    owner_page = client_for(owner.person.email).get(url).content.decode()
    assert "Overdue actions" in owner_page
    linked = {a.pk for a in Action.objects.all() if f"/workshops/actions/{a.pk}/" in owner_page}
    assert linked == set(Action.objects.filter(owner=owner).values_list("pk", flat=True))


def test_the_lead_can_email_owners_about_overdue_actions(demo, lead_client) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/workshops/actions/remind/", follow=True
    )
    assert mail.outbox
    assert "Reminders sent to" in response.content.decode()
    assert "/workshops/actions/mine/" in mail.outbox[0].body


def test_an_owner_confirms_their_role_agreement(demo, participant_client, amara_pair) -> None:
    agreement = amara_pair.role_agreements.order_by("-number").first()
    agreement.doctor_confirmed_at = None
    agreement.save()
    url = f"/programmes/{demo.programme.slug}/workshops/roles/{amara_pair.pk}/"
    assert "I agree to this version" in participant_client.get(url).content.decode()
    participant_client.post(url + "confirm/")
    agreement.refresh_from_db()
    assert agreement.doctor_confirmed_at is not None


def test_a_revisited_role_agreement_shows_the_changes(demo, lead_client, amara_pair) -> None:
    body = lead_client.get(
        f"/programmes/{demo.programme.slug}/workshops/roles/{amara_pair.pk}/"
    ).content.decode()
    assert "What changed since First away day" in body
    assert "Changed" in body  # the budget became a shared lead in the demo


def test_uploading_a_file_that_is_not_an_accepted_type_says_so(
    demo, lead_client, first_day
) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/workshops/away-days/{first_day.pk}/materials/new/",
        {"title": "Tool", "file": SimpleUploadedFile("tool.pdf", b"#!/bin/sh\nrm -rf /")},
    )
    assert response.status_code == 400
    assert "must be a PDF, Word, PowerPoint" in response.content.decode()


@pytest.mark.parametrize("what", ["charter", "actions"])
def test_xlsx_exports_hold_no_live_formula_and_are_audited(
    demo, lead_client, amara, first_day, what
) -> None:
    if what == "charter":
        services.practice_agree(
            programme=demo.programme,
            away_day=first_day,
            title=FORMULA,
            description="+1+2",
            why_it_matters="-3",
            how_we_know="@SUM(A1)",
        )
    else:
        services.action_create(
            programme=demo.programme, title=FORMULA, owner=amara, due_on=dt.date(2026, 1, 1)
        )
    before = AuditEvent.objects.filter(action="workshops.export").count()
    response = lead_client.get(f"/programmes/{demo.programme.slug}/workshops/{what}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + FORMULA in cells
    assert not any(value.startswith(("=", "+", "-", "@")) for value in cells)
    event = AuditEvent.objects.filter(action="workshops.export").latest("id")
    assert AuditEvent.objects.filter(action="workshops.export").count() == before + 1
    assert event.extra["what"] == what and event.extra["format"] == "xlsx"


@pytest.mark.parametrize("path", ["charter.pdf", "actions.pdf", "away-days/{day}/agenda.pdf"])
def test_pdf_exports_are_pdfs_and_are_audited(demo, lead_client, first_day, path) -> None:
    url = f"/programmes/{demo.programme.slug}/workshops/" + path.format(day=first_day.pk)
    before = AuditEvent.objects.filter(action="workshops.export").count()
    response = lead_client.get(url)
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="workshops.export").count() == before + 1


def test_a_material_download_is_audited(demo, participant_client, first_day) -> None:
    material = services.material_upload(
        away_day=first_day, title="Slides", upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x")
    )
    response = participant_client.get(
        f"/programmes/{demo.programme.slug}/workshops/away-days/{first_day.pk}/materials/{material.pk}/"
    )
    # Reading the whole stream closes the response, as a WSGI server would; closing it again here
    # would fire request_finished and close the test's database connection on PostgreSQL.
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="workshops.material.download", subject_id=str(material.pk)
    ).exists()


def test_the_meeting_trend_page_shows_the_chart_table_and_suppression(demo, sponsor_client) -> None:
    response = sponsor_client.get(
        f"/programmes/{demo.programme.slug}/workshops/meetings/", follow=True
    )
    body = response.content.decode()
    assert "<svg" in body
    assert "August 2025" in body and "Fewer than 5 people answered this month." in body


def test_the_cli_reminds_owners_of_overdue_actions(demo, capsys) -> None:
    code = cli.main(["workshops", "remind-overdue", "--programme", demo.programme.slug])
    assert code == 0
    assert mail.outbox
    assert "Reminded" in capsys.readouterr().out


def test_the_cli_names_an_unknown_programme_with_exit_code_2(db, capsys) -> None:
    code = cli.main(["workshops", "remind-overdue", "--programme", "nope"])
    assert code == 2
    assert "nope" in capsys.readouterr().err


def test_a_lead_tracks_a_meeting_with_its_pulse_waves(demo, lead_client) -> None:
    waves = list(
        demo.programme.waves.filter(instrument_id="meeting-effectiveness").order_by("opens_on")
    )[:2]
    base = f"/programmes/{demo.programme.slug}/workshops/meetings/"
    response = lead_client.post(
        base + "new/",
        {"name": "Fells locality meeting", "description": "", "waves": [w.pk for w in waves]},
        follow=True,
    )
    body = response.content.decode()
    assert "Fells locality meeting" in body
    assert re.findall(r">(\w+ 2025)</th>", body) == ["February 2025", "March 2025"]


def test_only_meeting_checks_are_offered_for_a_meeting(demo, lead_client) -> None:
    body = lead_client.get(
        f"/programmes/{demo.programme.slug}/workshops/meetings/new/"
    ).content.decode()
    assert "Meeting check, February 2025" in body
    assert "Baseline stock take" not in body


@pytest.mark.parametrize(("path", "budget"), [("actions/", 12), ("charter/", 10)])
def test_list_pages_make_a_bounded_number_of_queries(
    demo, lead_client, django_assert_max_num_queries, path, budget
) -> None:
    with django_assert_max_num_queries(budget):
        response = lead_client.get(f"/programmes/{demo.programme.slug}/workshops/{path}")
    assert response.status_code == 200


def test_an_away_day_page_lists_what_was_agreed_there(demo, participant_client, second_day) -> None:
    body = participant_client.get(
        f"/programmes/{demo.programme.slug}/workshops/away-days/{second_day.pk}/"
    ).content.decode()
    assert "More effective meetings</a> (revised)" in body
    assert "Mission agreed:" in body


def test_only_people_invited_to_an_away_day_give_feedback_on_it(
    demo, participant_client, amara
) -> None:
    day = services.away_day_create(
        programme=demo.programme, title="Managers only", date=dt.date(2026, 6, 1), invite_roles=()
    )
    url = f"/programmes/{demo.programme.slug}/workshops/away-days/{day.pk}/"
    assert "Give feedback on this day" not in participant_client.get(url).content.decode()
    assert participant_client.get(url + "evaluation/").status_code == 403
    day.invitations.create(participant=amara)
    assert "Give feedback on this day" in participant_client.get(url).content.decode()
    response = participant_client.post(
        url + "evaluation/", {"usefulness": "4", "keep": "", "change": ""}
    )
    assert response.status_code == 302
    assert "Give feedback on this day" not in participant_client.get(url).content.decode()


def test_the_lead_moves_a_due_date_and_the_log_says_so(
    demo, lead_client, participant_client, urls
) -> None:
    response = lead_client.post(
        urls.own_action, {"status": "in_progress", "note": "", "due_on": "2027-02-01"}
    )
    assert response.status_code == 302
    body = lead_client.get(urls.own_action).content.decode()
    assert "to 1 February 2027." in body
    assert 'name="due_on"' in body
    owner_form = participant_client.get(urls.own_action).content.decode()
    assert 'name="due_on"' not in owner_form
