"""Type indicator scoring against hand-worked examples (docs/methods.md, "Type indicator")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.typology import (
    PAIRS,
    Band,
    BipolarItem,
    answer_frame,
    changed_letters,
    clarity_band,
    pair_contrast,
    pair_reliability,
    parse_type,
    resolved_letters,
    score_answers,
    score_frame,
    team_table,
)

# Eight items a pair; odd items put the first pole (E, S, T, J) in statement A, even ones the second.
ITEMS = [
    BipolarItem(id=f"{pair.id}{n}", pair=pair.id, a_pole=pair.first if n % 2 else pair.second)
    for pair in PAIRS
    for n in range(1, 9)
]


def answers_for(pair_id: str, answers: list[int | None]) -> dict[str, int | None]:
    return {f"{pair_id}{n}": value for n, value in enumerate(answers, start=1)}


def neutral_except(**pairs: list[int | None]) -> dict[str, int | None]:
    """Every item answered 3 ("both equally"), except the pairs given."""
    answers: dict[str, int | None] = {item.id: 3 for item in ITEMS}
    for pair_id, values in pairs.items():
        answers.update(answers_for(pair_id, values))
    return answers


def test_hand_worked_example_scores_each_item_toward_its_pole() -> None:
    # E–I answers 1,5,2,4,3,3,1,2 on items whose statement A is E,I,E,I,E,I,E,I:
    # +2 (A=E, much more A) +2 (A=I, much more B=E) +1 +1 +0 +0 +2 −1 (A=I, a little more A=I) = 7.
    # 7 of a possible 16 is 0.4375: a moderate preference for Extraversion.
    score = score_answers(neutral_except(ei=[1, 5, 2, 4, 3, 3, 1, 2]), ITEMS)
    ei = score.preference("ei")
    assert (ei.total, ei.answered, ei.letter) == (7, 8, "E")
    assert ei.clarity == pytest.approx(7 / 16)
    assert ei.band is Band.MODERATE


def test_hand_worked_full_type_with_one_pole_of_each_pair() -> None:
    # S–N: always "much more like" the N statement → −16 (very clear N).
    # T–F: a little more like T on six items, equal on two → +6, 6/16 = 0.375 (moderate T).
    # J–P: a little more like P on every item → −8, 8/16 = 0.5 (clear P, on the boundary).
    score = score_answers(
        neutral_except(
            ei=[1, 5, 1, 5, 1, 5, 1, 5],
            sn=[5, 1, 5, 1, 5, 1, 5, 1],
            tf=[2, 4, 2, 4, 2, 4, 3, 3],
            jp=[4, 2, 4, 2, 4, 2, 4, 2],
        ),
        ITEMS,
    )
    assert score.reported_type == "ENTP"
    assert [p.total for p in score.preferences] == [16, -16, 6, -8]
    assert [p.band for p in score.preferences] == [
        Band.VERY_CLEAR,
        Band.VERY_CLEAR,
        Band.MODERATE,
        Band.CLEAR,
    ]


def test_always_choosing_the_first_statement_gives_no_clear_preference() -> None:
    # Half the items put each pole first, so "much more like A" everywhere sums to 0 on every pair.
    score = score_answers({item.id: 1 for item in ITEMS}, ITEMS)
    assert score.reported_type == "XXXX"
    assert all(p.band is Band.NONE and p.letter is None for p in score.preferences)
    assert all(p.clarity == 0 for p in score.preferences)


def test_a_tie_on_one_pair_is_reported_as_x_and_not_resolved_to_a_letter() -> None:
    score = score_answers(neutral_except(ei=[1, 5, 1, 5, 1, 5, 1, 5], tf=[1] * 8), ITEMS)
    assert score.reported_type == "EXXX"
    assert score.preference("tf").total == 0
    assert score.preference("tf").band is Band.NONE


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # Toward E by the item scores shown; 16 is the maximum with all eight answered.
        ([2, 4, 2, 3, 3, 3, 3, 3], 3, Band.SLIGHT),  # 3/16 = 0.1875
        ([2, 4, 2, 4, 3, 3, 3, 3], 4, Band.MODERATE),  # 4/16 = 0.25, the boundary
        ([2, 4, 2, 4, 2, 4, 2, 3], 7, Band.MODERATE),  # 7/16 = 0.4375
        ([2, 4, 2, 4, 2, 4, 2, 4], 8, Band.CLEAR),  # 8/16 = 0.5, the boundary
        ([1, 5, 2, 4, 2, 4, 2, 4], 10, Band.CLEAR),  # 10/16 = 0.625
        ([1, 5, 1, 5, 2, 4, 2, 4], 12, Band.VERY_CLEAR),  # 12/16 = 0.75, the boundary
        ([4, 2, 4, 3, 3, 3, 3, 3], -3, Band.SLIGHT),  # the same bands toward I
        ([4, 2, 4, 2, 3, 3, 3, 3], -4, Band.MODERATE),
    ],
)
def test_clarity_bands_at_their_boundaries(answers: list[int], total: int, band: Band) -> None:
    ei = score_answers(neutral_except(ei=answers), ITEMS).preference("ei")
    assert ei.total == total
    assert ei.band is band
    assert ei.letter == ("E" if total > 0 else "I")


def test_missing_answers_shrink_the_maximum_to_the_items_answered() -> None:
    # Six answered, all "a little more" toward S except two equal: +4 of a possible 12 = 1/3.
    # Of all eight items it would be 4/16 = 0.25; the answered-items rule gives 0.333 (moderate).
    sn = score_answers(neutral_except(sn=[2, 4, 2, 4, 3, 3, None, None]), ITEMS).preference("sn")
    assert (sn.total, sn.answered, sn.n_items) == (4, 6, 8)
    assert sn.clarity == pytest.approx(1 / 3)
    assert sn.band is Band.MODERATE


def test_half_the_items_answered_is_enough_and_fewer_is_not() -> None:
    half = score_answers(neutral_except(jp=[1, 5, 1, 5, None, None, None, None]), ITEMS)
    assert half.preference("jp").total == 8
    assert half.preference("jp").band is Band.VERY_CLEAR  # 8 of a possible 8
    fewer = score_answers(neutral_except(jp=[1, 5, 1, None, None, None, None, None]), ITEMS)
    assert fewer.preference("jp").total is None
    assert fewer.preference("jp").band is None
    assert fewer.reported_type == "XXX?"


def test_an_answer_outside_one_to_five_is_refused_with_the_item_named() -> None:
    with pytest.raises(AnalysisInputError, match=r"Item 'ei1': 6 is out of range"):
        score_answers(neutral_except(ei=[6, 3, 3, 3, 3, 3, 3, 3]), ITEMS)


def test_clarity_band_rejects_an_empty_pair() -> None:
    with pytest.raises(ValueError, match="max_possible must be positive"):
        clarity_band(0, 0)


@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=8, max_size=8))
def test_clarity_is_between_0_and_1_and_the_letter_follows_the_sign(
    answers: list[int | None],
) -> None:
    assume(sum(a is not None for a in answers) >= 4)
    ei = score_answers(neutral_except(ei=answers), ITEMS).preference("ei")
    assert ei.total is not None
    assert ei.clarity is not None and 0 <= ei.clarity <= 1
    assert ei.letter == ("E" if ei.total > 0 else "I" if ei.total < 0 else None)


def frame_of(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[item.id for item in ITEMS], dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def test_score_frame_names_missing_item_columns() -> None:
    frame = frame_of([{item.id: "3" for item in ITEMS}]).drop(columns=["sn3", "jp8"])
    with pytest.raises(AnalysisInputError, match=r"no column for items sn3, jp8"):
        score_frame(frame, ITEMS)


def test_score_frame_names_the_row_of_an_out_of_range_answer() -> None:
    frame = frame_of([{item.id: "3" for item in ITEMS}, {item.id: "3" for item in ITEMS}])
    frame.loc[3, "tf2"] = "7"
    with pytest.raises(AnalysisInputError, match=r"Column 'tf2', row 3: '7' is out of range"):
        score_frame(frame, ITEMS)


def test_score_frame_refuses_a_fractional_answer() -> None:
    frame = frame_of([{item.id: "3" for item in ITEMS}])
    frame.loc[2, "ei4"] = "2.5"
    with pytest.raises(AnalysisInputError, match=r"Column 'ei4', row 2: '2.5' is out of range"):
        answer_frame(frame, ITEMS)


def test_score_frame_names_a_non_numeric_answer() -> None:
    frame = frame_of([{item.id: "3" for item in ITEMS}])
    frame.loc[2, "jp1"] = "agree"
    with pytest.raises(AnalysisInputError, match=r"Column 'jp1', row 2: 'agree' is not a number"):
        score_frame(frame, ITEMS)


def simulated_answers(seed: int, n: int = 60, missing: float = 0.08) -> pd.DataFrame:
    """Answers driven by a latent preference per pair, with a few blanks."""
    rng = np.random.default_rng(seed)
    columns = {}
    for pair in PAIRS:
        latent = rng.normal(0, 1.2, n)
        for item in (i for i in ITEMS if i.pair == pair.id):
            toward_first = np.clip(np.round(latent + rng.normal(0, 0.9, n)), -2, 2)
            answer = 3 - toward_first if item.a_pole == pair.first else 3 + toward_first
            answer[rng.random(n) < missing] = np.nan
            columns[item.id] = answer
    return pd.DataFrame(columns)


def test_alpha_per_pair_matches_pingouin_on_reverse_keyed_answers() -> None:
    values = simulated_answers(seed=11)
    results = pair_reliability(values, ITEMS)
    for pair in PAIRS:
        # The reference recodes independently: items whose statement A is the second pole are
        # reverse-keyed as 6 − x, the Likert rule, so every item points at the first pole.
        columns = [item.id for item in ITEMS if item.pair == pair.id]
        reference = values[columns].copy()
        for item in ITEMS:
            if item.pair == pair.id and item.a_pole == pair.second:
                reference[item.id] = 6 - reference[item.id]
        alpha, ci = pg.cronbach_alpha(reference, nan_policy="pairwise")
        result = results[pair.id].result
        assert result is not None
        assert result.alpha == pytest.approx(alpha, abs=1e-10)
        assert result.alpha_ci == pytest.approx(tuple(ci), abs=5e-4)


def test_alpha_is_reported_as_not_computable_for_a_single_respondent() -> None:
    values = simulated_answers(seed=3, n=1, missing=0)
    result = pair_reliability(values, ITEMS)["ei"]
    assert result.result is None
    assert result.reason is not None and "at least 2 respondents" in result.reason


def test_parse_type_accepts_lower_case_and_rejects_letters_out_of_order() -> None:
    assert parse_type(" entj ") == "ENTJ"
    with pytest.raises(AnalysisInputError, match="E or I, S or N, T or F, J or P"):
        parse_type("NETJ")
    with pytest.raises(AnalysisInputError):
        parse_type("ENT")


def test_best_fit_changes_and_resolved_ties_are_counted_apart() -> None:
    assert changed_letters("ENTJ", "INTJ") == ("ei",)
    assert changed_letters("XNTJ", "INTJ") == ()
    assert resolved_letters("XNT?", "INTJ") == ("ei", "jp")
    assert changed_letters("ENTJ", "ENTJ") == ()


def test_team_table_is_absent_below_k() -> None:
    assert team_table(["ESTJ", "ISTJ", "ENFP", "INTP"], k=5) is None


def test_team_table_counts_types_in_the_classic_grid_and_finds_blind_spots() -> None:
    types = ["ESTJ", "ESTJ", "ISTJ", "ESFJ", "ENTP", "ISTJ"]
    groups = ["Doctor", "Manager", "Doctor", "Manager", "Doctor", "Manager"]
    table = team_table(types, k=5, groups=groups)
    assert table is not None
    assert table.n == 6
    # Rows IJ, IP, EP, EJ; columns ST, SF, NF, NT.
    assert table.grid == (
        (2, 0, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 0, 1),
        (2, 1, 0, 0),
    )
    assert table.by_preference == {
        "E": 4, "I": 2, "S": 5, "N": 1, "T": 5, "F": 1, "J": 5, "P": 1,
    }  # fmt: skip
    # E is held by exactly two thirds (4 of 6): shared, on the boundary.
    assert table.shared == ("E", "S", "T", "J")
    assert table.blind_spots == ("I", "N", "F", "P")
    assert table.group_sizes == {"Doctor": 3, "Manager": 3}
    assert table.by_group["Manager"]["F"] == 1


def test_team_table_refuses_k_below_three() -> None:
    with pytest.raises(AnalysisInputError, match="k must be"):
        team_table(["ESTJ"] * 5, k=2)


def test_pair_contrast_lists_the_differing_and_shared_preferences() -> None:
    contrast = pair_contrast("ENTJ", "esfj")
    assert contrast.differing == ("sn", "tf")
    assert contrast.same == (("ei", "E"), ("jp", "J"))
