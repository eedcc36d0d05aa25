"""Writing audit events. Call inside the transaction of the action being recorded."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.audit.context import current_request_id
from tandem.audit.models import AuditEvent


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(getattr(actor, "email", "") or actor.pk)


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    programme: Any = None,
    extra: dict[str, Any] | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
) -> AuditEvent:
    """Record that `actor` did `action` (e.g. "coaching_note.read") to `subject`.

    `extra` must hold no confidential content — ids, counts, formats and labels only.
    """
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


def audit_record_many(
    *,
    actor: Any,
    action: str,
    subjects: list[models.Model],
    programme: Any = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """One event per subject, in one insert (e.g. every note shown on a page)."""
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
