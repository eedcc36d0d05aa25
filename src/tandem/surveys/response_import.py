"""Responses collected in another survey tool, brought into a wave.

Three export layouts are understood, as the tools write them:

- **Microsoft Forms** (XLSX, "Open in Excel"): one header row; metadata columns `ID`, `Start time`,
  `Completion time`, `Email`, `Name`, `Last modified time`; each question's column is headed with
  the question's text.
- **Qualtrics** (CSV, "Download data" with choice text or values): three header rows — the column
  ids (`StartDate` … `Q1`, `Q2_3`), the question texts, and `{"ImportId": …}` JSON; metadata columns
  such as `ResponseId`, `Finished`, `RecipientEmail`.
- **LimeSurvey** (CSV response export, question codes as headings): one header row; metadata columns
  `id`, `submitdate`, `lastpage`, `startlanguage`, `seed`, `token`, `startdate`, `datestamp`, and the
  participant attributes (`email`, `firstname`, `lastname`) when the survey used a participant list.

Like the participant import, reading and checking (`read_responses`, `plan_response_import`) write
nothing; `tandem.surveys.services.responses_import_commit` writes a valid plan in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tandem.programmes.importer import ImportFileError, read_table
from tandem.surveys.instruments import Instrument, Item

SOURCES = ("msforms", "qualtrics", "limesurvey")

MSFORMS_METADATA = {
    "id",
    "start time",
    "completion time",
    "email",
    "name",
    "last modified time",
    "total points",
    "quiz feedback",
    "grade posted time",
}
QUALTRICS_METADATA = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
}
LIMESURVEY_METADATA = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "email",
    "firstname",
    "lastname",
    "interviewtime",
    # Full-heading exports
    "response id",
    "date submitted",
    "last page",
    "start language",
    "date started",
    "date last action",
    "ip address",
    "referrer url",
    "email address",
    "first name",
    "last name",
}
# Per-question and per-group timing columns that LimeSurvey adds when timings are recorded.
LIMESURVEY_TIMING = re.compile(r"^(grouptime|.*time$)", re.IGNORECASE)

EMAIL_COLUMNS = {
    "msforms": ("email",),
    "qualtrics": ("recipientemail", "email"),
    "limesurvey": ("email", "email address"),
}
SUBMITTED_COLUMNS = {
    "msforms": ("completion time",),
    "qualtrics": ("recordeddate", "enddate"),
    "limesurvey": ("submitdate", "date submitted"),
}


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


@dataclass
class ParsedResponses:
    source: str
    questions: list[str]  # question column names, metadata left out
    question_texts: dict[str, str]  # column → the question as the tool showed it (Qualtrics row 2)
    rows: list[SourceRow]
    email_column: str = "email"
    errors: list[ResponseError] = field(default_factory=list)

    def as_dry_run(self) -> dict[str, object]:
        return {
            "source": self.source,
            "rows": len(self.rows),
            "questions": self.questions,
            "errors": [error.as_dict() for error in self.errors],
        }


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _parse_moment(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%y %H:%M:%S",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _is_metadata(source: str, column: str) -> bool:
    key = _norm(column)
    if source == "msforms":
        return key in MSFORMS_METADATA or key.startswith(("points - ", "feedback - "))
    if source == "qualtrics":
        return key in QUALTRICS_METADATA
    return key in LIMESURVEY_METADATA or bool(LIMESURVEY_TIMING.match(key))


def _table(source: str, data: bytes, filename: str) -> list[list[str]]:
    if source == "msforms" and not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "A Microsoft Forms export is an Excel workbook (.xlsx): use “Open results in Excel” and upload that file."
        )
    if source in {"qualtrics", "limesurvey"} and data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"A {source.capitalize()} export for Tandem is a CSV file, not a workbook."
        )
    return read_table(data, filename)


def read_responses(*, data: bytes, filename: str, source: str) -> ParsedResponses:
    """Read an export file into respondents and their raw answers; checks the layout only.

    Raises ImportFileError when the file cannot be read or is not the layout `source` writes.
    """
    if source not in SOURCES:
        raise ImportFileError(f"Unknown source “{source}”: use {', '.join(SOURCES)}.")
    table = _table(source, data, filename)
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
        if column and _norm(column) in seen_columns:
            raise ImportFileError(f"The column “{column}” appears twice in the header row.")
        seen_columns[_norm(column)] = index
    email_index = next((seen_columns[c] for c in EMAIL_COLUMNS[source] if c in seen_columns), None)
    if email_index is None:
        expected = " or ".join(f"“{c}”" for c in EMAIL_COLUMNS[source])
        raise ImportFileError(
            f"No e-mail column ({expected}) was found, so respondents cannot be matched to participants."
        )
    submitted_index = next(
        (seen_columns[c] for c in SUBMITTED_COLUMNS[source] if c in seen_columns), None
    )
    finished_index = seen_columns.get("finished") if source == "qualtrics" else None
    questions = [column for column in header if column and not _is_metadata(source, column)]
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
        email_column=header[email_index],
    )
    seen_emails: dict[str, int] = {}
    for offset, cells in enumerate(table[first_data:]):
        number = first_data + offset + 1
        if not any(cells):
            continue

        def cell(index: int | None, cells: Sequence[str] = cells) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        email = cell(email_index).lower()
        if not email or email == "anonymous":
            parsed.errors.append(
                ResponseError(
                    number,
                    header[email_index],
                    "No e-mail address, so this response cannot be matched.",
                )
            )
        elif email in seen_emails:
            parsed.errors.append(
                ResponseError(
                    number,
                    header[email_index],
                    f"{email} has responded twice: also on row {seen_emails[email]}.",
                )
            )
        else:
            seen_emails[email] = number
        finished_text = cell(finished_index).lower()
        parsed.rows.append(
            SourceRow(
                row=number,
                email=email,
                submitted_at=_parse_moment(cell(submitted_index)),
                finished=finished_text not in {"0", "false"}
                if finished_index is not None
                else True,
                values={column: cell(index) for column, index in question_index.items()},
            )
        )
    if not parsed.rows:
        raise ImportFileError("The file has a header but no responses in it.")
    return parsed


def suggest_mapping(
    parsed: ParsedResponses, instrument: Instrument, remembered: Mapping[str, str]
) -> dict[str, str]:
    """Column → item id: what was remembered for this tool, else a column named by item id or text."""
    by_id = {item.id.lower(): item.id for item in instrument.items}
    by_text = {_norm(item.text): item.id for item in instrument.items}
    mapping: dict[str, str] = {}
    for column in parsed.questions:
        if remembered.get(column) in {item.id for item in instrument.items}:
            mapping[column] = remembered[column]
            continue
        # LimeSurvey and Qualtrics can name a column by the question code; Forms heads it with the text.
        text = parsed.question_texts.get(column, "")
        # Qualtrics heads a matrix row "Question – statement"; the statement is the item.
        candidates = [column, text, text.rsplit(" - ", 1)[-1]]
        for candidate in candidates:
            key = _norm(candidate)
            if key in by_id:
                mapping[column] = by_id[key]
                break
            if key in by_text:
                mapping[column] = by_text[key]
                break
    return mapping


@dataclass
class PlannedResponse:
    row: int
    email: str
    submitted_at: dt.datetime | None
    answers: dict[str, tuple[int | None, bool, str]]  # item id → (value, dont_know, text)


@dataclass
class ResponsePlan:
    parsed: ParsedResponses
    mapping: dict[str, str]
    responses: list[PlannedResponse] = field(default_factory=list)
    errors: list[ResponseError] = field(default_factory=list)
    warnings: list[ResponseError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.responses)


def _value_for(instrument: Instrument, item: Item, raw: str) -> tuple[int | None, bool, str] | str:
    """The stored form of one cell, or an error message."""
    if item.kind == "open":
        return (None, False, raw)
    scale = instrument.response_scales[item.response_scale or ""]
    key = _norm(raw)
    if scale.dont_know is not None and key in {
        _norm(scale.dont_know.label),
        "dont_know",
        "don't know",
        "-99",
    }:
        return (None, True, "")
    labels = {_norm(option.label): option.value for option in scale.options}
    if key in labels and labels[key] is not None:
        return (labels[key], False, "")
    try:
        number = float(raw)
    except ValueError:
        number = None
    if number is not None and number.is_integer() and int(number) in scale.values:
        return (int(number), False, "")
    allowed = ", ".join(str(v) for v in scale.values)
    return f"“{raw}” is not an answer to this question: use {allowed} or the answer's words."


def plan_response_import(
    *,
    parsed: ParsedResponses,
    instrument: Instrument,
    mapping: Mapping[str, str],
    invited: Mapping[str, str],
) -> ResponsePlan:
    """Check every cell against the instrument and every respondent against the wave's invitations.

    `invited` maps each invited person's e-mail to their invitation status in this wave.
    """
    plan = ResponsePlan(parsed=parsed, mapping=dict(mapping), errors=list(parsed.errors))
    items = {item.id: item for item in instrument.items}
    targets: dict[str, str] = {}
    for column, item_id in mapping.items():
        if not item_id:
            continue
        if column not in parsed.questions:
            plan.errors.append(
                ResponseError(None, column, f"The file has no question column “{column}”.")
            )
        elif item_id not in items:
            plan.errors.append(
                ResponseError(None, column, f"The questionnaire has no question “{item_id}”.")
            )
        elif item_id in targets:
            plan.errors.append(
                ResponseError(
                    None,
                    column,
                    f"Both “{targets[item_id]}” and “{column}” are matched to {item_id}.",
                )
            )
        else:
            targets[item_id] = column
    if not targets and not plan.errors:
        plan.errors.append(
            ResponseError(None, None, "No column is matched to a question of the questionnaire.")
        )
    unmatched = [c for c in parsed.questions if c not in mapping or not mapping[c]]
    if unmatched:
        plan.warnings.append(
            ResponseError(
                None,
                None,
                f"{len(unmatched)} column(s) not imported: {', '.join(unmatched[:8])}"
                + ("…" if len(unmatched) > 8 else "")
                + ".",
            )
        )
    bad_rows = {error.row for error in parsed.errors}
    for source_row in parsed.rows:
        if source_row.row in bad_rows:
            continue
        status = invited.get(source_row.email)
        email_column = parsed.email_column
        if status is None:
            plan.errors.append(
                ResponseError(
                    source_row.row, email_column, f"{source_row.email} is not invited to this wave."
                )
            )
            continue
        if status == "submitted":
            plan.errors.append(
                ResponseError(
                    source_row.row,
                    email_column,
                    f"{source_row.email} has already submitted answers in Tandem for this wave.",
                )
            )
            continue
        if not source_row.finished:
            plan.warnings.append(
                ResponseError(
                    source_row.row,
                    "Finished",
                    "The response was not finished in the survey tool; skipped.",
                )
            )
            continue
        answers: dict[str, tuple[int | None, bool, str]] = {}
        for item_id, column in targets.items():
            raw = source_row.values.get(column, "").strip()
            if not raw:
                continue
            result = _value_for(instrument, items[item_id], raw)
            if isinstance(result, str):
                plan.errors.append(ResponseError(source_row.row, column, result))
            else:
                answers[item_id] = result
        plan.responses.append(
            PlannedResponse(
                row=source_row.row,
                email=source_row.email,
                submitted_at=source_row.submitted_at,
                answers=answers,
            )
        )
    plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return plan


def mapping_from_yaml(text: str) -> dict[str, str]:
    """A column → item mapping file for the CLI: `column heading: item_id` per line (YAML)."""
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFileError(f"The mapping file is not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise ImportFileError("The mapping file must be lines of “column heading: item_id”.")
    return {str(k): str(v) for k, v in loaded.items() if v}
