from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.programmes.models import Pair, Participant, Role
from tandem.workshops import services
from tandem.workshops.models import (
    Action,
    ActionStatus,
    AgreedPractice,
    Evaluation,
    Responsibility,
)
from tandem.workshops.selectors import role_agreement_diff

from ..conftest import participant_named


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_new_away_day_invites_every_participant(demo) -> None:
    day = services.away_day_create(
        programme=demo.programme, title="Third away day", date=dt.date(2026, 5, 1)
    )
    invited = set(day.invitations.values_list("participant_id", flat=True))
    participants = set(
        Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT).values_list(
            "pk", flat=True
        )
    )
    assert invited == participants
    assert len(invited) == 24


def test_attendance_marks_everyone_not_ticked_as_absent(first_day, amara) -> None:
    came = services.attendance_record(away_day=first_day, attended=[amara.pk])
    assert came == 1
    assert first_day.invitations.get(participant=amara).attended is True
    assert first_day.invitations.filter(attended=False).count() == 23


def test_an_agenda_item_can_only_link_a_scale_the_wave_measures(demo, first_day) -> None:
    wave = demo.programme.waves.get(title="Baseline stock take")
    item = services.agenda_item_add(
        away_day=first_day, starts_at=dt.time(12), title="Trust", wave=wave, scale_id="trust"
    )
    assert item.scale_title
    with pytest.raises(ValidationError) as caught:
        services.agenda_item_add(
            away_day=first_day, starts_at=dt.time(12), title="X", wave=wave, scale_id="nonsense"
        )
    assert "nonsense" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (_docx(), "docx"),
    ],
)
def test_materials_are_typed_by_their_content(first_day, content, kind) -> None:
    upload = SimpleUploadedFile("anything.bin", content)
    material = services.material_upload(away_day=first_day, title="Handout", upload=upload)
    assert material.kind == kind
    assert material.file.name.endswith(f".{kind}")
    assert "anything" not in material.file.name


def test_a_file_named_pdf_that_is_not_one_is_refused(first_day) -> None:
    upload = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 an executable")
    with pytest.raises(ValidationError) as caught:
        services.material_upload(away_day=first_day, title="Slides", upload=upload)
    assert "PDF, Word" in str(caught.value)


def test_a_file_over_the_size_limit_is_refused(first_day, monkeypatch) -> None:
    monkeypatch.setattr(services.materials, "MATERIAL_MAX_BYTES", 10)
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.7 and more than ten bytes")
    with pytest.raises(ValidationError) as caught:
        services.material_upload(away_day=first_day, title="Slides", upload=upload)
    assert "larger than" in str(caught.value)


def test_revising_a_practice_keeps_what_was_agreed_before(demo, first_day, second_day) -> None:
    practice = services.practice_agree(
        programme=demo.programme,
        away_day=first_day,
        title="Start on time",
        description="Meetings start on time.",
        why_it_matters="Respect for clinics.",
        how_we_know="Minutes record the start.",
    )
    services.practice_revise(
        practice=practice,
        away_day=second_day,
        title="Start and end on time",
        description="Meetings start and end on time.",
        why_it_matters="Respect for clinics.",
        how_we_know="Minutes record both.",
    )
    versions = list(practice.versions.order_by("number"))
    assert [(v.number, v.title, v.away_day) for v in versions] == [
        (1, "Start on time", first_day),
        (2, "Start and end on time", second_day),
    ]


