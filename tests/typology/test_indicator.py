"""The shipped item bank: Tandem's own bipolar items, at least eight per preference pair."""

from __future__ import annotations

import pytest

from tandem.analysis.typology import PAIRS
from tandem.typology.indicator import IndicatorError, get_indicator, parse_indicator


def test_the_shipped_indicator_has_eight_balanced_items_per_pair() -> None:
    indicator = get_indicator()
    assert (indicator.id, indicator.version) == ("type-indicator", 1)
    for pair in PAIRS:
        items = [item for item in indicator.items if item.pair == pair.id]
        assert len(items) >= 8
        # Each pole is statement A in half the items: agreeing with A cannot make a preference.
        assert sum(item.a_pole == pair.first for item in items) == len(items) // 2


def test_every_item_offers_five_answers_worded_with_its_two_statements() -> None:
    indicator = get_indicator()
    item = indicator.items[0]
    options = indicator.options_for(item)
    assert [value for value, _ in options] == [1, 2, 3, 4, 5]
    assert options[0][1] == f"Much more like me: {item.a}"
    assert options[4][1] == f"Much more like me: {item.b}"
    assert options[2][1] == "Both equally, or it depends"


def test_items_are_not_presented_grouped_by_pair() -> None:
    pairs_in_order = [item.pair for item in get_indicator().items]
    assert pairs_in_order[:4] == ["ei", "sn", "tf", "jp"]


def test_a_bank_with_too_few_items_for_a_pair_is_refused() -> None:
    text = """
id: type-indicator
version: 2
title: T
description: D
answers: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c}, {value: 4, label: d}, {value: 5, label: e}]
pairs:
  ei: {title: a, question: b}
  sn: {title: a, question: b}
  tf: {title: a, question: b}
  jp: {title: a, question: b}
items:
  - {id: ei1, pair: ei, a_pole: E, a: x, b: y}
"""
    with pytest.raises(IndicatorError, match="pair ei has 1 items; it needs at least 8"):
        parse_indicator(text, "type-indicator-v2.yaml")


def test_an_item_with_a_pole_from_another_pair_is_refused() -> None:
    text = "id: t\nversion: 1\ntitle: T\ndescription: D\nanswers: []\n"
    with pytest.raises(IndicatorError, match="answers must have the values 1 to 5"):
        parse_indicator(text)
