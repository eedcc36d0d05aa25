"""Checking what was read against the questionnaire and the wave: the column → question mapping,
every cell, every respondent's invitation. The plan is what `services.responses_import_commit`
writes; nothing here writes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from tandem.programmes.importer import ImportFileError
from tandem.surveys.instruments import Instrument, Item
from tandem.surveys.response_import.codes import BLANK, DONT_KNOW, code_schemes, suggest_codes
from tandem.surveys.response_import.formats import KEY_COLUMNS, SOURCE_NAMES, normalise
from tandem.surveys.response_import.participant_list import ParticipantList
from tandem.surveys.response_import.reading import ParsedResponses, ResponseError, SourceRow


def suggest_mapping(
    parsed: ParsedResponses, instrument: Instrument, remembered: Mapping[str, str]
) -> dict[str, str]:
    """Column → item id: what was remembered for this tool, else a column named by item id or text."""
    by_id = {item.id.lower(): item.id for item in instrument.items}
    by_text = {normalise(item.text): item.id for item in instrument.items}
    mapping: dict[str, str] = {}
    for column in parsed.questions:
        if remembered.get(column) in {item.id for item in instrument.items}:
            mapping[column] = remembered[column]
            continue
        # LimeSurvey and Qualtrics can name a column by the question code; Forms heads it with the text.
        text = parsed.question_texts.get(column, "")
        # Qualtrics heads a matrix row "Question - statement"; LimeSurvey's full headings are
        # "Question [Subquestion]": the statement or subquestion is the item.
        bracketed = re.search(r"\[([^\]]+)\]\s*$", column)
        candidates = [
            column,
            text,
            text.rsplit(" - ", 1)[-1],
            bracketed.group(1) if bracketed else "",
        ]
        for candidate in candidates:
            key = normalise(candidate)
            if key in by_id:
                mapping[column] = by_id[key]
                break
            if key in by_text:
                mapping[column] = by_text[key]
                break
    return mapping


INCOMPLETE_CHOICES = ("leave_out", "in_progress")


@dataclass
class PlannedResponse:
    row: int
    email: str
    submitted_at: dt.datetime | None
    answers: dict[str, tuple[int | None, bool, str]]  # item id → (value, dont_know, text)
    response_id: str = ""  # the survey tool's id (kept for unmatched responses)
    complete: bool = True  # False: not finished in the tool, imported as in progress


@dataclass
class ResponsePlan:
    parsed: ParsedResponses
    mapping: dict[str, str]
    responses: list[PlannedResponse] = field(default_factory=list)
    errors: list[ResponseError] = field(default_factory=list)
    warnings: list[ResponseError] = field(default_factory=list)
    match_by: str = "email"
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    incomplete: str = "leave_out"
    left_out: list[int] = field(default_factory=list)  # rows not finished, left out

    @property
    def unmatched(self) -> bool:
        """Anonymous responses, written as unmatched responses of the wave (no invitee)."""
        return self.parsed.unmatched

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.responses)

    @property
    def submitted(self) -> list[PlannedResponse]:
        return [r for r in self.responses if r.complete]

    @property
    def in_progress(self) -> list[PlannedResponse]:
        return [r for r in self.responses if not r.complete]

    def preview(self) -> list[dict[str, object]]:
        """Each response of the file: whose it is, whether the tool had it finished, and what the
        import does with it — for the lead who is importing it; no answer is shown."""
        planned = {response.row: response for response in self.responses}
        problems = {error.row for error in self.errors if error.row}
        left_out = set(self.left_out)
        lines: list[dict[str, object]] = []
        for row in self.parsed.rows:
            response = planned.get(row.row)
            if self.unmatched:
                who = f"Anonymous ({row.response_id})" if row.response_id else "Anonymous"
            elif response is not None:
                who = response.email
            else:
                value = row.email if self.match_by == "email" else row.keys.get(self.match_by, "")
                who = value or "—"
            if row.row in problems:
                outcome = "Not imported: a problem on this row"
            elif row.row in left_out:
                outcome = "Left out"
            elif response is None:
                outcome = "Not imported"
            else:
                outcome = "Submitted" if response.complete else "In progress"
            lines.append(
                {
                    "row": row.row,
                    "who": who,
                    "finished": "Finished" if row.finished else f"Not finished ({row.progress})",
                    "outcome": outcome,
                }
            )
        return lines


Stored = tuple[int | None, bool, str]


def _value_for(
    instrument: Instrument, item: Item, raw: str, meanings: Mapping[str, str]
) -> Stored | str | None:
    """The stored form of one cell, None for a code meaning "no answer", or an error message."""
    if item.kind == "open":
        return (None, False, raw)
    scale = instrument.response_scales[item.response_scale or ""]
    key = normalise(raw)
    if scale.dont_know is not None and key == normalise(scale.dont_know.label):
        return (None, True, "")
    labels = {normalise(option.label): option.value for option in scale.options}
    if key in labels and labels[key] is not None:
        return (labels[key], False, "")
    meaning = meanings.get(raw, "")
    if meaning == DONT_KNOW and scale.dont_know is not None:
        return (None, True, "")
    if meaning == BLANK:
        return None
    if meaning.lstrip("-").isdigit() and int(meaning) in scale.values:
        return (int(meaning), False, "")
    words = [f"“{option.label}”" for option in scale.options if option.value is not None]
    if scale.dont_know is not None:
        words.append(f"“{scale.dont_know.label}”")
    return (
        f"“{raw}” is not an answer to this question (use one of {', '.join(words)}), "
        "nor an answer code with a meaning: if it is a code, say what it means under "
        "“Answer codes”."
    )


def _who(
    plan: ResponsePlan,
    source_row: SourceRow,
    directory: ParticipantList | None,
) -> str | ResponseError:
    """The e-mail address a response belongs to, by the chosen key, or why it has none."""
    parsed = plan.parsed
    column = parsed.column_for(plan.match_by)
    if plan.match_by == "email":
        if source_row.email:
            return source_row.email
        return ResponseError(
            source_row.row,
            column,
            "No e-mail address, so this response cannot be matched. If the whole file "
            "was collected anonymously, import it unmatched instead.",
        )
    label = KEY_COLUMNS[parsed.source][plan.match_by][0]
    value = source_row.keys.get(plan.match_by, "")
    if not value:
        return ResponseError(
            source_row.row, column, f"No {label} on this row, so it cannot be matched."
        )
    assert directory is not None
    if value in directory.problems:
        problem = directory.problems[value]
        return ResponseError(
            source_row.row,
            column,
            f"{problem.message} (row {problem.row}, column {problem.column} of {directory.filename})",
        )
    if value not in directory.emails:
        return ResponseError(
            source_row.row,
            column,
            f"{label} “{value}” is not in the participant list {directory.filename}.",
        )
    return directory.emails[value]


def plan_response_import(
    *,
    parsed: ParsedResponses,
    instrument: Instrument,
    mapping: Mapping[str, str],
    invited: Mapping[str, str],
    already_imported: Collection[str] = (),
    match_by: str | None = None,
    participant_list: ParticipantList | None = None,
    codes: Mapping[str, Mapping[str, str]] | None = None,
    incomplete: str = "leave_out",
) -> ResponsePlan:
    """Check every cell against the instrument and every respondent against the wave's invitations.

    `invited` maps each invited person's e-mail to their invitation status in this wave.
    `match_by` is "email" (the default when the file has an e-mail column) or one of the tool's
    identifiers (`parsed.key_columns`), turned into e-mail addresses by `participant_list`.
    `codes` gives each code scheme's meanings (`codes.suggest_codes`); a cell that is neither an
    answer's words nor a code with a meaning is an error. `incomplete` says what happens to a
    response not finished in the tool: "leave_out" (the default) or "in_progress" (imported, not
    submitted — never counted as a response until the person submits in Tandem).

    For anonymous responses (`parsed.unmatched`) `invited` is not used; instead a row needs at
    least one answer, and a row whose survey-tool id is in `already_imported` is refused
    (imported twice, it would be counted twice). Unmatched responses are never imported in
    progress: no one could ever finish them.
    """
    if match_by is None:
        match_by = parsed.match_keys[0] if parsed.match_keys else "email"
    plan = ResponsePlan(
        parsed=parsed,
        mapping=dict(mapping),
        errors=list(parsed.errors),
        match_by=match_by,
        incomplete=incomplete,
    )
    if incomplete not in INCOMPLETE_CHOICES:
        plan.errors.append(
            ResponseError(
                None,
                None,
                f"Unfinished responses can be “leave_out” or “in_progress”, not “{incomplete}”.",
            )
        )
        return plan
    if parsed.unmatched and incomplete == "in_progress":
        plan.errors.append(
            ResponseError(
                None,
                None,
                "Anonymous responses cannot be imported in progress: no one could ever finish "
                "them. Leave the unfinished ones out.",
            )
        )
        return plan
    if not parsed.unmatched:
        problem = _key_problem(parsed, match_by, participant_list)
        if problem:
            plan.errors.append(ResponseError(None, None, problem))
            return plan
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
    # Every code found gets the meaning given, else the suggested one; a meaning given as ""
    # (the lead chose none) stays none, and its cells are errors.
    by_column = targets_by_column(targets)
    suggested = suggest_codes(parsed, instrument, by_column)
    plan.codes = {
        key: meanings | {c: m for c, m in (codes or {}).get(key, {}).items() if c in meanings}
        for key, meanings in suggested.items()
    }
    meanings_of = {
        column: plan.codes.get(scheme.key, {})
        for scheme in code_schemes(parsed, instrument, by_column)
        for column in scheme.columns
    }
    bad_rows = {error.row for error in parsed.errors}
    seen: dict[str, int] = {}
    for source_row in parsed.rows:
        if source_row.row in bad_rows:
            continue
        email = source_row.email
        if parsed.unmatched:
            if source_row.response_id and source_row.response_id in already_imported:
                plan.errors.append(
                    ResponseError(
                        source_row.row,
                        None,
                        f"Response {source_row.response_id} has already been imported into "
                        "this wave; importing it again would count it twice.",
                    )
                )
                continue
        else:
            who = _who(plan, source_row, participant_list)
            if isinstance(who, ResponseError):
                plan.errors.append(who)
                continue
            email = who
            column = parsed.column_for(match_by)
            if email in seen:
                plan.errors.append(
                    ResponseError(
                        source_row.row,
                        column,
                        f"{email} has responded twice: also on row {seen[email]}.",
                    )
                )
                continue
            seen[email] = source_row.row
            status = invited.get(email)
            if status is None:
                plan.errors.append(
                    ResponseError(source_row.row, column, f"{email} is not invited to this wave.")
                )
                continue
            if status == "submitted":
                plan.errors.append(
                    ResponseError(
                        source_row.row,
                        column,
                        f"{email} has already submitted answers in Tandem for this wave.",
                    )
                )
                continue
        if not source_row.finished and incomplete == "leave_out":
            plan.left_out.append(source_row.row)
            continue
        answers: dict[str, Stored] = {}
        bad_cell = False
        for item_id, column in targets.items():
            raw = source_row.values.get(column, "").strip()
            if not raw:
                continue
            result = _value_for(instrument, items[item_id], raw, meanings_of.get(column, {}))
            if isinstance(result, str):
                plan.errors.append(ResponseError(source_row.row, column, result))
                bad_cell = True
            elif result is not None:
                answers[item_id] = result
        if parsed.unmatched and targets and not answers and not bad_cell:
            # An unmatched response is nothing but its answers: an empty one would only add a
            # respondent to the count who said nothing.
            plan.errors.append(
                ResponseError(
                    source_row.row,
                    None,
                    "This response has no answer to any question matched to the questionnaire: "
                    "remove the row, or check which columns are matched.",
                )
            )
            continue
        plan.responses.append(
            PlannedResponse(
                row=source_row.row,
                email=email,
                submitted_at=source_row.submitted_at if source_row.finished else None,
                answers=answers,
                response_id=source_row.response_id,
                complete=source_row.finished,
            )
        )
    if plan.left_out:
        rows = ", ".join(str(row) for row in plan.left_out[:12])
        plan.warnings.append(
            ResponseError(
                None,
                None,
                f"{len(plan.left_out)} response(s) not finished in the survey tool will be left "
                f"out (row{'s' if len(plan.left_out) > 1 else ''} {rows}"
                + ("…" if len(plan.left_out) > 12 else "")
                + ").",
            )
        )
    plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return plan


def targets_by_column(targets: Mapping[str, str]) -> dict[str, str]:
    return {column: item_id for item_id, column in targets.items()}


def _key_problem(
    parsed: ParsedResponses, match_by: str, participant_list: ParticipantList | None
) -> str:
    """Why respondents cannot be matched by `match_by` at all ("" if they can)."""
    tool = SOURCE_NAMES[parsed.source]
    if not parsed.match_keys:
        labels = ["an e-mail address"] + [
            f"a {KEY_COLUMNS[parsed.source][k][0]}" for k in KEY_COLUMNS[parsed.source]
        ]
        return (
            f"No response in the file has {' or '.join(labels)}, so none can be matched to the "
            "people invited. If the responses were collected anonymously, import them "
            "unmatched: they count in this wave's report but not in before/after comparisons."
        )
    if match_by == "email" and "email" not in parsed.match_keys:
        keys = [KEY_COLUMNS[parsed.source][k][0] for k in parsed.match_keys]
        return (
            f"The file has no e-mail addresses: match respondents by {' or '.join(keys)} "
            f"instead, with the participant list exported from {tool}."
        )
    if match_by == "email":
        return ""
    if match_by not in KEY_COLUMNS[parsed.source]:
        known = ["email", *KEY_COLUMNS[parsed.source]]
        return f"{tool} responses can be matched by {', '.join(known)}, not by “{match_by}”."
    label = KEY_COLUMNS[parsed.source][match_by][0]
    if match_by not in parsed.key_columns:
        return f"The file has no {label} column to match respondents by."
    if participant_list is None:
        return (
            f"Matching by {label} needs the participant list exported from {tool}, which says "
            "whose each one is: add it"
            + (", or match by e-mail address" if "email" in parsed.match_keys else "")
            + ". If the responses were collected anonymously, import them unmatched instead."
        )
    if participant_list.key != match_by:
        return f"The participant list was read for {participant_list.key}, not {match_by}."
    return ""


@dataclass
class MappingFile:
    """The CLI's mapping file: which question each column holds, what answer codes mean, and
    (optionally) what respondents are matched by."""

    columns: dict[str, str]  # a column → "" is a column not to import
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    match_by: str | None = None


MAPPING_FILE_HELP = (
    "The mapping file must be lines of “column heading: item_id”, or the sections “columns:” "
    "(column heading: item_id), “codes:” (the tool's question: {code: meaning}) and “match_by:”."
)


def mapping_from_yaml(text: str) -> MappingFile:
    """Read a mapping file for the CLI (YAML). Columns it does not name are matched as suggested
    (remembered from the last import, or named like a question); a column named with no item is
    not imported.

    Either `column heading: item_id` per line, or::

        columns:
          "comm[SQ001]": comm1
        codes:
          comm: {A1: 1, A2: 2, A3: 3, A4: 4, A5: 5, A6: dont_know}
        match_by: token
    """
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFileError(f"The mapping file is not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise ImportFileError(MAPPING_FILE_HELP)
    if not ({"columns", "codes", "match_by"} & set(loaded)):
        return MappingFile(columns={str(k): "" if v is None else str(v) for k, v in loaded.items()})
    unknown = sorted(set(loaded) - {"columns", "codes", "match_by"})
    columns = loaded.get("columns") or {}
    codes = loaded.get("codes") or {}
    match_by = loaded.get("match_by")
    if (
        unknown
        or not isinstance(columns, dict)
        or not isinstance(codes, dict)
        or not all(isinstance(v, dict) for v in codes.values())
        or not (match_by is None or isinstance(match_by, str))
    ):
        raise ImportFileError(
            MAPPING_FILE_HELP + (f" Unknown section: {', '.join(unknown)}." if unknown else "")
        )
    return MappingFile(
        columns={str(k): "" if v is None else str(v) for k, v in columns.items()},
        codes={
            str(key): {str(code): _meaning(meaning) for code, meaning in meanings.items()}
            for key, meanings in codes.items()
        },
        match_by=match_by,
    )


def _meaning(value: object) -> str:
    """A code's meaning as written in a mapping file: 4, "4", dont_know, blank."""
    if value is None:
        return BLANK
    return str(value).strip().lower().replace("don't know", DONT_KNOW)