def test_a_practice_from_another_programmes_away_day_is_refused(demo) -> None:
    from ..factories import ProgrammeFactory

    other = ProgrammeFactory()
    day = services.away_day_create(programme=other, title="Theirs", date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.practice_agree(
            programme=demo.programme,
            away_day=day,
            title="T",
            description="D",
            why_it_matters="W",
            how_we_know="H",
        )


def test_a_revised_role_agreement_shows_what_changed(far_pair, first_day, second_day) -> None:
    before = services.role_agreement_record(
        pair=far_pair,
        away_day=first_day,
        areas=[
            services.AreaInput("Budget", Responsibility.MANAGER, Responsibility.DOCTOR),
            services.AreaInput("Workforce", Responsibility.MANAGER, Responsibility.DOCTOR, "HR"),
        ],
    )
    after = services.role_agreement_record(
        pair=far_pair,
        away_day=second_day,
        areas=[
            services.AreaInput("Budget", Responsibility.BOTH, Responsibility.NEITHER),
            services.AreaInput("Workforce", Responsibility.MANAGER, Responsibility.DOCTOR, "HR"),
            services.AreaInput("Research", Responsibility.DOCTOR, Responsibility.MANAGER),
        ],
    )
    changes = {c.area: c.kind for c in role_agreement_diff(before, after)}
    assert changes == {"Budget": "changed", "Workforce": "unchanged", "Research": "added"}
    assert after.number == before.number + 1


def test_a_role_agreement_needs_both_partners_to_confirm(far_pair, first_day, amara) -> None:
    agreement = services.role_agreement_record(
        pair=far_pair,
        away_day=first_day,
        areas=[services.AreaInput("Budget", Responsibility.MANAGER, Responsibility.DOCTOR)],
    )
    services.role_agreement_confirm(agreement=agreement, participant=far_pair.doctor)
    assert not agreement.agreed
    services.role_agreement_confirm(agreement=agreement, participant=far_pair.manager)
    assert agreement.agreed
    with pytest.raises(ValidationError):
        services.role_agreement_confirm(agreement=agreement, participant=amara)


def test_a_role_agreement_with_an_area_twice_is_refused(far_pair, first_day) -> None:
    with pytest.raises(ValidationError) as caught:
        services.role_agreement_record(
            pair=far_pair,
            away_day=first_day,
            areas=[
                services.AreaInput("Budget", Responsibility.MANAGER, Responsibility.DOCTOR),
                services.AreaInput("budget", Responsibility.DOCTOR, Responsibility.MANAGER),
            ],
        )
    assert "Row 2" in str(caught.value)


def test_an_update_changes_the_status_and_is_dated(demo, amara) -> None:
    action = services.action_create(
        programme=demo.programme,
        title="Book pair meetings",
        owner=amara,
        due_on=dt.date(2026, 1, 1),
    )
    update = services.action_update(
        action=action,
        status=ActionStatus.IN_PROGRESS,
        note="Two booked",
        written_on=dt.date(2025, 12, 1),
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert (update.written_on, update.note) == (dt.date(2025, 12, 1), "Two booked")
    with pytest.raises(ValidationError):
        services.action_update(action=action, status=ActionStatus.IN_PROGRESS, note="  ")


def test_owners_of_overdue_actions_get_one_email_each_at_most_weekly(demo) -> None:
    today = dt.date(2030, 1, 1)  # everything open or in progress in the demo is overdue by then
    active = Action.objects.filter(
        programme=demo.programme, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    )
    owners = {a.owner.person.email for a in active}
    sent = services.overdue_reminders_send(programme=demo.programme, today=today)
    assert sent.owners == len(owners) == len(mail.outbox)
    assert sent.actions == active.count()
    assert {m.to[0] for m in mail.outbox} == owners
    first = active.order_by("pk").first()
    assert first is not None
    to_owner = next(m for m in mail.outbox if m.to == [first.owner.person.email])
    assert first.title in to_owner.body
    again = services.overdue_reminders_send(programme=demo.programme, today=today)
    assert again.owners == 0
    assert len(mail.outbox) == len(owners)


def test_done_and_dropped_actions_are_never_reminded(demo, amara) -> None:
    Action.objects.filter(programme=demo.programme).update(status=ActionStatus.DONE)
    services.overdue_reminders_send(programme=demo.programme, today=dt.date(2030, 1, 1))
    assert mail.outbox == []


def test_an_away_day_is_evaluated_once_per_person_on_a_1_to_5_scale(demo, amara) -> None:
    day = services.away_day_create(programme=demo.programme, title="New", date=timezone.localdate())
    services.evaluation_submit(away_day=day, participant=amara, usefulness=4, keep="Pairs")
    with pytest.raises(ValidationError):
        services.evaluation_submit(away_day=day, participant=amara, usefulness=5)
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            away_day=day, participant=participant_named(demo, "Anna Kowalski"), usefulness=6
        )
    assert Evaluation.objects.filter(away_day=day).count() == 1


def test_a_pair_cannot_observe_itself(amara_pair) -> None:
    with pytest.raises(ValidationError):
        services.observation_record(
            observing_pair=amara_pair, observed_pair=amara_pair, situation="S", notes="N"
        )


def test_only_meeting_pulses_attach_to_a_recurring_meeting(demo) -> None:
    baseline = demo.programme.waves.get(title="Baseline stock take")
    with pytest.raises(ValidationError) as caught:
        services.recurring_meeting_create(
            programme=demo.programme, name="Ward meeting", waves=[baseline]
        )
    assert "not a meeting pulse" in str(caught.value)


def test_the_demo_charter_has_six_to_eight_practices_and_two_were_revised(demo) -> None:
    practices = AgreedPractice.objects.filter(programme=demo.programme)
    assert 6 <= practices.count() <= 8
    assert sum(1 for p in practices if p.versions.count() > 1) == 2
    assert Pair.objects.filter(programme=demo.programme, role_agreements__number=2).count() == 12


# ---------------------------------------------------------------------------------------------
# The feedback window: from the day itself until evaluation_closes_on, inclusive; closed is closed
# ---------------------------------------------------------------------------------------------


def test_feedback_closes_two_weeks_after_the_day_unless_the_lead_says_otherwise(demo) -> None:
    default = services.away_day_create(
        programme=demo.programme, title="Default", date=dt.date(2027, 3, 4)
    )
    chosen = services.away_day_create(
        programme=demo.programme,
        title="Chosen",
        date=dt.date(2027, 3, 4),
        evaluation_closes_on=dt.date(2027, 3, 11),
    )
    assert default.evaluation_closes_on == dt.date(2027, 3, 18)
    assert chosen.evaluation_closes_on == dt.date(2027, 3, 11)


def test_feedback_cannot_close_before_the_away_day(demo) -> None:
    with pytest.raises(ValidationError) as caught:
        services.away_day_create(
            programme=demo.programme,
            title="Backwards",
            date=dt.date(2027, 3, 4),
            evaluation_closes_on=dt.date(2027, 3, 3),
        )
    assert caught.value.message_dict == {
        "evaluation_closes_on": [
            "Feedback must close on or after the away day's date (4 March 2027)."
        ]
    }


def test_feedback_is_taken_from_the_day_until_the_window_closes_inclusive(demo, amara) -> None:
    day = services.away_day_create(
        programme=demo.programme,
        title="Windowed",
        date=dt.date(2027, 3, 4),
        evaluation_closes_on=dt.date(2027, 3, 10),
    )
    anna = participant_named(demo, "Anna Kowalski")
    with pytest.raises(ValidationError) as early:
        services.evaluation_submit(
            away_day=day, participant=amara, usefulness=4, today=dt.date(2027, 3, 3)
        )
    assert "opens on the day itself, 4 March 2027" in str(early.value)
    with pytest.raises(ValidationError) as late:
        services.evaluation_submit(
            away_day=day, participant=amara, usefulness=4, today=dt.date(2027, 3, 11)
        )
    assert "closed on 10 March 2027" in str(late.value)
    services.evaluation_submit(
        away_day=day, participant=amara, usefulness=4, today=dt.date(2027, 3, 4)
    )
    services.evaluation_submit(
        away_day=day, participant=anna, usefulness=2, today=dt.date(2027, 3, 10)
    )
    assert sorted(Evaluation.objects.filter(away_day=day).values_list("usefulness", flat=True)) == [
        2,
        4,
    ]


def test_a_closed_feedback_window_cannot_be_reopened_or_extended(demo, first_day) -> None:
    closed_on = first_day.evaluation_closes_on
    with pytest.raises(ValidationError) as caught:
        services.away_day_update(
            away_day=first_day,
            title=first_day.title,
            date=first_day.date,
            venue=first_day.venue,
            objectives=first_day.objectives,
            outcomes=first_day.outcomes,
            evaluation_closes_on=timezone.localdate() + dt.timedelta(days=7),
        )
    assert "cannot be reopened or extended" in caught.value.message_dict["evaluation_closes_on"][0]
    first_day.refresh_from_db()
    assert first_day.evaluation_closes_on == closed_on
    # Its other details can still be put right.
    services.away_day_update(
        away_day=first_day,
        title=first_day.title,
        date=first_day.date,
        venue="Fellside Hall",
        objectives=first_day.objectives,
        outcomes=first_day.outcomes,
    )
    first_day.refresh_from_db()
    assert (first_day.venue, first_day.evaluation_closes_on) == ("Fellside Hall", closed_on)


def test_an_open_window_can_be_extended_but_not_closed_before_today(demo) -> None:
    today = timezone.localdate()
    day = services.away_day_create(
        programme=demo.programme, title="Today", date=today - dt.timedelta(days=1)
    )
    details = {
        "title": day.title,
        "date": day.date,
        "venue": "",
        "objectives": "",
        "outcomes": "",
    }
    with pytest.raises(ValidationError) as caught:
        services.away_day_update(away_day=day, evaluation_closes_on=day.date, **details)
    assert "can close today at the earliest" in str(caught.value)
    services.away_day_update(
        away_day=day, evaluation_closes_on=today + dt.timedelta(days=30), **details
    )
    day.refresh_from_db()
    assert day.evaluation_closes_on == today + dt.timedelta(days=30)
