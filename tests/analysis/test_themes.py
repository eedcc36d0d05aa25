"""Redaction, theme suggestions and coding summaries (tandem.analysis.themes), without Django."""

from __future__ import annotations

import re
import string
import warnings

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tandem.analysis import themes
from tandem.analysis.anonymity import (
    BREAKDOWN_COLUMN,
    Position,
    SuppressionReason,
    suppress_breakdown,
)
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.themes import (
    CodedUnit,
    NameRedactor,
    RedactionSpan,
    apply_redaction,
    code_cooccurrence,
    code_frequencies,
    name_variants,
    redact,
    redaction_spans,
    suggest_themes,
)

PEOPLE = [
    "Dr Amara Okafor",
    "Anna Kowalski",
    "Dr Grace Llewellyn",
    "Siobhán O'Brien-Hughes",
    "Zoë Ng",
    "Dr Dev Raman",
    "Mary Jane Watson",
]

# --- redaction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The title, the full name, first name and surname alone, with and without a title.
        ("Dr Okafor and I agree.", "[name] and I agree."),
        ("Dr Amara Okafor chairs it.", "[name] chairs it."),
        ("Amara Okafor chairs it.", "[name] chairs it."),
        ("Amara chairs it.", "[name] chairs it."),
        ("Okafor chairs it.", "[name] chairs it."),
        ("Dr. Okafor chairs it.", "[name] chairs it."),
        ("Doctor Amara, Prof Kowalski and Mrs Kowalski.", "[name], [name] and [name]."),
        ("Mary Watson and Mary Jane Watson.", "[name] and [name]."),
        # Case does not matter.
        ("OKAFOR and okafor and oKaFoR.", "[name] and [name] and [name]."),
        # Possessives keep their ending; names ending in s too.
        ("Okafor's team", "[name]'s team"),
        ("Dr Okafor’s team", "[name]’s team"),
        ("Kowalski's and Dr Amara Okafor's", "[name]'s and [name]'s"),
        ("Hughes' plan", "[name]' plan"),
        # Whole words only.
        ("Okaforville and the Okafors", "Okaforville and the Okafors"),
        # ("Devon" would go now: it is a given name on the shipped lists.)
        ("Development and devolved budgets", "Development and devolved budgets"),
        # A hyphen ends a word: a name joined to another word still goes.
        ("An Okafor-led review", "An [name]-led review"),
        # Double-barrelled names, apostrophes written either way, accents either way.
        ("Siobhan O’Brien-Hughes spoke", "[name] spoke"),
        ("Ms O'Brien and Hughes", "[name] and [name]"),
        ("Zoe and Zoë and ZOË", "[name] and [name] and [name]"),
        # A name across a line break.
        ("Amara\nOkafor said", "[name] said"),
        # Two-letter surnames are names; initials are not.
        ("Ng said so", "[name] said so"),
        ("A. Okafor said so", "A. [name] said so"),
        # Nothing to redact.
        ("The meetings are too long.", "The meetings are too long."),
        ("", ""),
    ],
)
def test_names_are_redacted(text: str, expected: str) -> None:
    assert redact(text, PEOPLE) == expected


def test_a_first_name_that_is_also_a_word_is_redacted_anyway() -> None:
    # Removing too much is the safe mistake; the lead sees the result before approving it.
    assert redact("By the grace of the rota", PEOPLE) == "By the [name] of the rota"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to amara.okafor@riverside-fells.example today", "Write to [email] today"),
        ("Amara okafor@trust.example", "[name] [email]"),
        ("(a.kowalski+rota@nhs.net)", "([email])"),
        ("Call 07700 900123 now", "Call [phone] now"),
        ("Call 07700900123.", "Call [phone]."),
        ("Call +44 7700 900123.", "Call [phone]."),
        ("Call +44 (0)161 496 0000.", "Call [phone]."),
        ("Call (0161) 496 0000.", "Call [phone]."),
        ("Call 0161-496-0000.", "Call [phone]."),
        ("Call 0161.496.0000.", "Call [phone]."),
        ("Ring ext. 4321 or bleep 1234", "Ring [phone] or [phone]"),
        ("Extension 40123", "[phone]"),
    ],
)
def test_email_addresses_and_phone_numbers_are_redacted(text: str, expected: str) -> None:
    assert redact(text, PEOPLE) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The stock take ran in January 2025, and again in 2026.",
        "A £1,200,000 overspend in 2025/26.",
        "12 pairs, 24 people, 3 localities.",
        "Ward 7, bed 12.",
        "The 2024 2025 figures",
    ],
)
def test_months_years_money_and_small_numbers_are_left_alone(text: str) -> None:
    assert redact(text, PEOPLE) == text


