"""Handouts and slide decks for an away day, checked by size and (by content) type."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from tandem.audit.services import audit_record
from tandem.workshops.models import AwayDay, Material
from tandem.workshops.services.checks import clean

# Slides and handouts, not videos: 10 MB takes a long slide deck with pictures.
MATERIAL_MAX_BYTES = 10 * 1024 * 1024

# Office files are zip archives; the folder inside says which kind.
_OFFICE_FOLDERS = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}


def material_kind(data: bytes) -> str | None:
    """The file's type judged by its content (never by its name), or None if not accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, folder in _OFFICE_FOLDERS.items():
            if any(name.startswith(folder) for name in names):
                return kind
    return None


@transaction.atomic
def material_upload(
    *, away_day: AwayDay, title: str, upload: UploadedFile, actor: Any = None
) -> Material:
    """Store a handout or slide deck after checking its size and (by content) its type."""
    if upload.size is None or upload.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            {"file": f"The file is larger than {MATERIAL_MAX_BYTES // (1024 * 1024)} MB."}
        )
    data = upload.read()
    kind = material_kind(data)
    if kind is None:
        raise ValidationError(
            {"file": "The file must be a PDF, Word, PowerPoint, Excel, PNG or JPEG file."}
        )
    upload.seek(0)
    material = Material(
        away_day=away_day,
        title=clean(title, "title", "a title"),
        kind=kind,
        size=len(data),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    material.file.save(f"material.{kind}", upload, save=False)
    material.save()
    audit_record(
        actor=actor,
        action="material.upload",
        subject=material,
        programme=away_day.programme,
        extra={"away_day": away_day.pk, "kind": kind, "bytes": len(data)},
    )
    return material
