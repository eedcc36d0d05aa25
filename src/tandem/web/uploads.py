"""An uploaded file kept between its preview and its confirmation (every importer's two steps).

Step 1 stores the upload in Django's storage — not in this process's memory, so any app server can
answer step 2 — and remembers its name in the uploader's session; the token in step 2's URL finds
it again. A token from another session, another programme or an upload already imported finds
nothing, and the page says the upload has expired.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest

from tandem.programmes.models import Programme

EXPIRED = "That upload has expired or was already imported. Upload the file again."


@dataclass(frozen=True)
class StashedUpload:
    kind: str  # "participants", "kpis", …: one folder and session key per importer
    programme: Programme
    token: uuid.UUID

    @property
    def path(self) -> str:
        return f"imports/{self.kind}/{self.programme.pk}/{self.token}"

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
    request: HttpRequest, *, programme: Programme, kind: str, upload: Any, info: Any = None
) -> StashedUpload:
    """Keep `upload` for step 2; `info` (default: its file name) is noted in the session."""
    stash = StashedUpload(kind=kind, programme=programme, token=uuid.uuid4())
    default_storage.save(stash.path, ContentFile(upload.read()))
    stash.note(request, upload.name if info is None else info)
    return stash


def stashed_upload(*, programme: Programme, kind: str, token: uuid.UUID) -> StashedUpload:
    return StashedUpload(kind=kind, programme=programme, token=token)
