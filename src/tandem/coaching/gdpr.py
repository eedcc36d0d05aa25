"""What the coaching app holds about a person, for subject access and erasure.

The data-protection officer's export (`include_confidential_notes`) is the second place, after
`coaching.crypto` used by the coach's and coachee's own pages, that decrypts notes: a person has a
right to their own notes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tandem.gdpr.registry import GdprContext, Section
from tandem.gdpr.tables import plain_value, rows


def export(person: Any, context: GdprContext) -> dict[str, Section]:
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
        row = {"session_starts_at": plain_value(note.session.starts_at), "author": note.author}
        row["updated_at"] = plain_value(note.updated_at)
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


def erase(person: Any, context: GdprContext) -> dict[str, int]:
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
