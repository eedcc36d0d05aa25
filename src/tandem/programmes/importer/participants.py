"""Reading a participant list into a plan (`plan_participant_import`), and its blank template."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tandem.programmes.importer.checks import check_pairs, check_people, check_places
from tandem.programmes.importer.plan import (
    COLUMN_ALIASES,
    COLUMNS,
    LEVEL_WORDS,
    PROFESSION_WORDS,
    REQUIRED_COLUMNS,
    ROLE_WORDS,
    ImportPlan,
    ParticipantRow,
)
from tandem.programmes.importer.tables import (
    ImportFileError,
    RowError,
    header_positions,
    read_table,
)
from tandem.programmes.models import Programme, Role


def _header_map(header: Sequence[str]) -> dict[str, int]:
    return header_positions(
        header, columns=COLUMNS, required=REQUIRED_COLUMNS, aliases=COLUMN_ALIASES
    )


def _choice(
    word: str,
    choices: Mapping[str, str],
    row: int,
    column: str,
    errors: list[RowError],
    allowed: str,
) -> str:
    key = " ".join(word.lower().replace("_", " ").split())
    if key in choices:
        return choices[key]
    if not word:
        errors.append(RowError(row, column, f"{column.capitalize()} is empty: use {allowed}."))
    else:
        errors.append(RowError(row, column, f"Unknown {column} “{word}”: use {allowed}."))
    return ""


def plan_participant_import(*, programme: Programme, data: bytes, filename: str) -> ImportPlan:
    """Read and check a participant list against the programme; write nothing.

    Raises ImportFileError when the file cannot be read at all; otherwise every problem is in
    `plan.errors`, each with the spreadsheet row number (the header is row 1) and the column.
    """
    table = read_table(data, filename)
    header_index = next((i for i, row in enumerate(table) if any(row)), None)
    if header_index is None:
        raise ImportFileError("The file has no rows.")
    positions = _header_map(table[header_index])
    plan = ImportPlan(filename=filename)
    body = [
        (number, row)
        for number, row in enumerate(table[header_index + 1 :], start=header_index + 2)
        if any(row)
    ]
    if not body:
        raise ImportFileError("The file has a header row but no people in it.")
    if len(body) > settings.TANDEM_MAX_IMPORT_ROWS:
        raise ImportFileError(
            f"The file has more than {settings.TANDEM_MAX_IMPORT_ROWS} rows; split it into smaller files."
        )

    def cell(row: Sequence[str], column: str) -> str:
        index = positions.get(column)
        return row[index] if index is not None and index < len(row) else ""

    errors = plan.errors
    seen_emails: dict[str, int] = {}
    for number, raw in body:
        name = cell(raw, "name")
        email = cell(raw, "email").lower()
        if not name:
            errors.append(RowError(number, "name", "Name is empty."))
        if not email:
            errors.append(RowError(number, "email", "E-mail is empty."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    RowError(number, "email", f"“{email}” is not a valid e-mail address.")
                )
            else:
                if email in seen_emails:
                    errors.append(
                        RowError(
                            number,
                            "email",
                            f"Duplicate e-mail {email}: it is also on row {seen_emails[email]}.",
                        )
                    )
                else:
                    seen_emails[email] = number
        profession = _choice(
            cell(raw, "profession"),
            PROFESSION_WORDS,
            number,
            "profession",
            errors,
            "doctor, manager, other clinician or other",
        )
        level = _choice(
            cell(raw, "level"), LEVEL_WORDS, number, "level", errors, "executive, senior or service"
        )
        role_word = cell(raw, "programme role")
        role = (
            _choice(
                role_word,
                ROLE_WORDS,
                number,
                "programme role",
                errors,
                "participant, sponsor, coach, programme lead or comparison",
            )
            if role_word
            else Role.PARTICIPANT
        )
        plan.rows.append(
            ParticipantRow(
                row=number,
                name=name,
                email=email,
                profession=profession,
                level=level,
                locality=cell(raw, "locality"),
                service=cell(raw, "service"),
                role=role,
                pair=cell(raw, "pair"),
            )
        )

    check_people(programme, plan)
    check_places(programme, plan)
    check_pairs(programme, plan)
    plan.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return plan


def template_csv() -> str:
    """A blank participant list with the expected columns and one example row, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "Dr Ada Example",
            "ada.example@trust.example",
            "doctor",
            "senior",
            "North",
            "Memory service",
            "participant",
            "P1",
        ]
    )
    return buffer.getvalue()
