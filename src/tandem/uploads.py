"""Checks every uploaded file passes before anything parses it, shared by all importers.

A participant list, a survey tool's export or a transcript comes from someone's desktop; a
mistake or an attack looks the same here. So: a size limit before reading, the type judged from
the content (not the name), an XLSX/DOCX archive's unpacked size and compression ratio checked
before openpyxl opens it (zip bombs), XML parsed through defusedxml (openpyxl uses it when it is
installed, so entity-expansion "billion laughs" files are refused), and CSV row, column and cell
limits. Every failure is an `UploadError` with a message the person can act on; nothing else
escapes (the importers are fuzzed with hypothesis to hold to that).

New apps' importers call `read_table(data, filename, max_rows=…)` and use `ImportFileField` in
their upload forms.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc
# Real workbooks compress about 5–20 times; a hundredfold member is a bomb, not a spreadsheet.
MAX_COMPRESSION_RATIO = 100
MAX_ARCHIVE_MEMBERS = 2000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 32_767  # Excel's own limit on a cell


class UploadError(Exception):
    """The file as a whole cannot be used: wrong type, too big, unreadable. Says which."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def max_upload_bytes() -> int:
    return int(settings.TANDEM_MAX_IMPORT_BYTES)


def check_size(data: bytes, max_bytes: int | None = None) -> None:
    limit = max_bytes or max_upload_bytes()
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > limit:
        raise UploadError(f"The file is larger than the {_mb(limit)} limit.")


def check_zip_archive(
    data: bytes, *, what: str = "workbook", required: tuple[str, ...] = ()
) -> None:
    """Refuse a zip (XLSX, DOCX) that is not one, or that would inflate past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadError(f"The file is not a readable {what}.") from exc
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UploadError(f"The {what} has too many parts to be a real one.")
    total = 0
    limit = int(settings.TANDEM_MAX_UNPACKED_BYTES)
    for member in members:
        total += member.file_size
        if total > limit:
            raise UploadError(f"The {what} is too large once unpacked (over {_mb(limit)}).")
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise UploadError(
                f"The {what} is compressed suspiciously tightly (a “zip bomb”?); it was not opened."
            )
    names = {m.filename for m in members}
    missing = [name for name in required if name not in names]
    if missing:
        raise UploadError(f"The file is a zip archive but not a {what}.")


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UploadError("The file says it is UTF-16 text but is not.") from exc
    if b"\x00" in data:
        raise UploadError(
            "The file is not readable text (it contains binary data). Save it as CSV (UTF-8) or XLSX."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"The file's text encoding could not be read (byte {exc.start + 1} is not UTF-8 or "
            "Windows-1252). Save it as CSV (UTF-8) and try again."
        ) from exc


def clean_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _check_row(row: list[Any], number: int) -> None:
    if len(row) > MAX_COLUMNS:
        raise UploadError(f"Row {number} has more than {MAX_COLUMNS} columns.")


def read_csv_rows(data: bytes, *, max_rows: int) -> list[list[str]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if first_line.count("\t") > first_line.count(",") and first_line.count("\t") >= 1:
        delimiter = "\t"
    elif first_line.count(";") > first_line.count(","):
        delimiter = ";"
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            if number > max_rows:
                raise UploadError(f"The file has more than {max_rows - 2} rows; split it up.")
            _check_row(row, number)
            rows.append([clean_cell(cell[:MAX_CELL_CHARS]) for cell in row])
    except csv.Error as exc:
        raise UploadError(f"The CSV file could not be read: {exc}.") from exc
    return rows


def _column_number(reference: str) -> int:
    """1 for "A1", 28 for "AB7": the column of a cell reference."""
    number = 0
    for char in reference:
        if not char.isalpha():
            break
        number = number * 26 + (ord(char.upper()) - 64)
    return number


def check_sheet_shape(data: bytes) -> None:
    """Refuse a worksheet with a row wider than MAX_COLUMNS before openpyxl builds any row.

    openpyxl turns a whole row into Python objects before a caller can count it: one row of
    300,000 cells (a 3 MB file) took a worker 7 seconds. A streaming pass over the sheets' XML
    stops at the first cell past the limit instead.
    """
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        ]
        for name in sorted(sheets):
            with archive.open(name) as handle:
                row_number, cells = 0, 0
                for event, element in iterparse(handle, events=("start", "end")):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if event == "start" and tag == "row":
                        row_number, cells = int(element.get("r") or row_number + 1), 0
                    elif event == "start" and tag == "c":
                        cells += 1
                        column = _column_number(element.get("r") or "")
                        if cells > MAX_COLUMNS or column > MAX_COLUMNS:
                            raise UploadError(
                                f"Row {row_number} has more than {MAX_COLUMNS} columns."
                            )
                    elif event == "end" and tag in {"row", "c"}:
                        element.clear()


def read_xlsx_rows(data: bytes, *, max_rows: int) -> list[list[str]]:
    check_zip_archive(data, what="XLSX workbook", required=("[Content_Types].xml",))
    try:
        check_sheet_shape(data)
    except UploadError:
        raise
    except Exception as exc:  # damaged XML: openpyxl would refuse it too
        logger.info("Refused an XLSX upload with unreadable sheets: %r", exc)
        raise UploadError(
            "The file is not a readable XLSX workbook. Save it from your spreadsheet as .xlsx or .csv."
        ) from exc
    # openpyxl is imported here so that a CSV-only import does not pay for it. With defusedxml
    # installed it parses every part through it: entity declarations are refused.
    from openpyxl import load_workbook

    unreadable = (
        "The file is not a readable XLSX workbook. Save it from your spreadsheet as .xlsx or .csv."
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or hostile file
        logger.info("Refused an XLSX upload: %r", exc)
        raise UploadError(unreadable) from exc
    try:
        if not workbook.worksheets:
            raise UploadError("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows:
                break
            row = list(values)
            _check_row(row, number)
            rows.append([clean_cell(v)[:MAX_CELL_CHARS] for v in row])
        return rows
    except UploadError:
        raise
    except Exception as exc:  # a sheet is parsed lazily, while iterating
        logger.info("Refused an XLSX upload while reading it: %r", exc)
        raise UploadError(unreadable) from exc
    finally:
        workbook.close()


def read_table(
    data: bytes, filename: str, *, max_bytes: int | None = None, max_rows: int | None = None
) -> list[list[str]]:
    """All rows of a CSV or XLSX file (judged by content), header first, as trimmed strings.

    `max_rows` counts data rows; two more are allowed for a header and a title line.
    Raises UploadError.
    """
    check_size(data, max_bytes)
    row_limit = (max_rows or int(settings.TANDEM_MAX_IMPORT_ROWS)) + 2
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise UploadError(
            "Old Excel (.xls) files are not supported. Save the sheet as .xlsx or .csv."
        )
    if data.startswith(XLSX_MAGIC):
        return read_xlsx_rows(data, max_rows=row_limit)
    if suffix in {".xlsx", ".xlsm"}:
        raise UploadError(
            "The file is named .xlsx but is not an Excel workbook. Save it from your spreadsheet as .xlsx."
        )
    return read_csv_rows(data, max_rows=row_limit)


class ImportFileField(forms.FileField):
    """A file field that refuses an upload over the import limit before anything reads it."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        limit = max_upload_bytes()
        if upload is not None and getattr(upload, "size", 0) > limit:
            raise forms.ValidationError(f"The file is larger than the {_mb(limit)} limit.")
        return upload
