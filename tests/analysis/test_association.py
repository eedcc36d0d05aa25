"""Coaching dose against change: checked against pingouin.corr and scipy."""

from __future__ import annotations

import pingouin as pg
import pytest
from scipy import stats

from tandem.analysis.association import association
from tandem.analysis.errors import AnalysisInputError

DOSE = [0, 1, 2, 2, 3, 4, 4, 4, 3, 1, 2, 4]
CHANGE = [-0.2, 0.1, 0.3, 0.0, 0.4, 0.9, 0.5, 0.7, 0.2, -0.1, 0.6, 0.8]


def test_pearson_r_and_its_confidence_interval_match_pingouin() -> None:
    result = association(DOSE, CHANGE, x_label="coaching", y_label="change")
    reference = pg.corr(DOSE, CHANGE, method="pearson")
    assert result.n == 12
    assert result.r == pytest.approx(reference["r"].iloc[0], abs=1e-12)
    low, high = reference["CI95"].iloc[0]
    # pingouin rounds its interval to 2 decimals.
    assert result.r_ci_low == pytest.approx(low, abs=0.005)
    assert result.r_ci_high == pytest.approx(high, abs=0.005)
    assert result.r_p == pytest.approx(reference["p_val"].iloc[0], rel=1e-9)


def test_spearman_rho_matches_scipy_with_ties() -> None:
    result = association(DOSE, CHANGE)
    rho, p = stats.spearmanr(DOSE, CHANGE)
    assert result.rho == pytest.approx(rho, abs=1e-12)
    assert result.rho_p == pytest.approx(p, rel=1e-9)


def test_the_sentence_calls_it_an_association_not_a_cause() -> None:
    result = association(DOSE, CHANGE, x_label="coaching", y_label="change")
    assert "strong association" in result.sentence
    assert "not evidence that one caused the other" in result.sentence


def test_an_interval_spanning_zero_is_no_clear_association() -> None:
    result = association([1, 2, 3, 4, 5, 6], [3, 1, 4, 1, 5, 2], x_label="coaching")
    assert result.r_ci_low < 0 < result.r_ci_high
    assert "no clear association between coaching" in result.sentence


def test_missing_values_are_dropped_pairwise() -> None:
    result = association([1, 2, 3, 4, float("nan"), 6], [2, 1, 4, 3, 9, 5])
    assert result.n == 5


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1, 2, 3], [1, 2, 3], "at least 4 people"),
        ([1, 2, 3, 4], [1, 2, 3], "must be paired"),
        ([2, 2, 2, 2, 2], [1, 2, 3, 4, 5], "Everyone has the same x"),
    ],
)
def test_too_little_to_measure_is_a_clear_error(x, y, message) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        association(x, y)
