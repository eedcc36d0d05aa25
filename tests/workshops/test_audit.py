"""Every away-day write leaves one audit event (ids and counts, no words); a refused one, none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.audit.models import AuditEvent
from tandem.programmes.models import Pair
from tandem.workshops import services
from tandem.workshops.models import ActionStatus, Evaluation, Responsibility

from ..conftest import participant_named
from .conftest import material_for

pytestmark = pytest.mark.django_db


def _new(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _one(since: int, action: str, subject) -> AuditEvent:
    events = _new(since)
    assert [e.action for e in events] == [action]
    event = events[0]
    assert event.subject_type == subject._meta.label_lower
    assert event.subject_id == str(subject.pk)
    return event


def test_planning_an_away_day_is_audited_with_the_count_invited(demo) -> None:
    since = _last()
    day = services.away_day_create(
        programme=demo.programme, title="Third away day", date=dt.date(2026, 5, 1)
    )
    event = _one(since, "away_day.create", day)
    assert event.programme_id == demo.programme.pk
    assert event.extra == {"invited": 24, "evaluation_closes_on": "2026-05-15"}


def test_attendance_is_audited_as_counts_not_names(demo, first_day, amara) -> None:
    since = _last()
    services.attendance_record(away_day=first_day, attended=[amara.pk])
    event = _one(since, "attendance.record", first_day)
    assert event.extra == {"invited": 24, "attended": 1}
    assert event.programme_id == demo.programme.pk


def test_charter_mission_and_role_agreement_writes_are_audited(
    demo, first_day, amara, amara_pair
) -> None:
    since = _last()
    practice = services.practice_agree(
        programme=demo.programme,
        away_day=first_day,
        title="Walk the floor together",
        description="Weekly",
        why_it_matters="Seen together",
        how_we_know="Diary",
    )
    _one(since, "practice.agree", practice)
    since = _last()
    services.mission_agree(programme=demo.programme, away_day=first_day, text="Better care")
    assert [e.action for e in _new(since)] == ["mission.agree"]
    since = _last()
    agreement = services.role_agreement_record(
        pair=amara_pair,
        away_day=first_day,
        areas=[services.AreaInput("Budget", Responsibility.MANAGER, Responsibility.DOCTOR)],
    )
    event = _one(since, "role_agreement.record", agreement)
    assert event.extra["areas"] == 1 and event.extra["pair"] == amara_pair.pk
    since = _last()
    services.role_agreement_confirm(agreement=agreement, participant=amara)
    assert _one(since, "role_agreement.confirm", agreement).extra["partner"] == "doctor"


def test_an_action_update_is_audited_without_its_words(demo, first_day, amara) -> None:
    action = services.action_create(
        programme=demo.programme, title="Book the room", owner=amara, due_on=first_day.date
    )
    since = _last()
    services.action_update(
        action=action, status=ActionStatus.IN_PROGRESS, note="Rang estates, no reply yet"
    )
    event = _one(since, "action.update", action)
    assert event.extra["status"] == ActionStatus.IN_PROGRESS
    assert "estates" not in str(event.extra)


def test_an_observation_is_audited_without_its_notes(demo, amara_pair, far_pair) -> None:
    since = _last()
    observation = services.observation_record(
        observing_pair=amara_pair,
        observed_pair=far_pair,
        situation="Bed meeting",
        notes="They listened to each other",
    )
    event = _one(since, "pair_observation.record", observation)
    assert "listened" not in str(event.extra) and "Bed meeting" not in str(event.extra)


def test_material_upload_is_audited(demo, first_day) -> None:
    since = _last()
    material = material_for(first_day)
    assert _one(since, "material.upload", material).extra["kind"] == "pdf"


def test_an_evaluation_is_deliberately_not_audited(demo, second_day, amara) -> None:
    Evaluation.objects.filter(away_day=second_day, participant=amara).delete()
    since = _last()
    services.evaluation_submit(
        away_day=second_day, participant=amara, usefulness=4, keep="Pairs", today=second_day.date
    )
    assert _new(since) == []


@pytest.mark.parametrize(
    "write",
    [
        lambda demo, day, pair: services.away_day_create(
            programme=demo.programme, title=" ", date=day.date
        ),
        lambda demo, day, pair: services.role_agreement_record(pair=pair, away_day=day, areas=[]),
        lambda demo, day, pair: services.observation_record(
            observing_pair=pair, observed_pair=pair, situation="x", notes="y"
        ),
    ],
    ids=["away day without a title", "empty role agreement", "observing one's own pair"],
)
def test_a_refused_write_leaves_no_event(demo, first_day, write) -> None:
    pair = Pair.objects.get(doctor=participant_named(demo, "Dr Amara Okafor"))
    since = _last()
    with pytest.raises(ValidationError):
        write(demo, first_day, pair)
    assert _new(since) == []
