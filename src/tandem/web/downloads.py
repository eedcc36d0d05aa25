"""A download that leaves the building: its audit row, written before the bytes are handed over."""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction
from django.http import HttpResponse

from tandem.audit.services import audit_record

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """Letters, digits, dot, dash and underscore only: nothing a browser or shell reads twice."""
    cleaned = _UNSAFE.sub("-", name).strip("-.")
    return cleaned or "download"


def audited_download(
    *,
    actor: Any,
    content: bytes,
    filename: str,
    content_type: str,
    action: str,
    subject: models.Model | None = None,
    programme: Any = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The file as an attachment, after `action` is written to the audit log (its own short
    transaction: the content is built before, so no lock is held while it is made)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            subject=subject,
            programme=programme,
            extra={"bytes": len(content), **(extra or {})},
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response
