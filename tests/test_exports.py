from __future__ import annotations

import pytest

from tandem.exports import safe_cell, safe_row


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_text_a_spreadsheet_would_run_is_made_inert(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_ordinary_text_and_numbers_are_unchanged() -> None:
    assert safe_row(["Dr Amara Okafor", -3, 2.5, "", None]) == [
        "Dr Amara Okafor",
        -3,
        2.5,
        "",
        None,
    ]
