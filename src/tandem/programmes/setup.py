"""Starting a programme: from a template (`programme_start`) or as a copy of an earlier one
(`programme_copy`). Each is one transaction: a refused start writes nothing.

What the feature apps own — questionnaire waves, coaching rules — is written by them through the
registry (`programme_plan`, `programme_copy` hooks), so this core module imports no feature app.
A copy takes the structure (milestones, waves, rules) and, when asked, the people list and
pairs; never answers, notes or anything else personal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from tandem.accounts.invitations import invite_person
from tandem.audit.services import audit_record
from tandem.programmes.models import (
    DEFAULT_REPORTING_GROUP,
    DEFAULT_TEXT_GROUP,
    MIN_REPORTING_GROUP_FLOOR,
    Level,
    Milestone,
    Organisation,
    Pair,
    Participant,
    Person,
    Profession,
    Programme,
    Role,
)
from tandem.programmes.plans import UnknownTemplate, plan_for, programme_template
from tandem.programmes.services import _user_for, participant_add, programme_create
from tandem.registry import programme_copy_steps, programme_plan_steps


def unique_programme_slug(title: str) -> str:
    """A slug from the title, with -2, -3 … when a programme already has it."""
    base = (slugify(title) or "programme")[:70]
    slug, n = base, 2
    while Programme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _group_size_errors(*, min_group_size: int, min_text_group_size: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if min_group_size < MIN_REPORTING_GROUP_FLOOR:
        errors["min_group_size"] = (
            f"The smallest group shown must be at least {MIN_REPORTING_GROUP_FLOOR} people, "
            f"not {min_group_size}: below that a group's result is close to one person's answer."
        )
    elif min_text_group_size < min_group_size:
        errors["min_text_group_size"] = (
            f"Quotations need a group at least as large as other results ({min_group_size}), "
            f"not {min_text_group_size}."
        )
    return errors


def _lead_person(
    *, organisation: Organisation, email: str, name: str, errors: dict[str, str]
) -> Person | None:
    """The lead: this organisation's person with the address, or a new one (not yet saved
    until the programme is valid). Records problems in `errors`."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["lead_email"] = (
            f"Enter the lead's e-mail address, like name@example.nhs.uk (not “{email}”)."
        )
        return None
    person = Person.objects.select_related("organisation").filter(email__iexact=email).first()
    if person is not None and person.organisation_id != organisation.pk:
        errors["lead_email"] = (
            f"{email} belongs to someone in {person.organisation.name}, not {organisation.name}: "
            "a programme's lead must be one of its own organisation's people."
        )
        return None
    if person is not None and person.erased_at is not None:
        errors["lead_email"] = f"{email} belongs to someone whose data was erased."
        return None
    if person is None and not name.strip():
        errors["lead_name"] = f"{email} is new to {organisation.name}: enter the lead's name."
        return None
    return person or Person(organisation=organisation, email=email, name=name.strip())


def _lead_add(*, programme: Programme, person: Person, actor: Any) -> Participant:
    """Save a new lead (with an account), make them the programme's lead, and invite them if
    they have never set a password."""
    if person.pk is None:
        # Whoever runs the programme, most often from organisational development; the lead can
        # correct it on their own person page.
        person.profession, person.level = Profession.OTHER, Level.SENIOR
        person.full_clean(validate_unique=False)
        person.save()
        audit_record(actor=actor, action="person.create", subject=person, programme=programme)
    if person.user_id is None:
        person.user = _user_for(email=person.email, name=person.name)
        person.save(update_fields=["user"])
    lead = participant_add(programme=programme, person=person, role=Role.PROGRAMME_LEAD)
    if person.user is not None and not person.user.has_usable_password():
        invite_person(person=person, programme=programme, role="programme lead", actor=actor)
    return lead


def _milestone_errors(programme: Programme, days: list[tuple[str, dt.date, dt.date]]) -> str:
    outside = [
        title
        for title, first, last in days
        if first < programme.start_date or last > programme.end_date
    ]
    if not outside:
        return ""
    return (
        f"The programme must run from {programme.start_date:%-d %B %Y} to at least the end of its "
        f"last milestone; “{outside[0]}” falls outside {programme.start_date:%-d %B %Y} to "
        f"{programme.end_date:%-d %B %Y}."
    )


def _save(programme: Programme, actor: Any) -> Programme:
    """Through services.programme_create, the write the demo uses too (no side door)."""
    return programme_create(
        organisation=programme.organisation,
        name=programme.name,
        slug=programme.slug,
        start_date=programme.start_date,
        end_date=programme.end_date,
        min_group_size=programme.min_group_size,
        description=programme.description,
        min_text_group_size=programme.min_text_group_size,
        retention_months=programme.retention_months,
        template_id=programme.template_id,
        actor=actor,
    )


