"""Export and erasure hooks for programmes, surveys, coding, typology, coaching and audit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.db.models import Q

from tandem.gdpr.registry import GdprContext, Section, register


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    """Plain rows (field → value; a `__` path follows relations) for JSON and CSV."""
    out = []
    for obj in queryset:
        row = {}
        for name in fields:
            value: Any = obj
            for part in name.split("__"):
                value = getattr(value, part, None) if value is not None else None
            row[name] = _value(value)
        out.append(row)
    return out


# --- programmes ----------------------------------------------------------------------------


def programmes_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.programmes.models import Pair, Participant

    participations = Participant.objects.filter(person=person).select_related("programme")
    return {
        "person": rows(
            [person],
            [
                "name",
                "email",
                "profession",
                "level",
                "job_title",
                "service__name",
                "organisation__name",
            ],
        )[0],
        "participations": rows(participations, ["programme__name", "role"]),
        "pairs": rows(
            Pair.objects.filter(
                Q(doctor__person=person) | Q(manager__person=person)
            ).select_related("programme", "service", "doctor__person", "manager__person"),
            ["programme__name", "service__name", "doctor__person__name", "manager__person__name"],
        ),
    }


# --- surveys and coding --------------------------------------------------------------------


def surveys_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.surveys.models import Answer, Invitation

    invitations = Invitation.objects.filter(participant__person=person).select_related("wave")
    answers = Answer.objects.filter(invitation__participant__person=person).select_related(
        "invitation__wave"
    )
    sections: dict[str, Section] = {
        "invitations": rows(
            invitations, ["wave__title", "status", "sent_at", "started_at", "submitted_at"]
        ),
    }
    # The lead may see who has responded, never what (docs/design.md): answers go only into the
    # export made for the person themselves.
    if context.include_confidential_notes:
        sections["answers"] = rows(
            answers, ["invitation__wave__title", "item_id", "value", "dont_know", "text", "source"]
        )
    elif answers.exists():
        context.notes.append(
            "Questionnaire answers are left out: nobody but the person may see them. The data "
            "protection officer's `tandem gdpr export` includes them."
        )
    return sections


# What an erased person's written answer becomes. Not "": an empty answer drops out of the coding
# pages' counts, and a figure that moved when someone was erased would say how many written
# answers were theirs (docs/design.md, "over time too"). The words go; every count stays.
ERASED_TEXT = "[Removed at the writer's request.]"


def surveys_erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.surveys.models import Answer

    # Numbers stay (the scale means and counts must not move); words go.
    mine = Answer.objects.filter(invitation__participant__person=person).exclude(text="")
    return {"open-text answers blanked": mine.update(text=ERASED_TEXT)}


def coding_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.coding.models import Excerpt

    excerpts = Excerpt.objects.filter(answer__invitation__participant__person=person)
    if not context.include_confidential_notes:
        # The lead codes written answers without knowing who wrote them; a list of this person's
        # coded passages would tie their anonymous words to their name.
        if excerpts.exists():
            context.notes.append(
                "Coded passages of their written answers are left out: the programme lead codes "
                "answers without knowing who wrote them. The data protection officer's "
                "`tandem gdpr export` includes them."
            )
        return {}
    return {"coded_excerpts": rows(excerpts, ["wave__title", "text", "status", "redacted_text"])}


def coding_erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.coding.models import Excerpt

    # The passages' words go; the excerpts and their codes stay, so the theme counts that
    # reports have shown do not move (a count that dropped would say which themes were theirs).
    mine = Excerpt.objects.filter(answer__invitation__participant__person=person)
    return {"coded excerpts blanked": mine.update(text="", redacted_text="")}


# --- typology ------------------------------------------------------------------------------


def typology_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.typology.models import IndicatorResponse, TypeProfile

    # A person's type is theirs (and their coach's, if they share it); not the lead's.
    if not context.include_confidential_notes:
        if TypeProfile.objects.filter(participant__person=person).exists():
            context.notes.append(
                "The type profile and type-indicator answers are left out: only the person (and "
                "a coach they share it with) may see them. The data protection officer's "
                "`tandem gdpr export` includes them."
            )
        return {}
    return {
        "type_profile": rows(
            TypeProfile.objects.filter(participant__person=person),
            [
                "participant__programme__name",
                "source",
                "reported_type",
                "best_fit_type",
                "scores",
                "external_source",
                "shared",
                "recorded_at",
            ],
        ),
        "indicator_answers": rows(
            IndicatorResponse.objects.filter(participant__person=person),
            ["participant__programme__name", "instrument_version", "answers", "submitted_at"],
        ),
    }


def typology_erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.typology.models import TypeProfile

    return {
        "type sources blanked": TypeProfile.objects.filter(participant__person=person)
        .exclude(external_source="")
        .update(external_source="")
    }


# --- coaching ------------------------------------------------------------------------------


def coaching_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.coaching import crypto
    from tandem.coaching.models import CoachingNote, CoachingPlan, CoachingSession, Goal

    plans = CoachingPlan.objects.filter(
        Q(coachee__person=person) | Q(coach__person=person)
    ).select_related("programme", "coachee__person", "coach__person")
    sessions = CoachingSession.objects.filter(plan__in=plans).select_related("plan")
    # Notes they are party to: on their own plan (as coachee) or on plans they coach.
    notes = CoachingNote.objects.filter(session__in=sessions).select_related("session")
    note_rows = []
    for note in notes:
        row = {"session_starts_at": _value(note.session.starts_at), "author": note.author}
        row["updated_at"] = _value(note.updated_at)
        if context.include_confidential_notes:
            row["text"] = crypto.decrypt(note.ciphertext)
        note_rows.append(row)
    if not context.include_confidential_notes:
        # The lead sees who coaches whom, when and where sessions are and who attended — never
        # what coaching is about (goals, agreed actions, notes).
        context.notes.append(
            "Coaching goals, agreed actions and notes are left out: only the coach and the person "
            "coached may read them. The data protection officer's `tandem gdpr export` includes "
            "them."
        )
        return {
            "plans": rows(
                plans,
                [
                    "programme__name",
                    "coachee__person__name",
                    "coach__person__name",
                    "planned_sessions",
                    "started_on",
                ],
            ),
            "sessions": rows(sessions, ["starts_at", "duration_minutes", "place", "attendance"]),
        }
    return {
        "plans": rows(
            plans,
            [
                "programme__name",
                "coachee__person__name",
                "coach__person__name",
                "planned_sessions",
                "started_on",
            ],
        ),
        "goals": rows(
            Goal.objects.filter(plan__in=plans),
            ["skill_area", "custom_area", "description", "start_rating", "target_rating"],
        ),
        "sessions": rows(
            sessions, ["starts_at", "duration_minutes", "place", "attendance", "actions_agreed"]
        ),
        "notes": note_rows,
    }


def coaching_erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.coaching.models import CoachingNote, CoachingSession, NoteAuthor

    own = CoachingNote.objects.filter(
        Q(session__plan__coachee__person=person, author=NoteAuthor.COACHEE)
        | Q(session__plan__coach__person=person, author=NoteAuthor.COACH)
    )
    deleted, _ = own.delete()
    actions = (
        CoachingSession.objects.filter(plan__coachee__person=person)
        .exclude(actions_agreed="")
        .update(actions_agreed="")
    )
    return {"coaching notes removed": deleted, "agreed actions blanked": actions}


# --- audit ---------------------------------------------------------------------------------


def audit_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.audit.models import AuditEvent
    from tandem.programmes.models import Participant

    participant_ids = [
        str(pk) for pk in Participant.objects.filter(person=person).values_list("pk", flat=True)
    ]
    about = Q(subject_type="programmes.person", subject_id=str(person.pk)) | Q(
        subject_type="programmes.participant", subject_id__in=participant_ids
    )
    if person.user_id:
        about |= Q(actor_id=person.user_id)
    return {
        "audit_events": rows(
            AuditEvent.objects.filter(about),
            ["at", "actor_label", "action", "subject_type", "subject_id", "request_id"],
        )
    }


# --- accounts: what the log-in machinery keeps about a person -------------------------------


def accounts_erase(person: Any, context: GdprContext) -> dict[str, int]:
    """Log-in traces that carry the e-mail address, browser or IP: gone with the person.

    Runs before the core replaces the name and e-mail, so it can still find them by address.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tandem.api.models import ApiToken

    counts = {"log-in records removed": 0}
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        deleted, _ = model.objects.filter(username__iexact=person.email).delete()
        counts["log-in records removed"] += deleted
    if person.user_id:
        counts["API tokens removed"] = ApiToken.objects.filter(user_id=person.user_id).delete()[0]
        counts["authenticator apps removed"] = TOTPDevice.objects.filter(
            user_id=person.user_id
        ).delete()[0]
        ended = [
            session.pk
            for session in Session.objects.all()
            if str(session.get_decoded().get("_auth_user_id")) == str(person.user_id)
        ]
        counts["sessions ended"] = Session.objects.filter(pk__in=ended).delete()[0]
    # The admin's own history names what it changed ("Dr Ben Hartley (Participant …)").
    counts["admin history entries renamed"] = LogEntry.objects.filter(
        models.Q(object_repr__icontains=person.name) | models.Q(object_repr__icontains=person.email)
    ).update(object_repr=f"Erased person {person.pk}", change_message="")
    return counts


