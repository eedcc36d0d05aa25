"""Before/after change: paired statistics, Holm, verdicts, attrition, input checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.prepost import prepost, prepost_long, verdict_for

NAN = math.nan

# R's `sleep` data again, read as the same ten people before (drug 1) and after (drug 2).
SLEEP_BEFORE = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_AFTER = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Lakens (2013), Table 1: the same ten people rating two movies.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def waves(
    before: dict[str, list[float]], after: dict[str, list[float]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(next(iter(before.values())))
    people = [f"P{i:02d}" for i in range(n)]
    return (
        pd.DataFrame(before, index=people, dtype=float),
        pd.DataFrame(after, index=people, dtype=float),
    )


def random_waves(seed: int, n: int = 40, scales: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    names = [f"s{j}" for j in range(scales)]
    before = np.round(rng.normal(3.2, 0.6, (n, scales)) * 4) / 4
    after = np.round((before + rng.normal(0.15, 0.5, (n, scales))) * 4) / 4
    return waves(
        {name: list(before[:, j]) for j, name in enumerate(names)},
        {name: list(after[:, j]) for j, name in enumerate(names)},
    )


def test_paired_t_matches_r_documented_sleep_example() -> None:
    # R: t.test(sleep$extra[11:20], sleep$extra[1:10], paired = TRUE) → t = 4.0621, df = 9,
    # p-value = 0.002833, 95% CI 0.7001142 to 2.4598858, mean difference 1.58.
    before, after = waves({"sleep": SLEEP_BEFORE}, {"sleep": SLEEP_AFTER})
    change = prepost(before, after, ["sleep"]).scale("sleep")
    assert change.n_matched == 10
    assert change.df == 9
    assert change.t == pytest.approx(4.0621, abs=5e-5)
    assert change.p == pytest.approx(0.002833, abs=5e-7)
    assert change.mean_diff == pytest.approx(1.58, abs=1e-12)
    assert (change.ci_low, change.ci_high) == pytest.approx((0.7001142, 2.4598858), abs=5e-8)


def test_effect_sizes_reproduce_lakens_within_subjects_example() -> None:
    # Lakens (2013): t(9) = 4.74, d_z = 1.50, d_av = 1.13 for movie 1 vs movie 2.
    before, after = waves({"movie": MOVIE_2}, {"movie": MOVIE_1})
    change = prepost(before, after, ["movie"]).scale("movie")
    assert change.t == pytest.approx(4.74, abs=5e-3)
    assert change.d_z == pytest.approx(1.50, abs=5e-3)
    d_av = change.mean_diff / ((change.sd_before + change.sd_after) / 2)
    assert d_av == pytest.approx(1.13, abs=5e-3)
    # docs/methods.md: g_av = d_av · J, J = 1 − 3/(4(n − 1) − 1) = 1 − 3/35 with n = 10.
    assert change.g_av == pytest.approx(d_av * (1 - 3 / 35), abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_paired_statistics_equal_scipy_and_pingouin(seed: int) -> None:
    before, after = random_waves(seed)
    result = prepost(before, after, list(before.columns))
    for change in result.scales:
        b, a = before[change.scale].to_numpy(), after[change.scale].to_numpy()
        paired = stats.ttest_rel(a, b)
        interval = paired.confidence_interval(0.95)
        wilcoxon = stats.wilcoxon(a - b, zero_method="wilcox", alternative="two-sided")
        assert change.t == pytest.approx(paired.statistic, abs=1e-12)
        assert change.p == pytest.approx(paired.pvalue, abs=1e-12)
        assert (change.ci_low, change.ci_high) == pytest.approx(
            (interval.low, interval.high), abs=1e-12
        )
        assert change.wilcoxon_p == pytest.approx(wilcoxon.pvalue, abs=1e-12)
        assert change.d_z == pytest.approx(
            pg.compute_effsize(a, b, paired=True, eftype="cohen_dz"), abs=1e-12
        )
        assert change.mean_before == pytest.approx(b.mean(), abs=1e-12)
        assert change.mean_after == pytest.approx(a.mean(), abs=1e-12)


def test_holm_adjustment_equals_statsmodels() -> None:
    before, after = random_waves(4, scales=6)
    result = prepost(before, after, list(before.columns))
    raw = [change.p for change in result.scales]
    expected = multipletests(raw, method="holm")[1]
    assert [change.p_holm for change in result.scales] == pytest.approx(list(expected), abs=1e-15)


def test_scale_without_a_test_is_left_out_of_holm() -> None:
    before, after = random_waves(5, scales=3)
    after["s2"] = before["s2"] + 0.5  # everyone changes by the same amount: no paired t
    result = prepost(before, after, ["s0", "s1", "s2"])
    expected = multipletests([result.scale("s0").p, result.scale("s1").p], method="holm")[1]
    assert [result.scale("s0").p_holm, result.scale("s1").p_holm] == pytest.approx(
        list(expected), abs=1e-15
    )
    constant = result.scale("s2")
    assert (constant.t, constant.p, constant.p_holm, constant.d_z, constant.ci_low) == (None,) * 5
    assert (
        constant.sentence
        == "Change cannot be tested: every matched person's score changed by exactly 0.50."
    )


def test_clear_rise_is_reported_as_improved_with_its_interval() -> None:
    before, after = waves({"sleep": SLEEP_BEFORE}, {"sleep": SLEEP_AFTER})
    change = prepost(before, after, ["sleep"]).scale("sleep")
    assert change.verdict == "improved"
    assert change.sentence == (
        "Improved: the mean difference was 1.58 (95% CI 0.70 to 2.46; Holm-adjusted p = 0.003)."
    )


def test_clear_fall_is_reported_as_declined() -> None:
    before, after = waves({"sleep": SLEEP_AFTER}, {"sleep": SLEEP_BEFORE})
    change = prepost(before, after, ["sleep"]).scale("sleep")
    assert change.verdict == "declined"
    assert change.sentence.startswith(
        "Declined: the mean difference was −1.58 (95% CI −2.46 to −0.70;"
    )


def test_interval_including_zero_is_no_clear_evidence() -> None:
    verdict, sentence = verdict_for(0.12, -0.10, 0.34, p_holm=0.28)
    assert verdict == "no clear evidence of change"
    assert (
        sentence
        == "No clear evidence of change: the mean difference was 0.12 (95% CI −0.10 to 0.34)."
    )


def test_unadjusted_interval_excluding_zero_but_holm_above_005_is_not_a_change() -> None:
    verdict, sentence = verdict_for(0.25, 0.02, 0.48, p_holm=0.09, n_scales_tested=12)
    assert verdict == "no clear evidence of change"
    assert sentence == (
        "No clear evidence of change once the 12 scales compared together are allowed for: "
        "the mean difference was 0.25 (95% CI 0.02 to 0.48; Holm-adjusted p = 0.090)."
    )


@settings(max_examples=200, deadline=None)
@given(
    mean_diff=st.floats(-4, 4),
    half_width=st.floats(0.001, 3),
    p_holm=st.floats(0, 1),
    scales=st.integers(1, 20),
)
def test_verdict_never_says_significant_and_always_quotes_the_interval(
    mean_diff: float, half_width: float, p_holm: float, scales: int
) -> None:
    verdict, sentence = verdict_for(
        mean_diff, mean_diff - half_width, mean_diff + half_width, p_holm, scales
    )
    assert "significant" not in sentence.lower()
    assert "95% CI" in sentence
    assert (verdict != "no clear evidence of change") == (p_holm < 0.05 and mean_diff != 0)
    assert sentence.lower().startswith(verdict)


def test_matched_unmatched_and_attrition_counts() -> None:
    before = pd.DataFrame(
        {"trust": [3.0, 4.0, NAN, 2.0, 5.0, 3.5], "voice": [3.0, NAN, 4.0, 2.0, 5.0, 3.0]},
        index=["amy", "ben", "cat", "dan", "eve", "fay"],
    )
    after = pd.DataFrame(
        {"trust": [3.5, NAN, 4.0, 2.5, 4.0, 1.0], "voice": [3.0, 4.0, 4.5, NAN, 5.0, 2.0]},
        index=["amy", "ben", "cat", "dan", "gus", "hal"],
    )
    result = prepost(before, after, ["trust", "voice"])
    # By person: eve and fay only before; gus and hal only after; four in both.
    assert (result.attrition.before_only, result.attrition.after_only, result.attrition.both) == (
        2,
        2,
        4,
    )
    trust = result.scale("trust")
    # trust matched: amy, dan. Before only: ben, eve, fay. After only: cat, gus, hal.
    assert (trust.attrition.before_only, trust.attrition.after_only, trust.attrition.both) == (
        3,
        3,
        2,
    )
    assert trust.n_matched == 2
    assert trust.mean_diff == pytest.approx(0.5, abs=1e-12)
    unmatched = trust.unmatched.comparison
    assert unmatched is not None
    after_only, before_only = [4.0, 4.0, 1.0], [4.0, 5.0, 3.5]
    welch = stats.ttest_ind(after_only, before_only, equal_var=False)
    assert unmatched.welch_t == pytest.approx(welch.statistic, abs=1e-12)
    assert unmatched.welch_p == pytest.approx(welch.pvalue, abs=1e-12)
    assert unmatched.mann_whitney_p == pytest.approx(
        stats.mannwhitneyu(after_only, before_only, alternative="two-sided").pvalue, abs=1e-12
    )
    voice = result.scale("voice")
    # voice matched: amy, cat. Before only: dan, eve, fay; after only: ben, gus, hal.
    assert (voice.attrition.before_only, voice.attrition.after_only, voice.attrition.both) == (
        3,
        3,
        2,
    )


def test_unmatched_check_needs_two_people_on_each_side() -> None:
    before, after = waves({"s": [3.0, 4.0, 2.0]}, {"s": [3.5, 4.0, 2.5]})
    change = prepost(before, after, ["s"]).scale("s")
    assert change.unmatched.comparison is None
    assert change.unmatched.reason is not None


def test_fewer_than_two_matched_people_leaves_the_scale_without_statistics() -> None:
    before = pd.DataFrame({"s": [3.0, NAN]}, index=["amy", "ben"])
    after = pd.DataFrame({"s": [4.0, 2.0]}, index=["amy", "ben"])
    change = prepost(before, after, ["s"]).scale("s")
    assert change.n_matched == 1
    assert (change.mean_diff, change.t, change.p, change.wilcoxon_p, change.g_av) == (None,) * 5
    assert change.verdict == "no clear evidence of change"
    assert "Only 1 person has a score in both waves" in change.notes[0]


def test_no_change_at_all_has_no_tests() -> None:
    before, after = waves({"s": [3.0, 4.0, 2.0]}, {"s": [3.0, 4.0, 2.0]})
    change = prepost(before, after, ["s"]).scale("s")
    assert (change.wilcoxon_p, change.p, change.mean_diff) == (None, None, 0.0)
    assert change.sentence == "No change: no matched person's score changed."
    assert any("Every difference is zero" in note for note in change.notes)


def test_equal_changes_tie_in_the_wilcoxon_ranks_despite_rounding() -> None:
    # 10/3 → 3 and 13/3 → 4 are both a fall of exactly 1/3, though not in floating point.
    before, after = waves(
        {"s": [10 / 3, 13 / 3, 11 / 3, 2.0, 4.0]}, {"s": [3.0, 4.0, 4.0, 2.5, 3.0]}
    )
    change = prepost(before, after, ["s"]).scale("s")
    exact = stats.wilcoxon([-1 / 3, -1 / 3, 1 / 3, 0.5, -1.0], zero_method="wilcox")
    assert change.wilcoxon_p == pytest.approx(exact.pvalue, abs=1e-12)


def test_equal_changes_in_thirds_count_as_no_spread() -> None:
    # Everyone falls by exactly 1/3; floating point alone must not turn that into a huge t.
    before, after = waves({"s": [10 / 3, 13 / 3, 7 / 3]}, {"s": [3.0, 4.0, 2.0]})
    change = prepost(before, after, ["s"]).scale("s")
    assert (change.t, change.p) == (None, None)
    assert (
        change.sentence
        == "Change cannot be tested: every matched person's score changed by exactly −0.33."
    )


def test_g_av_needs_three_people() -> None:
    before, after = waves({"s": [3.0, 4.0]}, {"s": [3.5, 5.0]})
    change = prepost(before, after, ["s"]).scale("s")
    assert change.g_av is None
    assert change.t is not None


def test_missing_scale_column_is_named() -> None:
    before, after = waves({"s": [3.0, 4.0]}, {"s": [3.5, 5.0]})
    with pytest.raises(AnalysisInputError, match="Column 'voice' is not in the before-wave scores"):
        prepost(before, after, ["s", "voice"])


LONG = pd.DataFrame(
    {
        "person": ["amy", "ben", "cat", "amy", "ben", "cat", "dan"],
        "wave": [1, 1, 1, 2, 2, 2, 2],
        "trust": ["3", "4", "2.5", "3.5", "4.5", "3", "4"],
        "voice": [3.0, 2.0, 4.0, 3.0, 2.5, 4.5, 5.0],
    },
    index=range(2, 9),
)


def test_long_data_is_matched_by_person_and_wave() -> None:
    result = prepost_long(LONG, "person", "wave", "1", "2", ["trust", "voice"])
    trust = result.scale("trust")
    assert trust.n_matched == 3
    assert trust.mean_diff == pytest.approx(0.5, abs=1e-12)
    assert (result.attrition.before_only, result.attrition.after_only, result.attrition.both) == (
        0,
        1,
        3,
    )


def test_long_data_missing_column_is_named() -> None:
    with pytest.raises(AnalysisInputError, match="Column 'respondent' is not in the data"):
        prepost_long(LONG, "respondent", "wave", "1", "2", ["trust"])


def test_long_data_non_numeric_value_names_row_column_and_person() -> None:
    data = LONG.copy()
    data.loc[4, "trust"] = "agree"
    with pytest.raises(
        AnalysisInputError, match=r"Column 'trust', row 4 \(person 'cat'\): 'agree' is not a number"
    ):
        prepost_long(data, "person", "wave", "1", "2", ["trust"])


def test_long_data_person_twice_in_a_wave_is_named() -> None:
    data = LONG.copy()
    data.loc[3, "person"] = "amy"
    with pytest.raises(AnalysisInputError, match="Person 'amy' appears more than once in wave '1'"):
        prepost_long(data, "person", "wave", "1", "2", ["trust"])


def test_long_data_unknown_wave_is_named() -> None:
    with pytest.raises(AnalysisInputError, match="No rows have wave '3' in column 'wave'"):
        prepost_long(LONG, "person", "wave", "1", "3", ["trust"])


def test_long_data_blank_person_id_is_named() -> None:
    data = LONG.copy()
    data["person"] = data["person"].astype(object)
    data.loc[6, "person"] = "  "
    with pytest.raises(AnalysisInputError, match="Column 'person', row 6: the person id is blank"):
        prepost_long(data, "person", "wave", "1", "2", ["trust"])


def test_long_data_with_too_few_matched_people_on_every_scale_is_refused() -> None:
    data = LONG.copy()
    data.loc[[2, 3], "trust"] = None
    data.loc[[5, 6], "voice"] = NAN
    with pytest.raises(
        AnalysisInputError, match=r"Fewer than 2 people .* on every scale \(trust: 1, voice: 1\)"
    ):
        prepost_long(data, "person", "wave", "1", "2", ["trust", "voice"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.01, 0.04, 0.5, 1.0])),
        min_size=1,
        max_size=12,
    )
)
def test_holm_adjustment_is_statsmodels_multipletests_holm(p_values: list[float]) -> None:
    from statsmodels.stats.multitest import multipletests

    from tandem.analysis.prepost import holm_adjusted

    reference = multipletests(np.array(p_values), alpha=0.05, method="holm")[1]
    np.testing.assert_allclose(holm_adjusted(np.array(p_values)), reference, rtol=0, atol=1e-15)
