from __future__ import annotations

import pytest

from tandem.coding.quotes import QuoteError, locate_quote

TEXT = "We agreed the “rota” at the\r\nmeeting – then the rota changed.\n\nNobody told the ward."


def found(quote: str) -> str:
    start, end = locate_quote(TEXT, quote)
    return TEXT[start:end]


def test_an_exact_passage_is_found_where_it_is() -> None:
    assert locate_quote(TEXT, "Nobody told") == (TEXT.index("Nobody"), TEXT.index("Nobody") + 11)


def test_surrounding_whitespace_of_the_paste_is_ignored() -> None:
    assert found("  Nobody told the ward.\r\n") == "Nobody told the ward."


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("at the meeting", "at the\r\nmeeting"),
        ('the "rota" at', "the “rota” at"),
        ("meeting - then", "meeting – then"),
        ("NOBODY TOLD", "Nobody told"),
        ("changed. Nobody", "changed.\n\nNobody"),
    ],
)
def test_line_breaks_quotes_dashes_and_case_may_differ(pasted: str, expected: str) -> None:
    assert found(pasted) == expected


def test_a_passage_that_is_not_there_says_so() -> None:
    with pytest.raises(QuoteError, match="This passage is not in the text"):
        locate_quote(TEXT, "the rota stayed")


def test_a_passage_found_twice_asks_for_more() -> None:
    with pytest.raises(QuoteError, match="appears 2 times"):
        locate_quote(TEXT, "rota")


def test_an_empty_paste_asks_for_a_passage() -> None:
    with pytest.raises(QuoteError, match="Paste the passage"):
        locate_quote(TEXT, "  \r\n ")
