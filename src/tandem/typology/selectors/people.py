"""Whose type a viewer may see: their own, a coachee's; the consent rule's first half."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import transaction

from tandem.audit.services import audit_record
from tandem.programmes.access import Access, ProgrammeAccessDenied, ProgrammeNotFound, access_for
from tandem.programmes.models import Participant, Programme, Role
from tandem.typology.models import TypeProfile


class TypeAccessDenied(ProgrammeAccessDenied):
    """The viewer is in the programme but may not see or change this person's type."""


def coach_of(participant: Participant) -> Participant | None:
    """The participant's coach, from their coaching plan, if the coaching app records one.

    Looked up at call time so that typology does not depend on the coaching app: without its
    `CoachingPlan` model nobody is anybody's coach, and a type stays visible to its owner alone.
    The plan names the coached person `coachee` (or `participant`).
    """
    try:
        module = importlib.import_module("tandem.coaching.models")
    except ImportError:
        return None
    plan_model = getattr(module, "CoachingPlan", None)
    if plan_model is None:
        return None
    fields = {field.name for field in plan_model._meta.get_fields()}
    key = next((name for name in ("coachee", "participant") if name in fields), None)
    if key is None or "coach" not in fields:
        return None
    plan = (
        plan_model.objects.filter(**{key: participant})
        .select_related("coach__person")
        .order_by("-pk")
        .first()
    )
    coach = getattr(plan, "coach", None)
    return coach if isinstance(coach, Participant) else None


def require_member(*, viewer: Any, programme: Programme) -> Access:
    """The viewer's access to the programme: anyone outside it is told it does not exist."""
    access = access_for(viewer=viewer, programme=programme)
    access.require(access.is_member)
    return access


def own_participant(*, viewer: Any, programme: Programme) -> Participant:
    """The viewer's own place in the programme as a participant (who take the indicator)."""
    access = require_member(viewer=viewer, programme=programme)
    access.require(
        access.is_participant,
        TypeAccessDenied,
        "Only programme participants take the type indicator.",
    )
    assert access.participant is not None  # a participant has their record
    return access.participant


def own_type(*, viewer: Any, programme: Programme) -> tuple[Participant | None, TypeProfile | None]:
    """The viewer's own participant record and type profile (None, None for other roles)."""
    if not require_member(viewer=viewer, programme=programme).is_participant:
        return None, None
    me = own_participant(viewer=viewer, programme=programme)
    return me, TypeProfile.objects.filter(participant=me).first()


def is_coach_of(*, viewer: Any, participant: Participant) -> bool:
    coach = coach_of(participant)
    return (
        coach is not None
        and getattr(viewer, "is_authenticated", False)
        and coach.person.user_id == viewer.pk
    )


def person_for(
    *, viewer: Any, programme: Programme, participant_id: int, coach_allowed: bool = True
) -> Participant:
    """A participant whose type the viewer may see: themselves, or a coachee (if allowed here).

    Everyone else in the programme, the lead included, is refused: a type is private until
    shared, and even then only the team table and pair cards show it.
    """
    require_member(viewer=viewer, programme=programme)
    person = (
        Participant.objects.filter(programme=programme, pk=participant_id, role=Role.PARTICIPANT)
        .select_related("person__user", "programme")
        .first()
    )
    if person is None:
        raise ProgrammeNotFound("No such participant in this programme.")
    if person.person.user_id is not None and person.person.user_id == viewer.pk:
        return person
    if coach_allowed and is_coach_of(viewer=viewer, participant=person):
        return person
    raise TypeAccessDenied("A person's type is visible only to them and their coach.")


@transaction.atomic
def profile_of(*, viewer: Any, participant: Participant) -> TypeProfile | None:
    """The participant's type profile, for a viewer already allowed by `person_for`; audited."""
    person_for(viewer=viewer, programme=participant.programme, participant_id=participant.pk)
    profile = TypeProfile.objects.filter(participant=participant).first()
    if profile is not None:
        audit_record(
            actor=viewer,
            action="type_profile.read",
            subject=profile,
            programme=participant.programme,
            extra={
                "participant_id": participant.pk,
                "own": participant.person.user_id == viewer.pk,
            },
        )
    return profile


def coachees_for(
    *, viewer: Any, programme: Programme
) -> list[tuple[Participant, TypeProfile | None]]:
    """The viewer's coachees in the programme, each with their type profile if any."""
    if not require_member(viewer=viewer, programme=programme).is_coach:
        return []
    participants = Participant.objects.filter(
        programme=programme, role=Role.PARTICIPANT
    ).select_related("person")
    mine = [p for p in participants if is_coach_of(viewer=viewer, participant=p)]
    profiles = {
        profile.participant_id: profile
        for profile in TypeProfile.objects.filter(participant__in=mine)
    }
    return [(p, profiles.get(p.pk)) for p in mine]