def test_without_known_people_listed_names_and_contact_details_are_still_redacted() -> None:
    # "Okafor" is on the shipped surname list; "Rota" is nobody's name.
    assert redact("Okafor: 07700 900123", []) == "[name]: [phone]"
    assert redact("Rota: 07700 900123", []) == "Rota: [phone]"


def test_name_variants_drop_titles_and_initials() -> None:
    assert name_variants("Dr Amara J. Okafor") == {
        "Amara J. Okafor",
        "Amara Okafor",
        "Amara",
        "Okafor",
    }
    assert name_variants("Prof. Smith-Jones") == {"Smith-Jones", "Smith", "Jones"}
    assert name_variants("Dr") == set()


def test_spans_give_the_original_positions_and_do_not_overlap() -> None:
    text = "Ask Dr Okafor (amara.okafor@x.example) on 07700 900123."
    spans = redaction_spans(text, PEOPLE)
    assert spans == [
        RedactionSpan(4, 13, "[name]"),
        RedactionSpan(15, 37, "[email]"),
        RedactionSpan(42, 54, "[phone]"),
    ]
    assert [text[s.start : s.end] for s in spans] == [
        "Dr Okafor",
        "amara.okafor@x.example",
        "07700 900123",
    ]


def test_positions_move_into_the_redacted_text() -> None:
    text = "Ask Dr Okafor about the budget."
    redacted = apply_redaction(text, redaction_spans(text, PEOPLE))
    assert redacted.text == "Ask [name] about the budget."
    budget = text.index("budget")
    new = redacted.position(budget)
    assert redacted.text[new : redacted.position(budget + 6, is_end=True)] == "budget"
    # A selection starting or ending inside a name widens to the whole "[name]".
    assert redacted.text[redacted.position(7) : redacted.position(9, is_end=True)] == "[name]"
    assert redacted.position(0) == 0
    assert redacted.position(len(text), is_end=True) == len(redacted.text)


def test_a_redactor_is_reusable_and_order_of_names_does_not_matter() -> None:
    one = NameRedactor.for_names(PEOPLE)
    other = NameRedactor.for_names(reversed(PEOPLE))
    text = "Dr Okafor and Anna Kowalski"
    assert one.redact(text) == other.redact(text) == "[name] and [name]"


