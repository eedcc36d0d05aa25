from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.surveys import services
from tandem.surveys.models import Answer, InterviewNote, Invitation, InvitationStatus, Wave


def start(invitation) -> str:
    return f"/s/{invitation.token}/"


def page(invitation, section: str) -> str:
    return f"/s/{invitation.token}/page/{section}/"


def test_first_page_says_who_will_see_what(client: Client, invitation) -> None:
    html = client.get(start(invitation)).content.decode()
    assert "Nobody sees your own answers." in html
    assert "groups of at least 5 people" in html
    assert "only whether" in html
    assert "takes out names" in html


def test_an_unknown_link_is_not_found(client: Client, db) -> None:
    assert client.get("/s/not-a-real-token/").status_code == 404


def test_save_and_continue_stores_the_page_and_moves_on(client: Client, invitation) -> None:
    response = client.post(
        page(invitation, "communication"), {"comm1": "5", "comm2": "4", "go": "next"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/s/{invitation.token}/page/trust/")
    assert dict(Answer.objects.filter(invitation=invitation).values_list("item_id", "value")) == {
        "comm1": 5,
        "comm2": 4,
    }


def test_returning_through_the_link_resumes_with_answers_in_place(
    client: Client, invitation
) -> None:
    client.post(page(invitation, "communication"), {"comm1": "5", "go": "next"})
    fresh = Client()  # another day, another browser: only the link
    html = fresh.get(start(invitation)).content.decode()
    assert "Continue where you left off" in html
    html = fresh.get(page(invitation, "communication")).content.decode()
    assert 'id="comm1-5" name="comm1" type="radio" value="5" checked' in html


def test_a_bad_value_on_a_page_shows_an_error_summary_and_keeps_the_others(
    client: Client, invitation
) -> None:
    response = client.post(page(invitation, "communication"), {"comm1": "5", "comm2": "7"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#comm2"' in html
    assert Answer.objects.filter(invitation=invitation, item_id="comm1").exists()


def test_autosave_stores_one_answer_and_answers_in_json(client: Client, invitation) -> None:
    url = f"/s/{invitation.token}/autosave/"
    assert client.post(url, {"item": "trust1", "value": "3"}).json() == {
        "saved": True,
        "item": "trust1",
    }
    assert client.post(url, {"item": "trust1", "value": "3"}).json() == {
        "saved": True,
        "item": "trust1",
    }
    assert Answer.objects.filter(invitation=invitation, item_id="trust1").count() == 1
    bad = client.post(url, {"item": "trust1", "value": "11"})
    assert bad.status_code == 400 and bad.json()["saved"] is False


def test_autosave_changes_clears_and_marks_the_page_to_resume_at_in_few_statements(
    client: Client, invitation
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/s/{invitation.token}/autosave/"
    client.post(url, {"item": "comm1", "value": "2"})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.IN_PROGRESS
    assert invitation.current_section == "communication"
    first = Answer.objects.get(invitation=invitation, item_id="comm1")
    # A changed answer: the invitation read and locked, the answer upserted; nothing else (the
    # savepoints are the test's transaction, a BEGIN and COMMIT outside tests).
    with CaptureQueriesContext(connection) as statements:
        assert client.post(url, {"item": "comm1", "value": "dont_know"}).json()["saved"]
    sql = [q["sql"].split()[0] for q in statements.captured_queries]
    assert [s for s in sql if s not in ("SAVEPOINT", "RELEASE")] == ["SELECT", "INSERT"], sql
    changed = Answer.objects.get(invitation=invitation, item_id="comm1")
    assert (changed.pk, changed.value, changed.dont_know) == (first.pk, None, True)
    assert changed.updated_at >= first.updated_at
    # Moving to the next page is remembered for the start page's "continue where you left off".
    client.post(url, {"item": "trust1", "value": "4"})
    invitation.refresh_from_db()
    assert invitation.current_section == "trust"
    # An emptied answer is removed, not stored empty.
    client.post(url, {"item": "comm1", "value": ""})
    assert not Answer.objects.filter(invitation=invitation, item_id="comm1").exists()
    assert client.post(url, {"item": "no_such", "value": "1"}).status_code == 400
    assert (
        client.post("/s/not-a-token/autosave/", {"item": "comm1", "value": "1"}).status_code == 404
    )


def test_double_submit_creates_one_submission_and_shows_thanks(client: Client, invitation) -> None:
    client.post(page(invitation, "communication"), {"comm1": "5"})
    first = client.post(f"/s/{invitation.token}/submit/", follow=True)
    second = client.post(f"/s/{invitation.token}/submit/", follow=True)
    assert "your answers are submitted" in first.content.decode()
    assert "your answers are submitted" in second.content.decode()
    assert (
        Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.SUBMITTED).count() == 1
    )
    late = client.post(f"/s/{invitation.token}/autosave/", {"item": "comm1", "value": "1"})
    assert late.status_code == 409
    assert Answer.objects.get(invitation=invitation, item_id="comm1").value == 5


def test_after_the_wave_closes_answers_are_read_only_and_a_page_says_so(
    client: Client, invitation
) -> None:
    client.post(page(invitation, "communication"), {"comm1": "5"})
    services.wave_close(wave=invitation.wave)
    response = client.get(page(invitation, "communication"))
    assert response.status_code == 410
    assert "This questionnaire is closed" in response.content.decode()
    client.post(page(invitation, "communication"), {"comm1": "1"})
    assert (
        client.post(f"/s/{invitation.token}/autosave/", {"item": "comm1", "value": "1"}).status_code
        == 410
    )
    assert Answer.objects.get(invitation=invitation, item_id="comm1").value == 5


def test_the_check_page_counts_answers_per_page(client: Client, invitation) -> None:
    client.post(page(invitation, "communication"), {"comm1": "5", "comm2": "4"})
    html = client.get(f"/s/{invitation.token}/check/").content.decode()
    assert "You have answered 2 of 57 questions." in html


def test_lead_sees_status_and_rate_but_never_answers(
    lead_client: Client, demo, client: Client, invitation
) -> None:
    secret = "Our consultant and manager never speak outside meetings"
    client.post(page(invitation, "your_views"), {"works_well": secret})
    client.post(f"/s/{invitation.token}/submit/")
    wave = invitation.wave
    html = lead_client.get(
        f"/programmes/{demo.programme.slug}/questionnaires/{wave.pk}/"
    ).content.decode()
    assert "1 of 24 submitted (4%)" in html
    assert "below 60%" in html
    assert "Submitted" in html and "Dr Amara Okafor" in html
    assert secret not in html
    for path in ["", "questionnaires/"]:
        assert (
            secret
            not in lead_client.get(f"/programmes/{demo.programme.slug}/{path}").content.decode()
        )


@pytest.mark.parametrize("fixture", ["participant_client", "sponsor_client", "coach_client"])
def test_only_the_lead_manages_waves(request, demo, fixture: str) -> None:
    client = request.getfixturevalue(fixture)
    wave = Wave.objects.filter(programme=demo.programme).first()
    for path in ["questionnaires/", "questionnaires/new/", f"questionnaires/{wave.pk}/"]:
        assert client.get(f"/programmes/{demo.programme.slug}/{path}").status_code == 403


def test_outsiders_cannot_find_the_waves(outsider_client: Client, demo) -> None:
    wave = Wave.objects.filter(programme=demo.programme).first()
    assert (
        outsider_client.get(
            f"/programmes/{demo.programme.slug}/questionnaires/{wave.pk}/"
        ).status_code
        == 404
    )


def test_lead_creates_a_wave_from_the_form(lead_client: Client, demo) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/questionnaires/new/",
        {
            "title": "Meeting check, March",
            "kind": "pulse",
            "instrument": "meeting-effectiveness:1",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-14",
            "roles": ["participant"],
        },
        follow=True,
    )
    assert "Created “Meeting check, March” with 24 invitations." in response.content.decode()


def test_wave_form_reports_a_closing_date_before_the_opening(lead_client: Client, demo) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/questionnaires/new/",
        {
            "title": "x",
            "kind": "pulse",
            "instrument": "meeting-effectiveness:1",
            "opens_on": "2026-03-14",
            "closes_on": "2026-03-01",
            "roles": ["participant"],
        },
    )
    assert response.status_code == 400
    assert 'href="#id_closes_on"' in response.content.decode()


def test_lead_sends_invitations_from_the_wave_page(lead_client: Client, demo, open_wave) -> None:
    from django.core import mail

    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/send/",
        {"what": "invite"},
        follow=True,
    )
    assert "Sent invitations to 24 people." in response.content.decode()
    assert len(mail.outbox) == 24
    assert "http://testserver/s/" in mail.outbox[0].body


def test_interview_notes_from_text_and_from_a_word_document(
    lead_client: Client, demo, open_wave
) -> None:
    from docx import Document

    url = f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/interviews/"
    lead_client.post(
        url, {"title": "Interview 1", "interviewee_profession": "doctor", "text": "We meet weekly."}
    )
    document = Document()
    document.add_paragraph("Q: How do decisions get made?")
    document.add_paragraph("A: Mostly in the corridor, to be honest.")
    buffer = io.BytesIO()
    document.save(buffer)
    lead_client.post(
        url, {"title": "Interview 2", "upload": SimpleUploadedFile("int2.docx", buffer.getvalue())}
    )
    notes = dict(InterviewNote.objects.filter(wave=open_wave).values_list("title", "text"))
    assert notes == {
        "Interview 1": "We meet weekly.",
        "Interview 2": "Q: How do decisions get made?\nA: Mostly in the corridor, to be honest.",
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.pdf", b"%PDF-1.4", "Files of type “.pdf” are not accepted"),
        ("notes.docx", b"not a zip", "is not a Word document"),
        ("notes.txt", b"   ", "has no text in it"),
    ],
)
def test_bad_interview_files_get_a_clear_message(
    lead_client: Client, demo, open_wave, name, data, message
) -> None:
    url = f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/interviews/"
    response = lead_client.post(url, {"title": "Bad", "upload": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InterviewNote.objects.filter(wave=open_wave).exists()


def test_participant_sees_their_open_questionnaire_until_they_submit(demo) -> None:
    from tandem.demo import email_for

    from ..conftest import client_for

    leon = client_for(email_for("Leon Marsh"))
    html = leon.get(f"/programmes/{demo.programme.slug}/").content.decode()
    assert "Questionnaires for you" in html and "Pair check-in" in html
    invitation = Invitation.objects.get(
        wave__title="Pair check-in", participant__person__name="Leon Marsh"
    )
    services.response_submit(invitation=invitation)
    assert (
        "Questionnaires for you"
        not in leon.get(f"/programmes/{demo.programme.slug}/").content.decode()
    )


def test_the_new_wave_page_says_what_a_stock_take_could_detect(lead_client, demo) -> None:
    from tandem.analysis.impact import paired_mde
    from tandem.programmes.models import Participant, Role

    invited = Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT).count()
    matched = int(invited * 0.8 * 0.8 + 1e-9)
    body = lead_client.get(f"/programmes/{demo.programme.slug}/questionnaires/new/")
    text = " ".join(body.content.decode().split())
    assert (
        f"If {invited} people are invited, 80% answer and 80% of them answer the repeat stock "
        f"take too, about {matched} will be matched: enough to detect only a change of "
        f"d_z ≥ {paired_mde(matched):.2f}"
    ) in text
