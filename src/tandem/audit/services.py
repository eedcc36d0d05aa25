"""Writing audit events. Call inside the transaction of the action being recorded."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.audit.context import current_actor, current_actor_label, current_request_id
from tandem.audit.models import AuditEvent


def _actor_label(actor: Any) -> str:
    """ "user 12" for an account, else the `acting_as` label: never an e-mail address or a name.

    Audit events cannot be changed, and an erasure must leave no trace of the person's address,
    so the label is stable and pseudonymous; pages show the account's current name through the
    `actor` reference instead (`AuditEvent.actor_name`).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return current_actor_label()
    return f"user {actor.pk}"


def audit_record(
    *,
    action: str,
    actor: Any = None,
    subject: models.Model | None = None,
    programme: Any = None,
    extra: dict[str, Any] | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
) -> AuditEvent:
    """Record that `actor` did `action` (e.g. "coaching_note.read") to `subject`.

    Without `actor`, the logged-in user of the current request (or the `acting_as` label) is
    recorded, so service functions can audit without every caller passing the user down.
    `extra` must hold no confidential content — ids, counts, formats and labels only.
    """
    if actor is None:
        actor = current_actor()
    if programme is None and subject is not None:
        programme = _programme_of(subject)
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=_actor_label(actor),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        programme=programme,
        request_id=current_request_id(),
        extra=extra or {},
    )


def _programme_of(subject: models.Model) -> Any:
    """The programme a subject belongs to, when it says so directly (most programme records do)."""
    if subject._meta.label_lower == "programmes.programme":
        return subject
    if any(f.name == "programme" for f in subject._meta.get_fields()):
        return getattr(subject, "programme", None)
    return None


def audit_record_many(
    *,
    action: str,
    subjects: list[models.Model],
    actor: Any = None,
    programme: Any = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """One event per subject, in one insert (e.g. every note shown on a page)."""
    if actor is None:
        actor = current_actor()
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = _actor_label(actor)
    request_id = current_request_id()
    rows = [
        AuditEvent(
            actor=user,
            actor_label=label,
            action=action,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            programme=programme,
            request_id=request_id,
            extra=extra or {},
        )
        for subject in subjects
    ]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)