TITLES = {title.lower() for title in themes.TITLES}
NAME_LETTERS = st.text(alphabet=string.ascii_letters, min_size=2, max_size=10)
FILLER = st.lists(
    st.sampled_from(["the", "meeting", "budget", "and", "we", "agreed", ",", ".", "rota"]),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(
    first=NAME_LETTERS, surname=NAME_LETTERS, before=FILLER, after=FILLER, form=st.integers(0, 5)
)
def test_a_mentioned_name_never_survives_redaction(first, surname, before, after, form) -> None:
    assume(first.lower() not in TITLES and surname.lower() not in TITLES)
    written = [
        f"{first} {surname}",
        f"Dr {surname}",
        surname.upper(),
        f"{surname}'s",
        first.lower(),
        f"Dr. {first} {surname}'s",
    ][form]
    redacted = redact(" ".join([*before, written, *after]), [f"Dr {first} {surname}"])
    assert "[name]" in redacted
    for part in (first, surname):
        assert re.search(rf"(?<!\w){re.escape(part)}(?!\w)", redacted, re.IGNORECASE) is None


# --- theme suggestions ---------------------------------------------------------------------

BUDGET = [
    "The budget is overspent and finance never explain it.",
    "Finance reports on the budget arrive too late to act.",
    "We need a clear budget from finance each month.",
    "Budget cuts are decided without us; finance just tells us.",
]
ROTA = [
    "The rota has gaps every weekend and agency staff fill them.",
    "Agency staff cover the rota gaps at great cost.",
    "Rota gaps mean the consultants cover nights.",
    "Weekend rota gaps leave the ward short.",
]


def as_ids(texts: list[str], start: int = 0) -> list[tuple[int, str]]:
    return [(start + i, text) for i, text in enumerate(texts)]


def test_two_clear_topics_become_two_themes() -> None:
    themes = suggest_themes(as_ids(BUDGET) + as_ids(ROTA, start=100))
    assert sorted(sorted(t.member_ids) for t in themes) == [[0, 1, 2, 3], [100, 101, 102, 103]]
    by_member = {t.member_ids[0]: t for t in themes}
    assert {"budget", "finance"} <= set(by_member[0].terms)
    assert {"rota", "gaps"} <= set(by_member[100].terms)
    assert all(t.silhouette is not None and t.silhouette > 0 for t in themes)


def test_suggestions_are_reproducible() -> None:
    texts = as_ids(BUDGET + ROTA + ["Meetings run late.", "Nobody minutes the meetings."])
    assert suggest_themes(texts, seed=7) == suggest_themes(texts, seed=7)


@pytest.mark.parametrize("texts", [[], [(1, "Only one answer about the budget.")]])
def test_no_theme_from_fewer_than_two_texts(texts) -> None:
    assert suggest_themes(texts) == []


def test_two_texts_make_one_theme() -> None:
    (theme,) = suggest_themes([("a", "Budget meetings"), ("b", "Budget pressure")])
    assert theme.member_ids == ("a", "b")
    assert theme.terms[0] == "budget"
    assert theme.silhouette is None


def test_three_texts_are_too_few_to_split() -> None:
    (theme,) = suggest_themes(as_ids(BUDGET[:3]))
    assert theme.member_ids == (0, 1, 2)


def test_identical_texts_make_one_theme_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (theme,) = suggest_themes(as_ids(["Too many meetings."] * 6))
    assert theme.member_ids == (0, 1, 2, 3, 4, 5)


def test_texts_of_only_stop_words_or_blanks_are_left_out() -> None:
    assert suggest_themes(as_ids(["the and of", "   ", "", "it is what it is"])) == []
    (theme,) = suggest_themes(as_ids(["the and of", "Rota gaps", "Rota gaps again", ""]))
    assert theme.member_ids == (1, 2)


def test_extra_stop_words_keep_names_out_of_the_terms() -> None:
    texts = as_ids([f"Dr Okafor says the {word} works" for word in ("rota", "rota", "huddle")])
    plain = {term for t in suggest_themes(texts) for term in t.terms}
    without = {
        term
        for t in suggest_themes(texts, extra_stop_words=["Dr Amara Okafor", "Siobhán"])
        for term in t.terms
    }
    assert "okafor" in plain and "okafor" not in without and "amara" not in without


def test_numbers_never_become_terms() -> None:
    # The audit found a suggestion labelled "07700, 900123": the digits of a phone number.
    texts = as_ids([f"Ring 07700 900123 about the {word}" for word in ("rota",) * 3 + ("budget",)])
    terms = {term for t in suggest_themes(texts) for term in t.terms}
    assert terms and not any(char.isdigit() for term in terms for char in term)


def test_with_a_redactor_names_never_become_terms() -> None:
    texts = as_ids(
        [
            "Dr Smith says the rota works",
            "smith thinks the rota works",
            "Sarah Jenkins says the rota has gaps",
            "the rota works, says Okafor",
        ]
    )
    redactor = NameRedactor.for_names(["Dr Amara Okafor"])
    terms = {term for t in suggest_themes(texts, redactor=redactor) for term in t.terms}
    assert "rota" in terms
    assert not terms & {"smith", "sarah", "jenkins", "okafor", "dr", "name"}


NAMES_AND_NUMBERS = st.lists(
    st.sampled_from(
        [
            "Dr Smith",
            "Sarah",
            "Mr O'Neill",
            "07700 900123",
            "943 476 5919",
            "12/03/1971",
            "M1 1AE",
            "Okafor",
            "rota",
            "budget",
            "gaps",
            "meetings",
            "the",
            "said",
            "agreed",
        ]
    ),
    min_size=2,
    max_size=10,
)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(NAMES_AND_NUMBERS, min_size=2, max_size=8))
def test_theme_labels_never_hold_a_number_or_a_name(texts) -> None:
    redactor = NameRedactor.for_names(["Dr Amara Okafor"])
    suggestions = suggest_themes(as_ids([" ".join(words) for words in texts]), redactor=redactor)
    for suggestion in suggestions:
        for term in suggestion.terms:
            assert not any(char.isdigit() for char in term)
            assert term not in {"smith", "sarah", "neill", "okafor", "name", "phone", "date"}


