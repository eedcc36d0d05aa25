"""The audit of coaching-note reads, in the project-wide audit log (action "coaching_note.read").

Every time a note's plaintext is decrypted for someone, one `AuditEvent` per note is written in
the same transaction, so that a read and its record stand or fall together. The event names the
note by id and its author's side (coach or coachee), never its content.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tandem.audit.context import current_request_id
from tandem.audit.models import AuditEvent
from tandem.audit.services import _actor_label

NOTE_READ = "coaching_note.read"


def note_reads_record(*, actor: Any, notes: Iterable[Any], programme: Any = None) -> int:
    """Record one read per note; call inside the transaction that decrypts them."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = _actor_label(actor)
    request_id = current_request_id()
    rows = [
        AuditEvent(
            actor=user,
            actor_label=label,
            action=NOTE_READ,
            subject_type="coaching.coachingnote",
            subject_id=str(note.pk),
            programme=programme,
            request_id=request_id,
            extra={"author": note.author, "session_id": note.session_id},
        )
        for note in notes
    ]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)
