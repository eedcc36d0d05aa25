"""What every table importer shares: reading the file, finding its columns, an error by row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tandem import uploads

XLSX_MAGIC = uploads.XLSX_MAGIC
OLE_MAGIC = uploads.OLE_MAGIC


class ImportFileError(uploads.UploadError):
    """The file as a whole cannot be read: wrong type, unreadable encoding, too big, no header."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """All rows of the file, header first, as trimmed strings. Raises ImportFileError."""
    try:
        return uploads.read_table(data, filename)
    except ImportFileError:
        raise
    except uploads.UploadError as exc:
        raise ImportFileError(str(exc)) from exc


def header_positions(
    header: Sequence[str],
    *,
    columns: Sequence[str],
    required: Sequence[str],
    aliases: Mapping[str, str],
) -> dict[str, int]:
    """{column: index} from a file's first row, shared by every table importer.

    Names are matched case- and spacing-insensitively, through `aliases`; unknown columns (notes,
    job title…) are ignored, not an error. A repeated or missing required column is an
    ImportFileError naming them all.
    """
    positions: dict[str, int] = {}
    problems: list[str] = []
    for index, raw in enumerate(header):
        name = " ".join(raw.strip().lower().replace("_", " ").split())
        name = aliases.get(name, name)
        if not name or name not in columns:
            continue
        if name in positions:
            problems.append(f"the column “{name}” appears twice")
        positions[name] = index
    missing = [c for c in required if c not in positions]
    if missing:
        problems.append(
            "missing column" + ("s" if len(missing) > 1 else "") + ": " + ", ".join(missing)
        )
    if problems:
        raise ImportFileError(
            "The first row must name the columns ("
            + ", ".join(columns)
            + "); "
            + "; ".join(problems)
            + "."
        )
    return positions
