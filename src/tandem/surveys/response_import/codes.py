"""Answer codes: what a survey tool writes instead of an answer's words, and what each means.

LimeSurvey's default "answer codes" export writes each answer option's code (`A1`, `A2`… in older
surveys, `AO01`, `AO02`… in LimeSurvey 4 and later, or whatever the survey's author typed);
Qualtrics' "numeric values" export writes each choice's recode value (1, 2… in the order the
choices were listed, unless someone recoded them). Neither says what a code means, and the order
of a survey's options is its author's choice: "1" can be "Strongly agree". So codes are never
taken on trust. Each of the tool's questions (a LimeSurvey array `Q1[SQ001]`, `Q1[SQ002]`…, a
Qualtrics matrix `Q1_1`, `Q1_2`…, or a single question) has one code scheme; Tandem suggests a
meaning for each code from its number, and the lead confirms or corrects it in the preview (or in
the CLI's mapping file) before anything is imported.

A meaning is a scale value ("1"…"5"), `dont_know`, or `blank` (the code means no answer).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tandem.surveys.instruments import Instrument, ResponseScale
from tandem.surveys.response_import.formats import normalise
from tandem.surveys.response_import.reading import ParsedResponses

DONT_KNOW = "dont_know"
BLANK = "blank"
DONT_KNOW_WORDS = {"dont_know", "don't know", "-99"}


@dataclass
class CodeScheme:
    """One of the tool's questions whose cells hold codes, and the codes found in the file."""

    key: str  # the tool's question ("Q1" for Q1_1, Q1_2…; "comm" for comm[SQ001]…)
    scale_id: str
    columns: list[str]
    codes: list[str]


def stem(source: str, column: str) -> str:
    """The tool's question a column belongs to: a matrix's or array's rows share one code scheme."""
    if source == "limesurvey":
        match = re.match(r"^(.+?)\s*\[[^\]]*\]", column)
        return match.group(1).strip() if match else column
    if source == "qualtrics":
        match = re.fullmatch(r"(.+)_\d+", column)
        return match.group(1) if match else column
    return column


def is_label(scale: ResponseScale, raw: str) -> bool:
    """Is this cell an answer's words (a texts export), which need no code?"""
    key = normalise(raw)
    if scale.dont_know is not None and key == normalise(scale.dont_know.label):
        return True
    return any(normalise(option.label) == key for option in scale.options)


def _number(code: str) -> int | None:
    match = re.fullmatch(r"[A-Za-z_]*0*(\d+)", code.strip())
    return int(match.group(1)) if match else None


def _natural(code: str) -> tuple[int, int, str]:
    number = _number(code)
    return (0 if number is not None else 1, number or 0, code)


def suggest_meaning(scale: ResponseScale, code: str) -> str:
    """What a code probably means, from its number ("" if there is no good guess).

    A plain number that is a value of the scale is that value (a recode value 1…5 on a five-point
    scale); a prefixed code `A3`/`AO03` is the third option in the scale's order; one past the last
    option is "don't know" when the scale has it (where tools put it). -99 is "don't know".
    """
    raw = code.strip()
    if normalise(raw) in DONT_KNOW_WORDS and scale.dont_know is not None:
        return DONT_KNOW
    number = _number(raw)
    if number is None:
        return ""
    options = [option for option in scale.options if option.value is not None]
    if raw.lstrip("-").isdigit():
        if number in scale.values:
            return str(number)
    elif 1 <= number <= len(options):
        return str(options[number - 1].value)
    if number == len(options) + 1 and scale.dont_know is not None:
        return DONT_KNOW
    return ""


def code_schemes(
    parsed: ParsedResponses, instrument: Instrument, mapping: Mapping[str, str]
) -> list[CodeScheme]:
    """Every code scheme among the matched columns: cells that are not an answer's words."""
    items = {item.id: item for item in instrument.items}
    schemes: dict[str, CodeScheme] = {}
    for column in parsed.questions:
        item = items.get(mapping.get(column, ""))
        if item is None or item.kind == "open" or not item.response_scale:
            continue
        scale = instrument.response_scales[item.response_scale]
        found = {raw for raw in parsed.distinct(column) if not is_label(scale, raw)}
        if not found:
            continue
        key = stem(parsed.source, column)
        if key in schemes and schemes[key].scale_id != item.response_scale:
            key = f"{key} ({item.response_scale})"
        scheme = schemes.setdefault(key, CodeScheme(key, item.response_scale, [], []))
        scheme.columns.append(column)
        scheme.codes = sorted(set(scheme.codes) | found, key=_natural)
    return list(schemes.values())


def suggest_codes(
    parsed: ParsedResponses,
    instrument: Instrument,
    mapping: Mapping[str, str],
    remembered: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, dict[str, str]]:
    """{scheme: {code: meaning}}: what was confirmed last time for this tool, else a guess."""
    remembered = remembered or {}
    suggested: dict[str, dict[str, str]] = {}
    for scheme in code_schemes(parsed, instrument, mapping):
        scale = instrument.response_scales[scheme.scale_id]
        kept = remembered.get(scheme.key, {})
        suggested[scheme.key] = {
            code: kept.get(code) or suggest_meaning(scale, code) for code in scheme.codes
        }
    return suggested


def meaning_choices(scale: ResponseScale) -> list[tuple[str, str]]:
    """What a code can mean on a scale, for the lead to choose from."""
    choices = [
        (str(option.value), f"{option.value}: {option.label}")
        for option in scale.options
        if option.value is not None
    ]
    if scale.dont_know is not None:
        choices.append((DONT_KNOW, scale.dont_know.label))
    choices.append((BLANK, "No answer (leave the question unanswered)"))
    return choices


def meaning_label(scale: ResponseScale, meaning: str) -> str:
    return dict(meaning_choices(scale)).get(meaning, meaning)
