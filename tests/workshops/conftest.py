"""The demo's away days as the workshops tests see them: named objects and every URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from tandem.demo import email_for
from tandem.programmes.models import Pair, Participant
from tandem.workshops.models import Action, AgreedPractice, AwayDay, Material, RecurringMeeting

from ..conftest import client_for, participant_named


@dataclass
class Urls:
    base: str
    first: str
    second: str
    pair: str
    other_pair: str
    own_action: str
    other_action: str
    practice: str
    meeting: str
    material: str | None = None


@pytest.fixture
def first_day(demo) -> AwayDay:
    return AwayDay.objects.get(programme=demo.programme, title="First away day")


@pytest.fixture
def second_day(demo) -> AwayDay:
    return AwayDay.objects.get(programme=demo.programme, title="Second away day")


@pytest.fixture
def amara(demo) -> Participant:
    return participant_named(demo, "Dr Amara Okafor")


@pytest.fixture
def amara_pair(amara) -> Pair:
    return Pair.objects.get(doctor=amara)


@pytest.fixture
def far_pair(demo) -> Pair:
    """A pair neither observing nor observed by Amara's pair in the demo."""
    return Pair.objects.get(programme=demo.programme, doctor__person__name="Dr Eleanor Voss")


@pytest.fixture
def far_participant_client(demo) -> Client:
    """A participant of another pair: 'other participant' in the permission tables."""
    return client_for(email_for("Dr Eleanor Voss"))


@pytest.fixture
def urls(demo, first_day, second_day, amara, amara_pair, far_pair) -> Urls:
    base = f"/programmes/{demo.programme.slug}/workshops/"
    own = Action.objects.filter(owner=amara).first() or Action.objects.create(
        programme=demo.programme, title="Amara's action", owner=amara, due_on=first_day.date
    )
    other = (
        Action.objects.exclude(owner=amara)
        .filter(programme=demo.programme)
        .exclude(owner__in=[far_pair.doctor, far_pair.manager])
        .first()
    )
    assert other is not None
    practice = AgreedPractice.objects.filter(programme=demo.programme).first()
    meeting = RecurringMeeting.objects.get(programme=demo.programme)
    return Urls(
        base=base,
        first=f"{base}away-days/{first_day.pk}/",
        second=f"{base}away-days/{second_day.pk}/",
        pair=f"{base}roles/{amara_pair.pk}/",
        other_pair=f"{base}roles/{far_pair.pk}/",
        own_action=f"{base}actions/{own.pk}/",
        other_action=f"{base}actions/{other.pk}/",
        practice=f"{base}charter/{practice.pk}/",
        meeting=f"{base}meetings/{meeting.pk}/",
    )


def material_for(day: AwayDay) -> Material:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.workshops import services

    return services.material_upload(
        away_day=day,
        title="Slides",
        upload=SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n% slides\n", "application/pdf"),
    )


class Clock:
    """Moves "today" for everything that asks `django.utils.timezone.localdate()`: windows open
    and close, months end, as they would for a reader coming back later."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._real = timezone.localdate

    def move_to(self, day: dt.date) -> None:
        real = self._real

        def localdate(value: dt.datetime | None = None, timezone: object = None) -> dt.date:
            return day if value is None else real(value, timezone)  # type: ignore[arg-type]

        self._monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)
