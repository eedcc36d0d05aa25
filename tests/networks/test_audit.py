"""A respondent's own roster answers are deliberately not audited (see networks/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.networks import services
from tandem.programmes.models import Participant
from tandem.surveys import services as survey_services

pytestmark = pytest.mark.django_db

SECTION = "working_relationships"


def test_roster_saves_and_picks_leave_no_audit_event(demo) -> None:
    today = timezone.localdate()
    wave = survey_services.wave_create(
        programme=demo.programme,
        title="Roster audit check",
        kind="baseline",
        instrument_id="stock-take",
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
    )
    invitation = wave.invitations.get(participant__person__name="Dr Amara Okafor")
    anna = Participant.objects.get(programme=demo.programme, person__name="Anna Kowalski")
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    services.roster_pick(invitation=invitation, section_id=SECTION, alter_ids=[anna.pk])
    services.roster_answers_save(
        invitation=invitation, section_id=SECTION, shown=[anna.pk], data={f"r-{anna.pk}-talk": "5"}
    )
    services.roster_unpick(invitation=invitation, section_id=SECTION, alter_id=anna.pk)
    assert not AuditEvent.objects.filter(pk__gt=since).exists()