def _mention_pattern(person: Any) -> re.Pattern[str] | None:
    """The person's full name, and a title with their surname ("Dr Hartley"), as whole words."""
    words = [w for w in re.split(r"\s+", person.name.strip()) if w]
    if words and words[0].rstrip(".").lower() in TITLES:
        words = words[1:]
    if not words:
        return None
    full = r"\s+".join(map(re.escape, words))
    titled = rf"(?:{'|'.join(TITLES)})\.?\s+{re.escape(words[-1])}"
    return re.compile(rf"\b(?:(?:{'|'.join(TITLES)})\.?\s+)?{full}\b|\b{titled}\b", re.I)


TITLES = ("dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sister", "nurse")
NAME_REMOVED = "[name]"


def mentions_erase(person: Any, context: GdprContext) -> dict[str, int]:
    """Other people's words that name the erased person lose the name (issue 14).

    The full name and "title + surname" are replaced with "[name]" wherever others wrote them —
    open answers, coded passages, interview notes, away-day feedback, observations, action
    updates. A surname alone may be a ward or a place, so those are only counted, for the lead
    to review (`possible mentions left for review`).
    """
    from tandem.coding.models import Excerpt
    from tandem.surveys.models import Answer, InterviewNote
    from tandem.workshops.models import ActionUpdate, Evaluation, PairObservation

    pattern = _mention_pattern(person)
    if pattern is None:
        return {}
    # Candidates by the surname (portable across SQLite and PostgreSQL), then the exact pattern.
    surname = person.name.split()[-1]
    changed = 0
    texts = [
        (Answer.objects.exclude(invitation__participant__person=person), ["text"]),
        (InterviewNote.objects.all(), ["text"]),
        (Evaluation.objects.exclude(participant__person=person), ["keep", "change"]),
        (PairObservation.objects.all(), ["situation", "notes"]),
        (ActionUpdate.objects.all(), ["note"]),
    ]
    possible = 0
    for queryset, fields in texts:
        candidates = Q()
        for name in fields:
            candidates |= Q(**{f"{name}__icontains": surname})
        for record in queryset.filter(candidates):
            if not any(pattern.search(getattr(record, name)) for name in fields):
                possible += 1
                continue
            for name in fields:
                setattr(record, name, pattern.sub(NAME_REMOVED, getattr(record, name)))
            record.save(update_fields=fields)
            changed += 1
            if any(surname.lower() in getattr(record, name).lower() for name in fields):
                possible += 1
    for excerpt in Excerpt.objects.filter(
        Q(text__icontains=surname) | Q(redacted_text__icontains=surname)
    ).select_related("answer", "interview_note"):
        if not (pattern.search(excerpt.text) or pattern.search(excerpt.redacted_text)):
            continue
        excerpt.text = pattern.sub(NAME_REMOVED, excerpt.text)
        excerpt.redacted_text = pattern.sub(NAME_REMOVED, excerpt.redacted_text)
        origin = excerpt.answer or excerpt.interview_note
        source = origin.text if origin is not None else ""
        # The passage moved with the replacement: find it again so that exports keep it.
        start = source.find(excerpt.text) if excerpt.text else -1
        if start >= 0:
            excerpt.start, excerpt.end = start, start + len(excerpt.text)
        excerpt.save(update_fields=["text", "redacted_text", "start", "end"])
        changed += 1
    return {
        "texts by others naming them (name replaced)": changed,
        "texts by others with their surname, left for the lead to review": possible,
    }


def register_all() -> None:
    register("programmes", export=programmes_export)
    register("surveys", export=surveys_export, erase=surveys_erase)
    register("coding", export=coding_export, erase=coding_erase)
    register("typology", export=typology_export, erase=typology_erase)
    register("coaching", export=coaching_export, erase=coaching_erase)
    register("audit", export=audit_export)
    register("accounts", erase=accounts_erase)
    register("mentions", erase=mentions_erase)
