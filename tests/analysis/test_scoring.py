"""Scale scoring: reverse keys, "don't know", the at-least-half rule (docs/methods.md, "Scoring")."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.scoring import ScaleDefinition, recode_reverse, score_items

NAN = math.nan

# Four items, one reverse-keyed: a scale like Tandem's "working together".
TOGETHER = ScaleDefinition(id="together", items=("t1", "t2", "t3", "t4"), reverse=frozenset({"t4"}))
# Five items, two reverse-keyed.
TRUST = ScaleDefinition(
    id="trust", items=("r1", "r2", "r3", "r4", "r5"), reverse=frozenset({"r2", "r5"})
)


def answers(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", dtype=float)


def test_reverse_keyed_item_is_scored_six_minus_answer() -> None:
    data = answers({"amy": {"t1": 4, "t2": 5, "t3": 3, "t4": 1}})
    # Worked by hand: (4 + 5 + 3 + (6 − 1)) / 4 = 17 / 4.
    assert score_items(data, [TOGETHER]).loc["amy", "together"] == pytest.approx(4.25, abs=1e-12)


def test_dont_know_is_left_out_of_the_mean() -> None:
    data = answers({"ben": {"r1": 5, "r2": NAN, "r3": 4, "r4": 3, "r5": 2}})
    # r2 "don't know"; r5 reversed to 4: (5 + 4 + 3 + 4) / 4 = 4.
    assert score_items(data, [TRUST]).loc["ben", "trust"] == pytest.approx(4.0, abs=1e-12)


def test_exactly_half_answered_is_scored() -> None:
    data = answers({"cat": {"t1": 2, "t2": NAN, "t3": NAN, "t4": 2}})
    # 2 of 4 answered is "at least half": (2 + (6 − 2)) / 2 = 3.
    assert score_items(data, [TOGETHER]).loc["cat", "together"] == pytest.approx(3.0, abs=1e-12)


def test_fewer_than_half_answered_is_missing() -> None:
    data = answers(
        {
            "dan": {"t1": 5, "t2": NAN, "t3": NAN, "t4": NAN, "r1": 5, "r2": 1},
        }
    ).reindex(columns=["t1", "t2", "t3", "t4", "r1", "r2", "r3", "r4", "r5"])
    scores = score_items(data, [TOGETHER, TRUST])
    # 1 of 4 and 2 of 5 are both below half.
    assert math.isnan(scores.loc["dan", "together"])
    assert math.isnan(scores.loc["dan", "trust"])


def test_three_of_five_answered_is_scored() -> None:
    data = answers({"eve": {"r1": 3, "r2": 5, "r3": 4, "r4": NAN, "r5": NAN}})
    # r2 reversed to 1: (3 + 1 + 4) / 3.
    assert score_items(data, [TRUST]).loc["eve", "trust"] == pytest.approx(8 / 3, abs=1e-12)


def test_scores_keep_respondent_ids_and_scale_order() -> None:
    data = answers(
        {
            "p2": {"t1": 1, "t2": 1, "t3": 1, "t4": 5, "r1": 5, "r2": 1, "r3": 5, "r4": 5, "r5": 1},
            "p1": {"t1": 5, "t2": 5, "t3": 5, "t4": 1, "r1": 1, "r2": 5, "r3": 1, "r4": 1, "r5": 5},
        }
    )
    scores = score_items(data, [TRUST, TOGETHER])
    assert list(scores.columns) == ["trust", "together"]
    assert list(scores.index) == ["p2", "p1"]
    assert scores.to_dict() == {"trust": {"p2": 5.0, "p1": 1.0}, "together": {"p2": 1.0, "p1": 5.0}}


def test_other_answer_ranges_reverse_around_their_own_midpoint() -> None:
    seven = ScaleDefinition(
        id="seven", items=("a", "b"), reverse=frozenset({"b"}), min_value=1, max_value=7
    )
    data = answers({"fay": {"a": 7, "b": 2}})
    # b reversed on 1–7: 8 − 2 = 6; (7 + 6) / 2.
    assert score_items(data, [seven]).loc["fay", "seven"] == pytest.approx(6.5, abs=1e-12)


def test_recode_reverse_changes_only_reverse_keyed_items() -> None:
    data = answers({"gus": {"t1": 2, "t2": 3, "t3": NAN, "t4": 1, "notes": 9}})
    recoded = recode_reverse(data, [TOGETHER])
    assert recoded.loc["gus"].to_dict() == pytest.approx(
        {"t1": 2, "t2": 3, "t3": NAN, "t4": 5, "notes": 9}, nan_ok=True
    )


def test_answer_outside_the_range_is_rejected_with_item_and_respondent() -> None:
    data = answers({"hal": {"t1": 6, "t2": 3, "t3": 3, "t4": 3}})
    with pytest.raises(
        AnalysisInputError, match=r"Item 't1', respondent 'hal': 6 is outside the answer range 1–5"
    ):
        score_items(data, [TOGETHER])


def test_missing_item_column_is_named() -> None:
    data = answers({"ivy": {"t1": 1, "t2": 3, "t3": 3}})
    with pytest.raises(AnalysisInputError, match=r"Column 't4' is not in the answers"):
        score_items(data, [TOGETHER])


def test_text_answer_is_rejected_with_its_row() -> None:
    data = pd.DataFrame(
        {"t1": ["3", "agree"], "t2": [1, 2], "t3": [1, 2], "t4": [1, 2]}, index=["jo", "kit"]
    )
    with pytest.raises(AnalysisInputError, match=r"Column 't1', row kit: 'agree' is not a number"):
        score_items(data, [TOGETHER])


def test_item_defined_differently_by_two_scales_is_rejected() -> None:
    clash = ScaleDefinition(id="clash", items=("t4", "x"), reverse=frozenset())
    data = answers({"lu": {"t1": 1, "t2": 1, "t3": 1, "t4": 1, "x": 1}})
    with pytest.raises(AnalysisInputError, match="Item 't4' is defined differently"):
        score_items(data, [TOGETHER, clash])


def test_reverse_key_must_be_one_of_the_items() -> None:
    with pytest.raises(AnalysisInputError, match="reverse-keyed item"):
        ScaleDefinition(id="bad", items=("a", "b"), reverse=frozenset({"c"}))


likert = st.one_of(st.just(NAN), st.integers(1, 5).map(float))


@st.composite
def answer_tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(1, 30))
    values = draw(hnp.arrays(np.float64, (rows, 9), elements=likert))
    return pd.DataFrame(values, columns=["t1", "t2", "t3", "t4", "r1", "r2", "r3", "r4", "r5"])


@settings(max_examples=60, deadline=None)
@given(answer_tables())
def test_scores_stay_within_the_answer_range(data: pd.DataFrame) -> None:
    scores = score_items(data, [TOGETHER, TRUST]).to_numpy()
    present = scores[~np.isnan(scores)]
    assert np.all((present >= 1) & (present <= 5))


@settings(max_examples=60, deadline=None)
@given(answer_tables())
def test_reversing_twice_gives_back_the_answers(data: pd.DataFrame) -> None:
    twice = recode_reverse(recode_reverse(data, [TOGETHER, TRUST]), [TOGETHER, TRUST])
    pd.testing.assert_frame_equal(twice, data)


@settings(max_examples=60, deadline=None)
@given(answer_tables())
def test_score_is_missing_exactly_when_fewer_than_half_are_answered(data: pd.DataFrame) -> None:
    scores = score_items(data, [TOGETHER, TRUST])
    answered_together = data[list(TOGETHER.items)].notna().sum(axis=1)
    answered_trust = data[list(TRUST.items)].notna().sum(axis=1)
    assert (scores["together"].notna() == (answered_together >= 2)).all()
    assert (scores["trust"].notna() == (answered_trust >= 3)).all()


@settings(max_examples=60, deadline=None)
@given(answer_tables())
def test_score_equals_the_row_mean_of_the_recoded_answers(data: pd.DataFrame) -> None:
    recoded = recode_reverse(data, [TOGETHER, TRUST])
    expected = (
        recoded[list(TRUST.items)]
        .mean(axis=1)
        .where(data[list(TRUST.items)].notna().sum(axis=1) >= 3)
    )
    np.testing.assert_allclose(
        score_items(data, [TRUST])["trust"].to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(answer_tables(), st.permutations(["t1", "t2", "t3", "t4", "r1", "r2", "r3", "r4", "r5"]))
def test_column_order_does_not_change_scores(data: pd.DataFrame, order: list[str]) -> None:
    pd.testing.assert_frame_equal(
        score_items(data[order], [TOGETHER, TRUST]), score_items(data, [TOGETHER, TRUST])
    )
