from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from tandem import cli
from tandem.audit.models import AuditEvent
from tandem.disclosure.models import DisclosedPopulation
from tandem.workshops import services
from tandem.workshops.models import Action, ActionStatus, AgreedPractice, AwayDay, Evaluation

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
        programme=demo.programme,
        title="Managers only",
        date=timezone.localdate(),
        invite_roles=(),
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


# ---------------------------------------------------------------------------------------------
# The feedback window and its results
# ---------------------------------------------------------------------------------------------


def _page(client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


def test_feedback_is_refused_before_the_day_with_the_date_it_opens(
    demo, participant_client, amara
) -> None:
    day = services.away_day_create(
        programme=demo.programme,
        title="Next away day",
        date=timezone.localdate() + dt.timedelta(days=10),
    )
    url = f"/programmes/{demo.programme.slug}/workshops/away-days/{day.pk}/"
    opens = f"{day.date:%-d %B %Y}"
    away_day_page = _page(participant_client, url)
    assert "Give feedback on this day" not in away_day_page
    assert f"Open from the day itself, {opens}, until the end of" in away_day_page
    form = _page(participant_client, url + "evaluation/")
    assert f"Feedback on this day opens on the day itself, {opens}" in form
    assert 'name="usefulness"' not in form
    response = participant_client.post(url + "evaluation/", {"usefulness": "4"})
    assert response.status_code == 400
    assert not Evaluation.objects.filter(away_day=day).exists()


def test_feedback_is_refused_once_the_window_has_closed(
    demo, participant_client, amara, second_day
) -> None:
    Evaluation.objects.filter(away_day=second_day, participant=amara).delete()
    before = Evaluation.objects.filter(away_day=second_day).count()
    url = f"/programmes/{demo.programme.slug}/workshops/away-days/{second_day.pk}/"
    away_day_page = _page(participant_client, url)
    assert "Feedback on the day" in away_day_page and "Closed on 16 October 2025." in away_day_page
    assert "Give feedback on this day" not in away_day_page
    response = participant_client.post(url + "evaluation/", {"usefulness": "5", "keep": "Late"})
    assert response.status_code == 400
    assert "Feedback on this day closed on 16 October 2025" in html.unescape(
        response.content.decode()
    )
    assert Evaluation.objects.filter(away_day=second_day).count() == before


def test_planning_an_away_day_with_feedback_closing_before_it_says_what_is_wrong(
    demo, lead_client
) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/workshops/away-days/new/",
        {"title": "Backwards", "date": "2027-03-04", "evaluation_closes_on": "2027-03-01"},
    )
    assert response.status_code == 400
    assert "Feedback must close on or after the away day's date (4 March 2027)." in (
        html.unescape(response.content.decode())
    )
    assert not AwayDay.objects.filter(title="Backwards").exists()


def test_the_edit_form_cannot_reopen_a_closed_feedback_window(demo, lead_client, first_day) -> None:
    url = f"/programmes/{demo.programme.slug}/workshops/away-days/{first_day.pk}/edit/"
    form = _page(lead_client, url)
    assert "Feedback closed on 24 April 2025; a closed feedback window cannot be reopened" in form
    response = lead_client.post(
        url,
        {
            "title": first_day.title,
            "date": "2025-04-10",
            "venue": first_day.venue,
            "objectives": first_day.objectives,
            "outcomes": first_day.outcomes,
            "evaluation_closes_on": "2027-01-31",
        },
    )
    assert response.status_code == 302
    first_day.refresh_from_db()
    assert first_day.evaluation_closes_on == dt.date(2025, 4, 24)
    assert "Closed on 24 April 2025." in _page(lead_client, response["Location"])


def test_feedback_results_appear_only_after_the_window_closes(
    demo, lead_client, sponsor_client, clock
) -> None:
    today = timezone.localdate()
    day = services.away_day_create(
        programme=demo.programme,
        title="Winter away day",
        date=today,
        evaluation_closes_on=today + dt.timedelta(days=7),
    )
    invited = list(day.invitations.select_related("participant").order_by("participant_id"))[:10]
    for index, invitation in enumerate(invited):
        services.evaluation_submit(
            away_day=day,
            participant=invitation.participant,
            usefulness=4 if index % 2 else 5,
            keep=f"Keep idea {index}",
        )
    url = f"/programmes/{demo.programme.slug}/workshops/away-days/{day.pk}/evaluation/results/"
    closes = f"{day.evaluation_closes_on:%-d %B %Y}"
    for client in (lead_client, sponsor_client):
        page = _page(client, url)
        assert (
            f"Results appear when feedback closes on {closes}, so that no one's answers can be "
            "worked out from changes."
        ) in page
        assert "10 people gave feedback" in page
        assert "Mean usefulness" not in page and "Keep idea" not in page

    clock.move_to(day.evaluation_closes_on + dt.timedelta(days=1))
    for client in (lead_client, sponsor_client):
        page = _page(client, url)
        assert "Results appear when" not in page
        assert "Mean usefulness: <strong>4.5</strong> out of 5." in page
        assert "Keep idea 0" in page and "Keep idea 9" in page


def test_feedback_one_person_away_from_a_population_already_shown_is_hidden_with_the_reason(
    demo, lead_client, first_day
) -> None:
    evaluators = set(
        Evaluation.objects.filter(away_day=first_day).values_list("participant_id", flat=True)
    )
    outsider = first_day.invitations.exclude(participant_id__in=evaluators).first().participant_id
    shown_before = sorted(evaluators | {outsider})
    DisclosedPopulation.objects.create(
        programme=demo.programme,
        scope=f"away-day:{first_day.pk}:evaluation",
        measure="usefulness",
        digest=hashlib.sha256(",".join(map(str, shown_before)).encode()).hexdigest(),
        members=shown_before,
        size=len(shown_before),
        surface="workshops.evaluation",
    )
    page = _page(
        lead_client,
        f"/programmes/{demo.programme.slug}/workshops/away-days/{first_day.pk}/evaluation/results/",
    )
    assert "Mean usefulness" not in page
    assert (
        "Hidden: this group differs by fewer than 5 people from a group whose figures are "
        "already shown"
    ) in page
    # The written answers are another measure, with nothing shown beside them: still there.
    assert "Time in pairs" in page