@transaction.atomic
def programme_start(
    *,
    organisation: Organisation,
    title: str,
    start_date: dt.date,
    template_id: str,
    lead_email: str,
    lead_name: str = "",
    min_group_size: int = DEFAULT_REPORTING_GROUP,
    min_text_group_size: int = DEFAULT_TEXT_GROUP,
    retention_months: int = 24,
    slug: str = "",
    actor: Any = None,
    end_date: dt.date | None = None,
) -> Programme:
    """A new programme from a template: its milestones, planned questionnaire waves (no one
    invited yet), coaching rules and its lead, who is e-mailed a link to set a password if new.

    Without `end_date` the programme lasts the template's length. A ValidationError names the
    field: title, start_date, template_id, lead_email, lead_name, min_group_size,
    min_text_group_size, retention_months, slug, end_date.
    """
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = "Enter the programme's title."
    try:
        template = programme_template(template_id)
    except UnknownTemplate as exc:
        errors["template_id"] = str(exc)
        template = None
    errors |= _group_size_errors(
        min_group_size=min_group_size, min_text_group_size=min_text_group_size
    )
    slug = slug.strip()
    if slug and Programme.objects.filter(slug=slug).exists():
        errors["slug"] = f"The short name in addresses “{slug}” is already taken."
    lead = _lead_person(organisation=organisation, email=lead_email, name=lead_name, errors=errors)
    if errors or template is None:
        raise ValidationError(errors)
    plan = plan_for(template, start_date)
    programme = Programme(
        organisation=organisation,
        name=title,
        slug=slug or unique_programme_slug(title),
        description=template.description,
        start_date=start_date,
        end_date=end_date or plan.end_date,
        min_group_size=min_group_size,
        min_text_group_size=min_text_group_size,
        retention_months=retention_months,
        template_id=template.id,
    )
    if problem := _milestone_errors(
        programme, [(m.title, m.starts_on, m.ends_on) for m in plan.milestones]
    ):
        raise ValidationError({"end_date": problem})
    programme.full_clean()
    programme = _save(programme, actor)
    Milestone.objects.bulk_create(
        Milestone(
            programme=programme,
            kind=m.kind,
            title=m.title,
            description=m.description,
            start_date=m.starts_on,
            # A one-day event has no end date, as on the milestone form.
            end_date=m.ends_on if m.ends_on != m.starts_on else None,
        )
        for m in plan.milestones
    )
    for step in programme_plan_steps():
        step(programme=programme, plan=plan, actor=actor)
    assert lead is not None
    _lead_add(programme=programme, person=lead, actor=actor)
    return programme


@transaction.atomic
def programme_copy(
    *,
    source: Programme,
    title: str,
    start_date: dt.date,
    copy_pairs: bool = False,
    lead_email: str | None = None,
    lead_name: str = "",
    actor: Any = None,
) -> Programme:
    """A new programme in the source's organisation with its structure moved to `start_date`:
    milestones, questionnaire waves (planned, no invitations), coaching rules, k, k_text,
    retention and template. Its leads stay unless `lead_email` names another; with `copy_pairs`,
    everyone still active in the source joins with the same role, and its pairs are made again.
    """
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = "Enter the programme's title."
    lead = None
    if lead_email:
        lead = _lead_person(
            organisation=source.organisation, email=lead_email, name=lead_name, errors=errors
        )
    if errors:
        raise ValidationError(errors)
    shift = start_date - source.start_date
    programme = Programme(
        organisation=source.organisation,
        name=title,
        slug=unique_programme_slug(title),
        description=source.description,
        start_date=start_date,
        end_date=source.end_date + shift,
        min_group_size=source.min_group_size,
        min_text_group_size=source.min_text_group_size,
        retention_months=source.retention_months,
        template_id=source.template_id,
    )
    programme = _save(programme, actor)
    milestones = list(Milestone.objects.filter(programme=source))
    Milestone.objects.bulk_create(
        Milestone(
            programme=programme,
            kind=m.kind,
            title=m.title,
            description=m.description,
            start_date=m.start_date + shift,
            end_date=m.end_date + shift if m.end_date else None,
        )
        for m in milestones
    )
    for step in programme_copy_steps():
        step(source=source, target=programme, shift=shift, actor=actor)
    active = Participant.objects.filter(programme=source).active().select_related("person__user")
    copied: dict[int, Participant] = {}
    if copy_pairs:
        for member in active:
            if lead is not None and member.role == Role.PROGRAMME_LEAD:
                continue  # replaced by the new lead
            copied[member.pk] = participant_add(
                programme=programme, person=member.person, role=member.role
            )
        for pair in Pair.objects.filter(programme=source, service__retired_at__isnull=True):
            if pair.doctor_id in copied and pair.manager_id in copied:
                Pair.objects.create(
                    programme=programme,
                    service_id=pair.service_id,
                    doctor=copied[pair.doctor_id],
                    manager=copied[pair.manager_id],
                )
    if lead is not None:
        _lead_add(programme=programme, person=lead, actor=actor)
    elif not copy_pairs:
        for member in active.filter(role=Role.PROGRAMME_LEAD):
            participant_add(programme=programme, person=member.person, role=member.role)
    audit_record(
        actor=actor,
        action="programme.copy",
        subject=programme,
        programme=programme,
        extra={
            "source": source.pk,
            "shift_days": shift.days,
            "milestones": len(milestones),
            "participants": len(copied),
            "pairs": programme.pairs.count(),
        },
    )
    return programme
