"""Subject access, erasure and retention, end to end on the demo programme."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.test import Client

from tandem import cli
from tandem.audit.models import AuditEvent
from tandem.coaching import services as coaching_services
from tandem.coaching.models import CoachingNote, CoachingPlan, CoachingSession, NoteAuthor
from tandem.demo import email_for
from tandem.gdpr import registry, services
from tandem.gdpr.builtin import ERASED_TEXT
from tandem.programmes.models import Participant, Person
from tandem.surveys.models import Answer

AMARA = email_for("Dr Amara Okafor")
SECRET_NOTE = "A note only Amara and her coach may read"


def _amara() -> Person:
    return Person.objects.get(email=AMARA)


def _note_for_amara(demo) -> CoachingNote:
    me = Participant.objects.get(programme=demo.programme, person__email=AMARA)
    coach = Participant.objects.get(programme=demo.programme, person__name="Nadia Foster")
    plan = CoachingPlan.objects.filter(coachee=me).first() or coaching_services.plan_create(
        coachee=me, coach=coach
    )
    session = CoachingSession.objects.filter(plan=plan).first() or (
        coaching_services.session_schedule(
            plan=plan, starts_at=dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), place="Room 1"
        )
    )
    return coaching_services.note_save(session=session, author=NoteAuthor.COACHEE, text=SECRET_NOTE)


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_cli_export_holds_everything_about_the_person_including_their_own_notes(
    demo, tmp_path
) -> None:
    _note_for_amara(demo)
    out = tmp_path / "amara.zip"
    assert cli.main(["gdpr", "export", "--email", AMARA, "--out", str(out)]) == 0
    archive = _zip(out.read_bytes())
    names = set(archive.namelist())
    assert {"programmes/person.json", "surveys/answers.json", "surveys/answers.csv"} <= names
    assert json.loads(archive.read("programmes/person.json"))["email"] == AMARA
    assert SECRET_NOTE in archive.read("coaching/notes.json").decode()
    assert AuditEvent.objects.filter(action="gdpr.export", subject_id=str(_amara().pk)).exists()


def test_lead_download_leaves_out_the_text_of_coaching_notes(lead_client: Client, demo) -> None:
    _note_for_amara(demo)
    me = Participant.objects.get(programme=demo.programme, person__email=AMARA)
    response = lead_client.post(f"/programmes/{demo.programme.slug}/people/{me.pk}/data/")
    assert response.status_code == 200
    archive = _zip(response.content)
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert SECRET_NOTE not in everything
    assert "coaching/notes.json" not in archive.namelist()
    assert "coaching/sessions.json" in archive.namelist()
    assert (
        "Coaching goals, agreed actions and notes are left out"
        in archive.read("README.txt").decode()
    )


def test_the_leads_download_holds_nothing_the_lead_cannot_read_on_a_page(
    lead_client: Client, demo
) -> None:
    from tandem.coaching.models import Goal
    from tandem.coding.models import Excerpt

    me = Participant.objects.get(programme=demo.programme, person__email=AMARA)
    plan = CoachingPlan.objects.get(coachee=me)
    goal = Goal.objects.filter(plan=plan).first()
    assert goal is not None
    Goal.objects.filter(pk=goal.pk).update(description="Chair the locality meeting with less fear")
    goal.refresh_from_db()
    CoachingSession.objects.filter(plan=plan).update(actions_agreed="Talk to the finance lead")
    answer = Answer.objects.filter(invitation__participant=me).exclude(text="").first()
    assert answer is not None
    Excerpt.objects.get_or_create(
        wave=answer.invitation.wave,
        answer=answer,
        start=0,
        end=len(answer.text),
        defaults={"text": answer.text},
    )
    response = lead_client.post(f"/programmes/{demo.programme.slug}/people/{me.pk}/data/")
    archive = _zip(response.content)
    names = set(archive.namelist())
    everything = "".join(archive.read(name).decode() for name in names)
    # Their coded written answer would tie anonymous words to their name.
    assert not any(name.startswith("coding/") for name in names)
    assert answer.text not in everything
    # Coaching content: goals and agreed actions stay between coach and coachee.
    assert goal.description not in everything
    assert "Talk to the finance lead" not in everything
    # Away-day feedback: not even when it was given.
    assert "workshops/evaluations.json" not in names


def test_erasure_pseudonymises_removes_free_text_and_keeps_numbers(demo) -> None:
    _note_for_amara(demo)
    person = _amara()
    numbers_before = list(
        Answer.objects.filter(invitation__participant__person=person, value__isnull=False)
        .order_by("pk")
        .values_list("value", flat=True)
    )
    assert cli.main(["gdpr", "erase", "--email", AMARA, "--yes"]) == 0
    person.refresh_from_db()
    assert person.name == f"Erased person {person.pk}"
    assert person.email.endswith("@erased.invalid")
    user = get_user_model().objects.get(pk=person.user_id)
    assert not user.is_active and not user.has_usable_password()
    written = set(
        Answer.objects.filter(invitation__participant__person=person)
        .exclude(text="")
        .values_list("text", flat=True)
    )
    # The words go; a placeholder stays so that counts of written answers do not move.
    assert written == {ERASED_TEXT}
    assert numbers_before == list(
        Answer.objects.filter(invitation__participant__person=person, value__isnull=False)
        .order_by("pk")
        .values_list("value", flat=True)
    )
    assert not CoachingNote.objects.filter(
        session__plan__coachee__person=person, author=NoteAuthor.COACHEE
    ).exists()
    assert AuditEvent.objects.filter(action="gdpr.erase", subject_id=str(person.pk)).exists()


def test_lead_erases_after_a_confirmation_page(lead_client: Client, demo) -> None:
    me = Participant.objects.get(programme=demo.programme, person__email=AMARA)
    url = f"/programmes/{demo.programme.slug}/people/{me.pk}/erase/"
    assert "This cannot be undone" in lead_client.get(url).content.decode()
    assert lead_client.post(url, {}).status_code == 200  # no confirmation: nothing happens
    assert _amara().name == "Dr Amara Okafor"
    assert lead_client.post(url, {"confirm": "erase"}).status_code == 302
    me.person.refresh_from_db()
    assert me.person.name.startswith("Erased person")


def test_purge_is_a_dry_run_unless_applied(demo, capsys) -> None:
    programme = demo.programme
    programme.start_date = dt.date(2019, 1, 1)
    programme.end_date = dt.date(2020, 1, 31)
    programme.retention_months = 1
    programme.save()
    assert services.retention_ends_on(programme) == dt.date(2020, 2, 29)
    assert cli.main(["gdpr", "purge"]) == 0
    assert "Dry run" in capsys.readouterr().out
    assert _amara().name == "Dr Amara Okafor"
    assert cli.main(["gdpr", "purge", "--apply"]) == 0
    assert Person.objects.filter(email=AMARA).count() == 0
    assert not Participant.objects.filter(programme=programme, person__name="Nadia Foster").exists()


def test_new_apps_register_their_own_hooks(demo) -> None:
    calls = []
    registry.register(
        "example",
        export=lambda person, context: {"things": [{"id": 1}]},
        erase=lambda person, context: calls.append(person.pk) or {"things removed": 1},
    )
    try:
        archive = _zip(services.subject_access_export(person=_amara()))
        assert "example/things.json" in archive.namelist()
        report = services.person_erase(person=_amara())
        assert report.counts["things removed"] == 1
        assert calls == [report.person_id]
    finally:
        registry._HOOKS.pop("example")
