"""Confidential notes: plaintext only here, only for the coach and the coachee, every read audited.

A note's plaintext leaves the selectors only through `coaching_notes_for`, which writes an
audit row for every note it decrypts, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tandem.coaching import crypto
from tandem.coaching.audit import note_reads_record
from tandem.coaching.models import CoachingNote, CoachingSession, NoteAuthor
from tandem.coaching.selectors.relations import (
    CONFIDANTS,
    CoachingAccessDenied,
    PlanView,
    relation_to,
)


@dataclass(frozen=True)
class NoteText:
    author: str
    author_label: str
    text: str
    updated_at: dt.datetime


@transaction.atomic
def coaching_notes_for(
    *,
    viewer: Any,
    plan_view: PlanView,
    session: CoachingSession,
    authors: Iterable[str] = tuple(NoteAuthor.values),
) -> list[NoteText]:
    """The session's notes in plain text, for its coach and coachee, each read recorded.

    The relation is checked again against the viewer (not only trusted from `plan_view`), since
    this is the one door to the plaintext.
    """
    plan = plan_view.plan
    if session.plan_id != plan.pk or relation_to(viewer=viewer, plan=plan) not in CONFIDANTS:
        raise CoachingAccessDenied(
            "Coaching notes are seen only by the coach and the person coached."
        )
    notes = list(CoachingNote.objects.filter(session=session, author__in=list(authors)))
    note_reads_record(actor=viewer, notes=notes, programme=plan.programme)
    labels = {
        NoteAuthor.COACH: f"{plan.coach.person.name} (coach)",
        NoteAuthor.COACHEE: f"{plan.coachee.person.name}",
    }
    return [
        NoteText(
            author=note.author,
            author_label=labels[NoteAuthor(note.author)],
            text=crypto.decrypt(note.ciphertext),
            updated_at=note.updated_at,
        )
        for note in notes
    ]
