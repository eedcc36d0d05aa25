"""An uploaded file kept between its preview and its confirmation (every importer's two steps).

Step 1 stores the upload in Django's storage — not in this process's memory, so any app server can
answer step 2 — and remembers its name in the uploader's session; the token in step 2's URL finds
it again. A token from another session, another programme (or organisation) or an upload already
imported finds nothing, and the page says the upload has expired.

An upload belongs to a programme (the participant and KPI imports) or to an organisation (its
localities and services): exactly one of the two, which also names its folder.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest

from tandem.programmes.models import Organisation, Programme

EXPIRED = "That upload has expired or was already imported. Upload the file again."

logger = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """The file store (a folder, or an S3 bucket) refused to keep an upload.

    `tandem.middleware.StorageUnavailableMiddleware` turns it into a page that says nothing was
    saved and what to tell the people who run Tandem; `tandem check` says why."""


def keep_file(path: str, data: bytes) -> None:
    """Store `data` at `path`, or raise StorageUnavailable (logged by class, never the content)."""
    try:
        default_storage.save(path, ContentFile(data))
    except Exception as exc:  # a full disk, a bucket refusing writes, an unreachable endpoint
        logger.warning("File storage refused an upload: %s", exc.__class__.__name__)
        raise StorageUnavailable(str(exc)) from exc


@dataclass(frozen=True)
class StashedUpload:
    kind: str  # "participants", "kpis", "services", …: one folder and session key per importer
    token: uuid.UUID
    programme: Programme | None = None
    organisation: Organisation | None = None

    def __post_init__(self) -> None:
        if (self.programme is None) == (self.organisation is None):
            raise TypeError("An upload belongs to a programme or to an organisation: give one.")

    @property
    def path(self) -> str:
        if self.programme is not None:
            return f"imports/{self.kind}/{self.programme.pk}/{self.token}"
        assert self.organisation is not None
        return f"imports/{self.kind}/organisation-{self.organisation.pk}/{self.token}"

    @property
    def session_key(self) -> str:
        return f"upload-{self.kind}-{self.token}"

    def info(self, request: HttpRequest) -> Any:
        """What step 1 noted about the upload (its file name, or a small dict), None if gone."""
        if not default_storage.exists(self.path):
            return None
        return request.session.get(self.session_key)

    def note(self, request: HttpRequest, info: Any) -> None:
        request.session[self.session_key] = info

    def read(self) -> bytes:
        with default_storage.open(self.path, "rb") as handle:
            return bytes(handle.read())

    def discard_file(self) -> None:
        """The file goes (it cannot be read); the session's note stays for the error page."""
        default_storage.delete(self.path)

    def drop(self, request: HttpRequest) -> None:
        """Imported or abandoned: nothing of the upload is kept."""
        default_storage.delete(self.path)
        request.session.pop(self.session_key, None)


def stash_upload(
    request: HttpRequest,
    *,
    kind: str,
    upload: Any,
    programme: Programme | None = None,
    organisation: Organisation | None = None,
    info: Any = None,
) -> StashedUpload:
    """Keep `upload` for step 2; `info` (default: its file name) is noted in the session."""
    stash = StashedUpload(
        kind=kind, token=uuid.uuid4(), programme=programme, organisation=organisation
    )
    keep_file(stash.path, upload.read())
    stash.note(request, upload.name if info is None else info)
    return stash


def stashed_upload(
    *,
    kind: str,
    token: uuid.UUID,
    programme: Programme | None = None,
    organisation: Organisation | None = None,
) -> StashedUpload:
    return StashedUpload(kind=kind, token=token, programme=programme, organisation=organisation)
