"""Reading an export: respondents, their identifiers and raw answers, the layout checked, nothing
else. Which identifier matches a respondent to an invitation is the plan's business."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tandem.programmes.importer import ImportFileError
from tandem.surveys.response_import.formats import (
    COMPLETION_COLUMNS,
    EMAIL_COLUMNS,
    KEY_COLUMNS,
    RESPONSE_ID_COLUMNS,
    SOURCE_NAMES,
    SOURCES,
    SUBMITTED_COLUMNS,
    export_table,
    is_metadata,
    normalise,
    parse_moment,
    qualtrics_layout,
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
    keys: dict[str, str] = field(default_factory=dict)  # identifier name → this row's value
    progress: str = ""  # how far the respondent got, as the tool says it ("40", "page 2")


@dataclass
class ParsedResponses:
    source: str
    questions: list[str]  # question column names, metadata left out
    question_texts: dict[str, str]  # column → the question as the tool showed it (Qualtrics row 2)
    rows: list[SourceRow]
    email_column: str = "email"
    errors: list[ResponseError] = field(default_factory=list)
    unmatched: bool = False  # read as anonymous responses, to be imported unmatched
    key_columns: dict[str, str] = field(default_factory=dict)  # identifier name → its heading
    layout: str = ""  # which of the tool's export layouts the file is ("legacy", "current", …)
    _distinct: dict[str, set[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def match_keys(self) -> list[str]:
        """What respondents can be matched by: "email" and/or the tool's identifiers, each only
        if its column holds something (an anonymous link's export has an empty e-mail column)."""
        keys = []
        if self.email_column and any(row.email for row in self.rows):
            keys.append("email")
        keys += [key for key in self.key_columns if any(row.keys.get(key) for row in self.rows)]
        return keys

    @property
    def incomplete(self) -> list[SourceRow]:
        return [row for row in self.rows if not row.finished]

    def distinct(self, column: str) -> set[str]:
        """The different non-empty answers in a question column (kept: the matching step asks
        for them several times while the lead matches columns and codes)."""
        if column not in self._distinct:
            self._distinct[column] = {
                raw for row in self.rows if (raw := row.values.get(column, "").strip())
            }
        return self._distinct[column]

    def column_for(self, key: str) -> str:
        return self.email_column if key == "email" else self.key_columns.get(key, key)

    def as_dry_run(self) -> dict[str, object]:
        return {
            "source": self.source,
            "layout": self.layout,
            "rows": len(self.rows),
            "incomplete_rows": [row.row for row in self.incomplete],
            "match_keys": self.match_keys,
            "questions": self.questions,
            "errors": [error.as_dict() for error in self.errors],
        }


def _headings(source: str, table: list[list[str]]) -> tuple[list[str], dict[str, str], int, str]:
    """The column headings, each question column's text, the first data row's index, the layout."""
    header = table[0]
    if source != "qualtrics":
        return header, {}, 1, "one header row"
    layout = qualtrics_layout(table)
    names = table[1]
    if layout == "current":
        texts = {col: text for col, text in zip(header, names, strict=False) if col}
        return header, texts, 3, "three header rows"
    # Legacy: V1…V10 in the first row are the response's metadata, named in the second row;
    # a question's id is in the first row and its text in the second.
    headings = []
    texts = {}
    for index, column in enumerate(header):
        name = names[index] if index < len(names) else ""
        if re.fullmatch(r"V\d+", column.strip()) and name:
            headings.append(name)
        else:
            headings.append(column)
            if column and name:
                texts[column] = name
    return headings, texts, 2, "legacy, two header rows"


def read_responses(
    *, data: bytes, filename: str, source: str, unmatched: bool = False
) -> ParsedResponses:
    """Read an export file into respondents and their raw answers; checks the layout only.

    `unmatched`: the responses were collected anonymously, so the file has no e-mail column (or
    only empty or "anonymous" cells in it, as anonymous Forms and Qualtrics links write); a row
    with an address is refused, since such a file can and should be imported matched.

    Raises ImportFileError when the file cannot be read or is not a layout `source` writes.
    """
    if source not in SOURCES:
        raise ImportFileError(f"Unknown source “{source}”: use {', '.join(SOURCES)}.")
    tool = SOURCE_NAMES[source]
    table = export_table(source, data, filename)
    while table and not any(table[-1]):
        table.pop()
    if not table or not any(table[0]):
        raise ImportFileError("The file has no header row.")
    header, question_texts, first_data, layout = _headings(source, table)
    seen_columns: dict[str, int] = {}
    for index, column in enumerate(header):
        if column and normalise(column) in seen_columns:
            raise ImportFileError(f"The column “{column}” appears twice in the header row.")
        if column:
            seen_columns[normalise(column)] = index

    def first_of(names: Sequence[str]) -> int | None:
        return next((seen_columns[c] for c in names if c in seen_columns), None)

    email_index = first_of(EMAIL_COLUMNS[source])
    key_indexes: dict[str, int] = {}
    for key, (_, headings) in KEY_COLUMNS[source].items():
        found = first_of(headings)
        if found is not None:
            key_indexes[key] = found
    if email_index is None and not key_indexes and not unmatched:
        expected = " or ".join(f"“{c}”" for c in EMAIL_COLUMNS[source])
        keys = [label for label, _ in KEY_COLUMNS[source].values()]
        raise ImportFileError(
            f"No e-mail column ({expected}) was found"
            + (f", nor a {' or '.join(keys)} column" if keys else "")
            + ", so respondents cannot be matched to participants. "
            + (
                "In LimeSurvey, export with the participant's e-mail address or token ticked "
                "under “Participant control”. "
                if source == "limesurvey"
                else ""
            )
            + "If the responses were collected anonymously, import them unmatched: they will "
            "count in this wave's report but not in before/after comparisons."
        )
    id_index = first_of(RESPONSE_ID_COLUMNS[source])
    submitted_index = first_of(SUBMITTED_COLUMNS[source])
    finished_index = seen_columns.get("finished") if source == "qualtrics" else None
    progress_index = seen_columns.get("progress") if source == "qualtrics" else None
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
        email_column=header[email_index] if email_index is not None else "",
        unmatched=unmatched,
        key_columns={key: header[index] for key, index in key_indexes.items()},
        layout=layout,
    )
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
        if unmatched and email:
            parsed.errors.append(
                ResponseError(
                    number,
                    parsed.email_column,
                    f"This response has an e-mail address ({email}), so it can be matched to "
                    "its respondent: import this file without choosing “unmatched”.",
                )
            )
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
        finished, progress = _completion(
            source, cell(finished_index), cell(progress_index), cell(submitted_index)
        )
        parsed.rows.append(
            SourceRow(
                row=number,
                email=email,
                submitted_at=parse_moment(cell(submitted_index)),
                finished=finished,
                values={column: cell(index) for column, index in question_index.items()},
                response_id=response_id,
                keys={key: cell(index) for key, index in key_indexes.items()},
                progress=progress,
            )
        )
    if not parsed.rows:
        raise ImportFileError("The file has a header but no responses in it.")
    completion_columns = COMPLETION_COLUMNS[source]
    if completion_columns and not any(c in seen_columns for c in completion_columns):
        names = {"qualtrics": "Finished and Progress", "limesurvey": "submitdate (Date submitted)"}
        raise ImportFileError(
            f"The {tool} export has no {names[source]} column, so finished and unfinished "
            "responses cannot be told apart. Export again with that column included."
        )
    return parsed


def _completion(source: str, finished: str, progress: str, submitted: str) -> tuple[bool, str]:
    """Did the respondent finish, and how far did they get, as the tool records it."""
    if source == "limesurvey":
        return bool(submitted), "" if submitted else "no submit date"
    if source == "qualtrics":
        done = finished.lower() not in {"0", "false"}
        try:
            percent = float(progress) if progress else 100.0
        except ValueError:
            percent = 100.0
        done = done and percent >= 100
        return done, "" if done else (f"{progress}% answered" if progress else "not finished")
    return True, ""
