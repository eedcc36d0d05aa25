"""The audit of coaching-note reads.

Every time a note's plaintext is decrypted for someone, a `CoachingNoteRead` row is written in
the same transaction, so that a read and its record stand or fall together. This is a stop-gap
until the project-wide audit log (`AuditEvent(actor, action, subject, extra)`, STYLE.md) lands;
then these rows move there as action "coaching_note.read".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class CoachingNoteRead(models.Model):
    """Who read a coaching note's plaintext, and when.

    Rows outlive the note (SET_NULL): the record of access matters most after something is gone.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.ForeignKey(
        "coaching.CoachingNote", on_delete=models.SET_NULL, null=True, related_name="reads"
    )
    at = models.DateTimeField(auto_now_add=True)
    request_id = models.CharField(max_length=100, blank=True)

    class Meta:
        app_label = "coaching"
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.note_id} read by user {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"


def note_reads_record(*, actor: Any, notes: Iterable[Any], request_id: str = "") -> int:
    """Record one read per note; call inside the transaction that decrypts them."""
    rows = [CoachingNoteRead(actor=actor, note=note, request_id=request_id[:100]) for note in notes]
    CoachingNoteRead.objects.bulk_create(rows)
    return len(rows)
