"""Checking what was read against the questionnaire and the wave: the column → question mapping,
every cell, every respondent's invitation. The plan is what `services.responses_import_commit`
writes; nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from tandem.programmes.importer import ImportFileError
from tandem.surveys.instruments import Instrument, Item
from tandem.surveys.response_import.formats import normalise
from tandem.surveys.response_import.reading import ParsedResponses, ResponseError


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
        # Qualtrics heads a matrix row "Question – statement"; the statement is the item.
        candidates = [column, text, text.rsplit(" - ", 1)[-1]]
        for candidate in candidates:
            key = normalise(candidate)
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
    response_id: str = ""  # the survey tool's id (kept for unmatched responses)


@dataclass
class ResponsePlan:
    parsed: ParsedResponses
    mapping: dict[str, str]
    responses: list[PlannedResponse] = field(default_factory=list)
    errors: list[ResponseError] = field(default_factory=list)
    warnings: list[ResponseError] = field(default_factory=list)

    @property
    def unmatched(self) -> bool:
        """Anonymous responses, written as unmatched responses of the wave (no invitee)."""
        return self.parsed.unmatched

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.responses)


def _value_for(instrument: Instrument, item: Item, raw: str) -> tuple[int | None, bool, str] | str:
    """The stored form of one cell, or an error message."""
    if item.kind == "open":
        return (None, False, raw)
    scale = instrument.response_scales[item.response_scale or ""]
    key = normalise(raw)
    if scale.dont_know is not None and key in {
        normalise(scale.dont_know.label),
        "dont_know",
        "don't know",
        "-99",
    }:
        return (None, True, "")
    labels = {normalise(option.label): option.value for option in scale.options}
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
    already_imported: Collection[str] = (),
) -> ResponsePlan:
    """Check every cell against the instrument and every respondent against the wave's invitations.

    `invited` maps each invited person's e-mail to their invitation status in this wave. For
    anonymous responses (`parsed.unmatched`) it is not used; instead a row needs at least one
    answer, and a row whose survey-tool id is in `already_imported` is refused (imported twice,
    it would be counted twice).
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
            status = invited.get(source_row.email)
            email_column = parsed.email_column
            if status is None:
                plan.errors.append(
                    ResponseError(
                        source_row.row,
                        email_column,
                        f"{source_row.email} is not invited to this wave.",
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
        bad_cell = False
        for item_id, column in targets.items():
            raw = source_row.values.get(column, "").strip()
            if not raw:
                continue
            result = _value_for(instrument, items[item_id], raw)
            if isinstance(result, str):
                plan.errors.append(ResponseError(source_row.row, column, result))
                bad_cell = True
            else:
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
                email=source_row.email,
                submitted_at=source_row.submitted_at,
                answers=answers,
                response_id=source_row.response_id,
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
