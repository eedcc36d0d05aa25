"""Writes about the people in a programme, from its pages: adding someone (and inviting them to
choose a password), changing their role, and someone leaving part-way through.

Each is one transaction, audited; a ValidationError names the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.invitations import invite_person
from tandem.audit.services import audit_record
from tandem.programmes.models import Pair, Participant, Programme, Role, Service
from tandem.programmes.services import _user_for, participant_add, person_upsert

ROLE_WORDS = {
    Role.PROGRAMME_LEAD: "programme lead",
    Role.SPONSOR: "sponsor",
    Role.COACH: "coach",
    Role.PARTICIPANT: "participant",
    Role.COMPARISON: "comparison respondent",
}


@transaction.atomic
def person_invite(
    *,
    programme: Programme,
    name: str,
    email: str,
    profession: str,
    level: str,
    role: str,
    service: Service | None = None,
    job_title: str = "",
    actor: Any = None,
) -> Participant:
    """Add someone to the programme and e-mail them a link to choose their password.

    Someone already known (the same e-mail address) keeps their account; they are told of the
    programme all the same. Someone from another organisation is refused.
    """
    email = email.strip().lower()
    existing = Participant.objects.filter(programme=programme, person__email__iexact=email).first()
    if existing is not None:
        raise ValidationError(
            {"email": f"{existing.person.name} ({email}) is already in this programme."}
        )
    if service is not None and service.organisation_id != programme.organisation_id:
        raise ValidationError({"service": "The service belongs to a different organisation."})
    person = person_upsert(
        organisation=programme.organisation,
        name=name,
        email=email,
        profession=profession,
        level=level,
        service=service,
        job_title=job_title,
    )
    if role == Role.COMPARISON:
        # No account and no e-mail now: they only answer stock takes, by their questionnaire link.
        return participant_add(programme=programme, person=person, role=role)
    if person.user is None:
        person.user = _user_for(email=email, name=person.name)
        person.save(update_fields=["user"])
    participant = participant_add(programme=programme, person=person, role=role)
    invite_person(
        person=person, programme=programme, role=ROLE_WORDS.get(Role(role), ""), actor=actor
    )
    return participant


@transaction.atomic
def invitation_resend(*, participant: Participant, actor: Any = None) -> None:
    """Send the invitation again (for someone who has not yet chosen a password)."""
    person = participant.person
    if person.erased_at is not None:
        raise ValidationError("This person's data has been erased; they cannot be invited.")
    if participant.role == Role.COMPARISON:
        raise ValidationError(
            f"{person.name} is a comparison respondent: they have no account, and answer the "
            "stock takes by the link in their questionnaire e-mail."
        )
    if person.user is None:
        person.user = _user_for(email=person.email, name=person.name)
        person.save(update_fields=["user"])
    elif person.user.has_usable_password():
        raise ValidationError(
            f"{person.name} has already chosen a password: they can sign in, or use "
            "“Forgotten your password?”."
        )
    invite_person(
        person=person,
        programme=participant.programme,
        role=ROLE_WORDS.get(Role(participant.role), ""),
        actor=actor,
    )


@transaction.atomic
def role_change(*, participant: Participant, role: str, actor: Any = None) -> Participant:
    """Give someone another role in the programme. A member of a pair stays a participant."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown programme role “{role}”."})
    if role == participant.role:
        return participant
    if Role.COMPARISON in (role, participant.role) and participant.invitations.exists():
        raise ValidationError(
            {
                "role": f"{participant.person.name} has been invited to a questionnaire as "
                f"{'a comparison respondent' if participant.role == Role.COMPARISON else 'a member of the programme'}: "
                "moving them between the programme and the comparison group would mix the two "
                "groups' answers."
            }
        )
    if (
        role != Role.PARTICIPANT
        and Pair.objects.filter(programme=participant.programme)
        .filter(doctor=participant)
        .union(Pair.objects.filter(programme=participant.programme, manager=participant))
        .exists()
    ):
        raise ValidationError(
            {
                "role": f"{participant.person.name} is in a pair: unpair them first, then change their role."
            }
        )
    if (
        participant.role == Role.PROGRAMME_LEAD
        and not Participant.objects.filter(
            programme=participant.programme, role=Role.PROGRAMME_LEAD
        )
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(
            {"role": "A programme needs a programme lead: make someone else the lead first."}
        )
    before = participant.role
    participant.role = role
    participant.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="participant.role_change",
        subject=participant,
        programme=participant.programme,
        extra={"from": before, "role": role},
    )
    return participant


@transaction.atomic
def participant_leave(
    *, participant: Participant, left_on: dt.date | None = None, actor: Any = None
) -> Participant:
    """Someone leaves part-way through: what they gave stays (their answers count where they
    counted; their pair and actions keep their history), and they drop out of every wave not yet
    opened and of every reminder and nudge from now on."""
    from tandem.registry import participant_left_steps

    left_on = left_on or timezone.localdate()
    if participant.left_on is not None:
        raise ValidationError({"left_on": f"{participant.person.name} has already left."})
    programme = participant.programme
    if left_on < programme.start_date:
        raise ValidationError(
            {"left_on": f"The programme started on {programme.start_date:%-d %B %Y}."}
        )
    if participant.role == Role.PROGRAMME_LEAD and not (
        Participant.objects.filter(programme=programme, role=Role.PROGRAMME_LEAD)
        .active()
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(
            {"left_on": "A programme needs a programme lead: make someone else the lead first."}
        )
    participant.left_on = left_on
    participant.save(update_fields=["left_on"])
    for step in participant_left_steps():
        step(participant=participant)
    audit_record(
        actor=actor,
        action="participant.leave",
        subject=participant,
        programme=programme,
        extra={"left_on": left_on.isoformat()},
    )
    return participant
