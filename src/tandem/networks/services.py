"""Writes for the roster section: rate colleagues, pick and drop them in the name generator.

Each write re-reads the invitation locked, and refuses once the response is submitted or the wave
has closed, exactly as the stock take's other pages do (`tandem.surveys.services`).

None of these writes is audited, by design and as for the rest of a respondent's stock-take
answers: an event per save would record who answered, and who they named, when — timing the
programme lead could set against the network figures to learn one person's answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.networks.models import RosterEntry
from tandem.networks.roster import ROSTER, Relation, relations
from tandem.programmes.models import Participant, Role
from tandem.surveys.models import Invitation
from tandem.surveys.sections import Section
from tandem.surveys.services import check_writable, lock_invitation, mark_started

ROSTER_ROLES = (Role.PARTICIPANT, Role.SPONSOR)


def field_name(alter_id: int, relation_id: str) -> str:
    """The form field for one answer about one colleague, e.g. `r-14-talk`."""
    return f"r-{alter_id}-{relation_id}"


def _roster_section(invitation: Invitation, section_id: str) -> Section:
    try:
        section = invitation.wave.instrument.section(section_id)
    except KeyError as exc:
        raise ValidationError("This questionnaire has no such page.") from exc
    if section.type != ROSTER:
        raise ValidationError("This page does not ask about colleagues.")
    return section


def _roster_ids(invitation: Invitation) -> set[int]:
    return set(
        Participant.objects.filter(programme_id=invitation.wave.programme_id, role__in=ROSTER_ROLES)
        .active()
        .exclude(invitations=invitation)
        .values_list("pk", flat=True)
    )


def _clean(
    instrument_scales: Mapping[str, Any], relation: Relation, raw: Any
) -> tuple[int | None, str | None]:
    """(value, error) for one answer; (None, None) when left blank or unticked."""
    text = str(raw or "").strip()
    if not text:
        return None, None
    if relation.is_tick_box:
        return (1, None) if text in {"1", "on", "yes"} else (None, "Tick the box or leave it.")
    allowed = set(instrument_scales[relation.response_scale or ""].values)
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value not in allowed:
        return None, "Choose one of the answers shown."
    return value, None


@transaction.atomic
def roster_answers_save(
    *,
    invitation: Invitation,
    section_id: str,
    shown: Iterable[int | str],
    data: Mapping[str, Any],
    keep_picked: bool = False,
) -> dict[str, str]:
    """Store the answers about the colleagues shown on the page. Returns {field: error}.

    `shown` says which colleagues the page asked about, because an unticked box sends nothing:
    without it, unticking "I can rely on them" could never be saved. A colleague left with no
    answers is removed, unless the name generator picked them (`keep_picked`), so that they stay
    on the respondent's list to rate.
    """
    invitation = lock_invitation(invitation)
    check_writable(invitation)
    section = _roster_section(invitation, section_id)
    scales = invitation.wave.instrument.response_scales
    allowed = _roster_ids(invitation)
    errors: dict[str, str] = {}
    existing = {
        entry.alter_id: entry
        for entry in RosterEntry.objects.filter(invitation=invitation, section_id=section.id)
    }
    seen: set[int] = set()
    for raw_id in shown:
        try:
            alter_id = int(raw_id)
        except (TypeError, ValueError):
            continue
        if alter_id not in allowed or alter_id in seen:
            continue
        seen.add(alter_id)
        answers: dict[str, int] = {}
        for relation in relations(section):
            name = field_name(alter_id, relation.id)
            value, error = _clean(scales, relation, data.get(name))
            if error:
                errors[name] = error
            elif value is not None:
                answers[relation.id] = value
        entry = existing.get(alter_id)
        if answers or (keep_picked and entry is not None):
            if entry is None:
                RosterEntry.objects.create(
                    invitation=invitation, section_id=section.id, alter_id=alter_id, answers=answers
                )
            elif entry.answers != answers:
                entry.answers = answers
                entry.save(update_fields=["answers", "updated_at"])
        elif entry is not None:
            entry.delete()
    mark_started(invitation, section.id)
    return errors


@transaction.atomic
def roster_pick(*, invitation: Invitation, section_id: str, alter_ids: Iterable[int | str]) -> int:
    """Add colleagues to the respondent's list in the name generator. Returns how many were new."""
    invitation = lock_invitation(invitation)
    check_writable(invitation)
    section = _roster_section(invitation, section_id)
    allowed = _roster_ids(invitation)
    already = set(
        RosterEntry.objects.filter(invitation=invitation, section_id=section.id).values_list(
            "alter_id", flat=True
        )
    )
    wanted: set[int] = set()
    for raw_id in alter_ids:
        try:
            wanted.add(int(raw_id))
        except (TypeError, ValueError):
            continue
    new = sorted((wanted & allowed) - already)
    RosterEntry.objects.bulk_create(
        RosterEntry(invitation=invitation, section_id=section.id, alter_id=alter_id, answers={})
        for alter_id in new
    )
    mark_started(invitation, section.id)
    return len(new)


@transaction.atomic
def roster_unpick(*, invitation: Invitation, section_id: str, alter_id: int | str) -> None:
    """Take a colleague off the respondent's list, with any answers about them."""
    invitation = lock_invitation(invitation)
    check_writable(invitation)
    section = _roster_section(invitation, section_id)
    try:
        alter = int(alter_id)
    except (TypeError, ValueError):
        return
    RosterEntry.objects.filter(
        invitation=invitation, section_id=section.id, alter_id=alter
    ).delete()
