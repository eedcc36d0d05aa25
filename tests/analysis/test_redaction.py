"""Redaction against the corpus of tricky cases (tests/analysis/data/redaction_corpus.yaml) and
properties that hold for any text (tandem.analysis.redaction, without Django)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tandem.analysis.redaction import (
    PLACEHOLDERS,
    NameRedactor,
    fold_accents,
    name_lists,
    nhs_number_is_valid,
    phrase_spans,
    redact,
    redact_phrases,
)

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "data" / "redaction_corpus.yaml").read_text(encoding="utf-8")
)["cases"]


def survives(part: str, text: str) -> bool:
    """Whether `part` is still in `text` as a whole word, in any case or accent."""
    pattern = rf"(?<![\w]){re.escape(fold_accents(part))}(?![\w])"
    return re.search(pattern, fold_accents(text), re.IGNORECASE) is not None


@pytest.mark.parametrize("case", CORPUS, ids=[case["text"][:50] for case in CORPUS])
def test_the_redaction_corpus(case: dict) -> None:
    redacted = redact(case["text"], case.get("people", []))
    leaked = [part for part in case["gone"] if survives(str(part), redacted)]
    lost = [part for part in case["kept"] if str(part) not in redacted]
    assert (leaked, lost) == ([], []), redacted


@pytest.mark.parametrize("case", CORPUS, ids=[case["text"][:50] for case in CORPUS])
def test_redacting_a_corpus_text_twice_changes_nothing(case: dict) -> None:
    redactor = NameRedactor.for_names(case.get("people", []))
    once = redactor.redact(case["text"])
    assert redactor.redact(once) == once


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),  # the NHS Data Dictionary's example
        ("4010232137", True),
        ("9434765918", False),
        ("1234567890", False),  # check digit would be 10: never issued
        ("943476591", False),
    ],
)
def test_nhs_numbers_are_checked_with_modulus_11(digits: str, valid: bool) -> None:
    assert nhs_number_is_valid(digits) is valid


def test_the_shipped_name_lists_say_where_they_come_from() -> None:
    lists = name_lists()
    assert "ONS" in lists.source and "Faker" in lists.source
    assert {"sarah", "mohammed", "priya", "chidi"} <= lists.given
    assert {"smith", "patel", "okafor", "jenkins"} <= lists.surnames
    # Words that are never a person on their own are not on the lists.
    assert not {"trust", "monday", "ward", "nhs", "team"} & (lists.given | lists.surnames)


def test_the_lead_can_take_out_more_words() -> None:
    text = "[name] runs the Tuesday huddle with the Blue Team at Riverside."
    assert redact_phrases(text, ["blue team", "Riverside", " ", "[name]"]) == (
        "[name] runs the Tuesday huddle with the [redacted] at [redacted]."
    )
    assert phrase_spans(text, []) == []


# --- properties ------------------------------------------------------------------------------

LISTED_GIVEN = sorted(
    name for name in name_lists().given if name not in name_lists().common and len(name) > 2
)
LISTED_SURNAMES = sorted(
    name for name in name_lists().surnames if name not in name_lists().common and len(name) > 2
)
FILLER = st.lists(
    st.sampled_from(
        ["the", "meeting", "budget", "and", "we", "agreed", ",", ".", "rota", "Trust", "NHS"]
    ),
    max_size=8,
)
WORDS = st.text(alphabet=string.ascii_letters + " .,'-:0123456789()[]@+\n", max_size=80)


@settings(max_examples=300, deadline=None)
@given(text=WORDS)
def test_redaction_is_idempotent(text: str) -> None:
    redactor = NameRedactor.for_names(["Dr Amara Okafor", "Anna Kowalski"])
    once = redactor.redact(text)
    assert redactor.redact(once) == once


@settings(max_examples=300, deadline=None)
@given(text=WORDS)
def test_redaction_only_replaces_spans_with_placeholders(text: str) -> None:
    # Nothing is added but placeholders (with a kept possessive), and what is kept is the text.
    redactor = NameRedactor.for_names(["Dr Amara Okafor"])
    spans = redactor.spans(text)
    cursor = 0
    for span in spans:
        assert cursor <= span.start < span.end <= len(text)
        base = span.replacement.rstrip("s'’")
        assert base in PLACEHOLDERS or span.replacement in PLACEHOLDERS
        cursor = span.end


@settings(max_examples=300, deadline=None)
@given(
    title=st.sampled_from(["Dr", "Dr.", "dr", "Mr", "Mrs", "Ms", "Prof.", "Professor", "Sister"]),
    first=st.sampled_from(LISTED_GIVEN),
    surname=st.sampled_from(LISTED_SURNAMES),
    unknown=st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=10),
    form=st.integers(0, 5),
    before=FILLER,
    after=FILLER,
)
def test_a_name_never_survives_or_grows_into_the_output(
    title, first, surname, unknown, form, before, after
) -> None:
    # An unknown surname: on no list, and no English word ("Dr Other" is no name to find).
    unknown = "Zy" + unknown
    assume(unknown.lower() not in name_lists().common)
    written = [
        f"{title} {surname.capitalize()}",
        f"{title} {unknown}",
        f"{first.capitalize()} {surname.capitalize()}",
        f"{first.capitalize()} said",
        f"{surname.capitalize()}'s",
        f"{title} {first.capitalize()} {unknown}-{surname.capitalize()}",
    ][form]
    text = " ".join([*before, written, *after])
    redacted = redact(text, [])
    parts = {
        0: [surname],
        1: [unknown],
        2: [first, surname],
        3: [first],
        4: [surname],
        5: [first, unknown, surname],
    }[form]
    for part in parts:
        assert not survives(part, redacted), redacted
    # Every word of the filler is still there, once each: the name did not spread into it,
    # and nothing but placeholders was added.
    kept = [w for w in redacted.split() if not any(p in w for p in PLACEHOLDERS)]
    for word in kept:
        assert word.strip(".,") in {"", *before, *after, "said"}
    assert len(redacted) <= len(text) + len("[name]") * 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qay-yoom Smith agreed", "[name] agreed"),
        ("Dr Qay-yoom said so", "[name] said so"),
        ("Qay-yoom said so", "[name] said so"),
        ("the well-being plan", "the well-being plan"),
    ],
)
def test_a_hyphenated_name_the_lists_hold_as_one_goes_whole(text: str, expected: str) -> None:
    # Found by the property test above: a hyphen ends a word, so "yoom" was left behind.
    assert redact(text, []) == expected
