"""Text out of an uploaded interview transcript (.txt or .docx), for qualitative coding."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# A .docx is a zip: refuse one that would inflate past this (a "zip bomb").
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024


class DocumentError(Exception):
    """The file cannot be used: wrong type, too big, or unreadable. The message says which."""


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError("The text file's encoding could not be read; save it as UTF-8.")


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError("The file is named .docx but is not a Word document.") from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNCOMPRESSED:
        raise DocumentError("The Word document is too large once unpacked.")
    from tandem.uploads import UploadError, check_zip_archive

    try:
        check_zip_archive(data, what="Word document", required=("word/document.xml",))
    except UploadError as exc:
        raise DocumentError(str(exc)) from exc
    # python-docx parses with lxml, which does not resolve external entities by default.
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise DocumentError("The Word document could not be read; it may be damaged.") from exc
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs)


def extract_text(*, name: str, data: bytes) -> str:
    """The document's text. Raises DocumentError with a message a user can act on."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError("The file is larger than the 10 MB limit.")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        text = _docx_text(data)
    elif suffix in {".txt", ".md", ""}:
        if b"\x00" in data:
            raise DocumentError("The file is not plain text.")
        text = _decode_text(data)
    else:
        raise DocumentError(
            f"Files of type “{suffix}” are not accepted: upload a .txt or .docx file."
        )
    text = text.strip()
    if not text:
        raise DocumentError("The file has no text in it.")
    return text