def test_the_number_of_themes_is_capped_and_singletons_dropped() -> None:
    topics = [f"{word} {word} problem" for word in ("rota", "budget", "estates", "parking", "it")]
    texts = as_ids([topic for topic in topics for _ in range(2)])
    themes = suggest_themes(texts, max_themes=3)
    assert 1 <= len(themes) <= 3
    assert all(len(t.member_ids) >= 2 for t in themes)
    assert [len(t.member_ids) for t in themes] == sorted(
        (len(t.member_ids) for t in themes), reverse=True
    )


def test_a_mapping_of_texts_is_accepted() -> None:
    texts = as_ids(BUDGET) + as_ids(ROTA, start=100)
    assert suggest_themes(dict(texts)) == suggest_themes(texts)


# --- summaries -----------------------------------------------------------------------------

FEWER = str(SuppressionReason.FEWER_THAN_K)
SUBTRACTION = str(SuppressionReason.SUBTRACTION)


def units(wave: str, group: str, n: int, codes: set[str] | None = None, start: int = 0):
    return [
        CodedUnit(
            unit_id=f"{wave}-{group}-{start + i}",
            wave=wave,
            group=group,
            codes=frozenset(codes or ()),
        )
        for i in range(n)
    ]


def test_frequencies_count_respondents_in_each_group() -> None:
    data = units("w1", "doctor", 6, {"trust"}) + units("w1", "manager", 7, {"trust", "time"})
    data += units("w1", "manager", 3, start=50)
    table = code_frequencies(data, k=5, groups=["doctor", "manager"])["w1"]
    assert table.groups == ("doctor", "manager")
    assert {g: c.count for g, c in table.respondents.items()} == {"doctor": 6, "manager": 10}
    assert table.respondents_total.count == 16
    rows = {row.code: row for row in table.rows}
    assert {g: c.count for g, c in rows["trust"].cells.items()} == {"doctor": 6, "manager": 7}
    assert rows["trust"].total.count == 13
    # "time": 7 managers; the doctors' 0 is hidden, so the managers' 7 (= total − 0) is too.
    assert rows["time"].cells["doctor"].reason == FEWER
    assert rows["time"].cells["manager"].reason == SUBTRACTION
    assert rows["time"].total.count == 7


def test_a_group_smaller_than_k_is_hidden_with_its_partner() -> None:
    data = units("w1", "doctor", 8, {"trust"}) + units("w1", "other", 2, {"trust"})
    data += units("w1", "manager", 9, {"trust"})
    table = code_frequencies(data, k=5)["w1"]
    (row,) = table.rows
    assert row.cells["other"].reason == FEWER
    assert row.cells["doctor"].reason == SUBTRACTION  # the smaller of the other two
    assert row.cells["manager"].count == 9 and row.total.count == 19
    assert table.respondents["other"].count is None
    assert table.respondents["doctor"].count is None  # the group sizes need the same protection


def test_frequencies_are_kept_apart_by_wave_and_follow_the_code_order() -> None:
    data = units("before", "doctor", 5, {"b", "a"}) + units("after", "doctor", 6, {"a"})
    tables = code_frequencies(data, k=5, codes=["b", "a", "unused"])
    assert [row.code for row in tables["before"].rows] == ["b", "a"]
    assert [row.code for row in tables["after"].rows] == ["a"]
    assert tables["after"].rows[0].total.count == 6


