"""Helpers every CSV or XLSX export uses, so that a file opened in a spreadsheet is safe."""

from __future__ import annotations

from collections.abc import Iterable

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); a tab or carriage return can start one after the spreadsheet trims it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with text that a spreadsheet would run as a formula made inert.

    Numbers are left alone (a negative number is data, not a formula); text is prefixed with an
    apostrophe, which spreadsheets show as plain text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]
