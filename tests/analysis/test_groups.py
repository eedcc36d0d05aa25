"""Two-group summaries and comparisons against scipy, pingouin and R's documented output."""

from __future__ import annotations

import math

import numpy as np
import pingouin as pg
import pytest
from scipy import stats

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.groups import compare_groups, describe

# R's `sleep` data: extra hours of sleep under two drugs (Student 1908), as printed in R.
SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Lakens (2013), Table 1: ratings of two movies by ten people.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def test_describe_matches_the_t_interval_of_scipy() -> None:
    values = np.array([3.2, 4.0, 2.8, 3.6, 4.4, 3.0, 3.8])
    reference = stats.ttest_1samp(values, 0.0).confidence_interval(0.95)
    summary = describe(values)
    assert summary.n == 7
    assert summary.mean == pytest.approx(values.mean(), abs=1e-12)
    assert summary.sd == pytest.approx(values.std(ddof=1), abs=1e-12)
    assert (summary.ci_low, summary.ci_high) == pytest.approx(
        (reference.low, reference.high), abs=1e-12
    )


def test_describe_ignores_missing_values() -> None:
    assert describe([4.0, math.nan, 2.0]) == describe([4.0, 2.0])


def test_describe_one_value_has_a_mean_but_no_sd() -> None:
    summary = describe([3.5])
    assert (summary.n, summary.mean, summary.sd, summary.ci_low, summary.ci_high) == (
        1,
        3.5,
        None,
        None,
        None,
    )


def test_describe_no_values() -> None:
    assert describe([]).mean is None


def test_welch_matches_r_documented_sleep_example() -> None:
    # R: t.test(extra ~ group, data = sleep) → t = -1.8608, df = 17.776, p-value = 0.07939
    comparison = compare_groups(SLEEP_GROUP_1, SLEEP_GROUP_2)
    assert comparison.welch_t == pytest.approx(-1.8608, abs=5e-5)
    assert comparison.welch_df == pytest.approx(17.776, abs=5e-4)
    assert comparison.welch_p == pytest.approx(0.07939, abs=5e-6)


def test_hedges_g_reproduces_lakens_between_subjects_example() -> None:
    # Lakens (2013): Cohen's d_s = 1.13 for the movie data treated as two groups; with
    # J = 1 − 3/(4·20 − 9): g_s = 1.13 · 0.958 = 1.08 (2 decimals, as printed).
    comparison = compare_groups(MOVIE_1, MOVIE_2)
    assert comparison.hedges_g == pytest.approx(1.08, abs=5e-3)
    assert comparison.welch_t == pytest.approx(2.52, abs=5e-3)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_comparison_equals_scipy_and_pingouin(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(3.4, 0.7, 23), 1)
    b = np.round(rng.normal(3.0, 0.9, 31), 1)
    welch = stats.ttest_ind(a, b, equal_var=False)
    mann_whitney = stats.mannwhitneyu(a, b, alternative="two-sided")
    comparison = compare_groups(a, b)
    assert comparison.welch_t == pytest.approx(welch.statistic, abs=1e-12)
    assert comparison.welch_df == pytest.approx(welch.df, abs=1e-10)
    assert comparison.welch_p == pytest.approx(welch.pvalue, abs=1e-12)
    assert comparison.mann_whitney_u == pytest.approx(mann_whitney.statistic, abs=1e-12)
    assert comparison.mann_whitney_p == pytest.approx(mann_whitney.pvalue, abs=1e-12)
    assert comparison.hedges_g == pytest.approx(
        pg.compute_effsize(a, b, eftype="hedges"), abs=1e-12
    )


def test_mann_whitney_u_is_the_first_groups() -> None:
    # Every value of a beats every value of b: U_a = n_a · n_b = 6, U_b = 0.
    comparison = compare_groups([5.0, 6.0, 7.0], [1.0, 2.0])
    assert comparison.mann_whitney_u == 6.0


def test_groups_without_any_spread_have_no_t_statistic() -> None:
    comparison = compare_groups([3.0, 3.0, 3.0], [4.0, 4.0])
    assert (comparison.welch_t, comparison.welch_p, comparison.hedges_g) == (None, None, None)
    assert comparison.mann_whitney_p == pytest.approx(
        stats.mannwhitneyu([3.0, 3.0, 3.0], [4.0, 4.0]).pvalue, abs=1e-12
    )


def test_a_group_of_one_is_refused() -> None:
    with pytest.raises(AnalysisInputError, match="at least 2 values in each; got 1 and 3"):
        compare_groups([1.0, math.nan], [1.0, 2.0, 3.0])


def test_a_group_whose_scores_are_all_equal_compares_without_warnings() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_groups([4.0, 4.0], [3.0, 2.4, 3.0, 3.0, 2.6, 3.0, 3.6])
    # Welch's t by hand: the first group's variance is 0, so t = (4 − ȳ) / (s_y / √n_y).
    other = np.array([3.0, 2.4, 3.0, 3.0, 2.6, 3.0, 3.6])
    expected = (4.0 - other.mean()) / math.sqrt(other.var(ddof=1) / other.size)
    assert result.welch_t == pytest.approx(expected, rel=1e-12)
