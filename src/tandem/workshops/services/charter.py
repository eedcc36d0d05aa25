"""The charter's practices and the mission: a new version per away day, never edited in place."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from tandem.audit.services import audit_record
from tandem.programmes.models import Participant, Programme
from tandem.workshops.models import AgreedPractice, AwayDay, MissionVersion, PracticeVersion
from tandem.workshops.services.checks import check_away_day, check_owner, clean


@transaction.atomic
def practice_agree(
    *,
    programme: Programme,
    away_day: AwayDay,
    title: str,
    description: str,
    why_it_matters: str,
    how_we_know: str,
    owner: Participant | None = None,
) -> AgreedPractice:
    """A new practice in the charter, agreed at `away_day` (its version 1)."""
    check_away_day(programme, away_day)
    check_owner(programme, owner)
    practice = AgreedPractice.objects.create(programme=programme)
    version = PracticeVersion.objects.create(
        practice=practice,
        number=1,
        away_day=away_day,
        title=clean(title, "title", "a name for the practice"),
        description=clean(description, "description", "what the practice is"),
        why_it_matters=clean(why_it_matters, "why_it_matters", "why it matters"),
        how_we_know=clean(how_we_know, "how_we_know", "how the team will know it is kept"),
        owner=owner,
    )
    audit_record(
        action="practice.agree",
        subject=practice,
        programme=programme,
        extra={"version": version.number, "away_day": away_day.pk},
    )
    return practice


@transaction.atomic
def practice_revise(
    *,
    practice: AgreedPractice,
    away_day: AwayDay,
    title: str,
    description: str,
    why_it_matters: str,
    how_we_know: str,
    owner: Participant | None = None,
    retired: bool = False,
) -> PracticeVersion:
    """A later version of a practice; earlier versions stay as the record of what was agreed."""
    check_away_day(practice.programme, away_day)
    check_owner(practice.programme, owner)
    number = (practice.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PracticeVersion.objects.create(
        practice=practice,
        number=number,
        away_day=away_day,
        title=clean(title, "title", "a name for the practice"),
        description=clean(description, "description", "what the practice is"),
        why_it_matters=clean(why_it_matters, "why_it_matters", "why it matters"),
        how_we_know=clean(how_we_know, "how_we_know", "how the team will know it is kept"),
        owner=owner,
        retired=retired,
    )
    audit_record(
        action="practice.revise",
        subject=practice,
        programme=practice.programme,
        extra={"version": number, "away_day": away_day.pk, "retired": retired},
    )
    return version


@transaction.atomic
def mission_agree(*, programme: Programme, away_day: AwayDay, text: str) -> MissionVersion:
    check_away_day(programme, away_day)
    mission = MissionVersion.objects.create(
        programme=programme, away_day=away_day, text=clean(text, "text", "the mission statement")
    )
    audit_record(
        action="mission.agree",
        subject=mission,
        programme=programme,
        extra={"away_day": away_day.pk},
    )
    return mission