def test_a_wave_with_no_codes_has_group_sizes_only() -> None:
    table = code_frequencies(units("w1", "doctor", 5), k=5)["w1"]
    assert table.rows == () and table.respondents_total.count == 5


def test_k_below_three_is_refused() -> None:
    with pytest.raises(AnalysisInputError):
        code_frequencies(units("w1", "doctor", 5), k=2)
    with pytest.raises(AnalysisInputError):
        code_cooccurrence(units("w1", "doctor", 5), k=2)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(0, 12), st.integers(1, 12)), min_size=1, max_size=4),
    k=st.integers(3, 6),
)
def test_no_frequency_under_k_is_ever_shown(sizes, k) -> None:
    data = []
    for index, (with_code, without) in enumerate(sizes):
        data += units("w", f"g{index}", with_code, {"c"}) + units(
            "w", f"g{index}", without, start=99
        )
    table = code_frequencies(data, k=k)["w"]
    shown = [cell.count for row in table.rows for cell in (*row.cells.values(), row.total)]
    shown += [cell.count for cell in (*table.respondents.values(), table.respondents_total)]
    assert all(count >= k for count in shown if count is not None)


def test_a_position_hidden_from_outside_is_protected_like_any_other() -> None:
    """The disclosure ledger refuses the doctors' count: the managers' must go too, or the
    row total would give the doctors' away by subtraction."""
    data = units("w1", "doctor", 8, {"trust"}) + units("w1", "manager", 9, {"trust"})
    free = themes.code_frequency_table(data, k=5, wave="w1")
    assert free is not None and free.rows[0].cells["doctor"].count == 8
    table = themes.code_frequency_table(
        data, k=5, wave="w1", forced_hidden=[Position.cell("trust", "doctor")]
    )
    assert table is not None
    (row,) = table.rows
    assert row.cells["doctor"].reason == str(SuppressionReason.DIFFERENCING)
    assert row.cells["manager"].reason == SUBTRACTION
    assert row.total.count == 17
    assert table.respondents["doctor"].count == 8  # another row: not touched


def test_a_refused_total_hides_a_part_too() -> None:
    data = units("w1", "doctor", 8, {"trust"}) + units("w1", "manager", 9, {"trust"})
    table = themes.code_frequency_table(
        data, k=5, forced_hidden=[Position.row_total(themes.RESPONDENTS_ROW)]
    )
    assert table is not None
    assert table.respondents_total.count is None
    # Both group sizes shown would add up to the hidden total.
    assert None in [cell.count for cell in table.respondents.values()]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(0, 12), st.integers(1, 12)), min_size=1, max_size=4),
    k=st.integers(3, 6),
)
def test_one_grid_suppresses_like_the_rows_and_the_sizes_apart(sizes, k) -> None:
    """Suppressing the group sizes in the same grid as the codes changes nothing: the rows
    share no margin."""
    data = []
    for index, (with_code, without) in enumerate(sizes):
        data += units("w", f"g{index}", with_code, {"c"}) + units(
            "w", f"g{index}", without, start=99
        )
    table = code_frequencies(data, k=k)["w"]
    groups = table.groups
    sizes_apart = suppress_breakdown({g: sum(u.group == g for u in data) for g in groups}, k=k)
    assert [table.respondents[g].count for g in groups] == [
        sizes_apart.count(Position.cell(g, BREAKDOWN_COLUMN)) for g in groups
    ]
    assert table.respondents_total.count == sizes_apart.count(Position.column_total("n"))


def test_cooccurrence_counts_units_with_both_codes() -> None:
    data = units("w1", "doctor", 6, {"trust", "time"}) + units(
        "w1", "doctor", 2, {"trust", "money"}
    )
    data += units("w1", "doctor", 4, {"time"}, start=20)
    pairs = code_cooccurrence(data, k=5, codes=["trust", "time", "money"])["w1"]
    assert [(p.first, p.second, p.cell.count, p.cell.reason) for p in pairs] == [
        ("trust", "time", 6, None),
        ("trust", "money", None, FEWER),
    ]


def test_cooccurrence_of_a_wave_without_pairs_is_empty() -> None:
    assert code_cooccurrence(units("w1", "doctor", 5, {"trust"}), k=5) == {"w1": ()}
