"""Reading an export: respondents and their raw answers, the layout checked, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from tandem.programmes.importer import ImportFileError
from tandem.surveys.response_import.formats import (
    EMAIL_COLUMNS,
    RESPONSE_ID_COLUMNS,
    SOURCES,
    SUBMITTED_COLUMNS,
    export_table,
    is_metadata,
    normalise,
    parse_moment,
)


@dataclass(frozen=True)
class ResponseError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class SourceRow:
    row: int  # the row number in the file as the spreadsheet shows it
    email: str
    submitted_at: dt.datetime | None
    finished: bool
    values: dict[str, str]  # question column → raw cell text
    response_id: str = ""  # the tool's own id for the response, if the file has one


@dataclass
class ParsedResponses:
    source: str
    questions: list[str]  # question column names, metadata left out
    question_texts: dict[str, str]  # column → the question as the tool showed it (Qualtrics row 2)
    rows: list[SourceRow]
    email_column: str = "email"
    errors: list[ResponseError] = field(default_factory=list)
    unmatched: bool = False  # read as anonymous responses, to be imported unmatched

    def as_dry_run(self) -> dict[str, object]:
        return {
            "source": self.source,
            "rows": len(self.rows),
            "questions": self.questions,
            "errors": [error.as_dict() for error in self.errors],
        }


def read_responses(
    *, data: bytes, filename: str, source: str, unmatched: bool = False
) -> ParsedResponses:
    """Read an export file into respondents and their raw answers; checks the layout only.

    `unmatched`: the responses were collected anonymously, so the file has no e-mail column (or
    only empty or "anonymous" cells in it, as anonymous Forms and Qualtrics links write); a row
    with an address is refused, since such a file can and should be imported matched.

    Raises ImportFileError when the file cannot be read or is not the layout `source` writes.
    """
    if source not in SOURCES:
        raise ImportFileError(f"Unknown source “{source}”: use {', '.join(SOURCES)}.")
    table = export_table(source, data, filename)
    while table and not any(table[-1]):
        table.pop()
    if not table or not any(table[0]):
        raise ImportFileError("The file has no header row.")
    header = table[0]
    question_texts: dict[str, str] = {}
    first_data = 1
    if source == "qualtrics":
        if len(table) < 3 or not any("importid" in cell.lower() for cell in table[2]):
            raise ImportFileError(
                "This is not a Qualtrics export: Qualtrics writes three header rows (column ids, question "
                'texts, and {"ImportId": …}). Export again with “Download data table” as CSV.'
            )
        question_texts = {col: text for col, text in zip(header, table[1], strict=False) if col}
        first_data = 3
    seen_columns: dict[str, int] = {}
    for index, column in enumerate(header):
        if column and normalise(column) in seen_columns:
            raise ImportFileError(f"The column “{column}” appears twice in the header row.")
        seen_columns[normalise(column)] = index
    email_index = next((seen_columns[c] for c in EMAIL_COLUMNS[source] if c in seen_columns), None)
    if email_index is None and not unmatched:
        expected = " or ".join(f"“{c}”" for c in EMAIL_COLUMNS[source])
        raise ImportFileError(
            f"No e-mail column ({expected}) was found, so respondents cannot be matched to participants. "
            "If the responses were collected anonymously, import them unmatched: they will count in "
            "this wave's report but not in before/after comparisons."
        )
    email_heading = header[email_index] if email_index is not None else ""
    id_index = next(
        (seen_columns[c] for c in RESPONSE_ID_COLUMNS[source] if c in seen_columns), None
    )
    submitted_index = next(
        (seen_columns[c] for c in SUBMITTED_COLUMNS[source] if c in seen_columns), None
    )
    finished_index = seen_columns.get("finished") if source == "qualtrics" else None
    questions = [column for column in header if column and not is_metadata(source, column)]
    if not questions:
        raise ImportFileError(
            "The file has no question columns, only the survey tool's own columns."
        )
    question_index = {column: header.index(column) for column in questions}

    parsed = ParsedResponses(
        source=source,
        questions=questions,
        question_texts=question_texts,
        rows=[],
        email_column=email_heading,
        unmatched=unmatched,
    )
    seen_emails: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for offset, cells in enumerate(table[first_data:]):
        number = first_data + offset + 1
        if not any(cells):
            continue

        def cell(index: int | None, cells: Sequence[str] = cells) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        email = cell(email_index).lower()
        if email == "anonymous":
            email = ""
        if unmatched:
            if email:
                parsed.errors.append(
                    ResponseError(
                        number,
                        email_heading,
                        f"This response has an e-mail address ({email}), so it can be matched to "
                        "its respondent: import this file without choosing “unmatched”.",
                    )
                )
        elif not email:
            parsed.errors.append(
                ResponseError(
                    number,
                    email_heading,
                    "No e-mail address, so this response cannot be matched. If the whole file "
                    "was collected anonymously, import it unmatched instead.",
                )
            )
        elif email in seen_emails:
            parsed.errors.append(
                ResponseError(
                    number,
                    email_heading,
                    f"{email} has responded twice: also on row {seen_emails[email]}.",
                )
            )
        else:
            seen_emails[email] = number
        response_id = cell(id_index)
        if response_id and source != "qualtrics" and cell(submitted_index):
            # Forms and LimeSurvey number responses 1, 2, 3… in each form: with the completion
            # time, the id also tells apart two forms' exports imported into the same wave.
            response_id = f"{response_id} ({cell(submitted_index)})"
        if unmatched and response_id:
            if response_id in seen_ids:
                parsed.errors.append(
                    ResponseError(
                        number,
                        header[id_index] if id_index is not None else None,
                        f"Response {response_id} appears twice: also on row {seen_ids[response_id]}.",
                    )
                )
            else:
                seen_ids[response_id] = number
        finished_text = cell(finished_index).lower()
        parsed.rows.append(
            SourceRow(
                row=number,
                email=email,
                submitted_at=parse_moment(cell(submitted_index)),
                finished=finished_text not in {"0", "false"}
                if finished_index is not None
                else True,
                values={column: cell(index) for column, index in question_index.items()},
                response_id=response_id,
            )
        )
    if not parsed.rows:
        raise ImportFileError("The file has a header but no responses in it.")
    return parsed
