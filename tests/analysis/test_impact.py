"""Interrupted time series, controlled ITS, difference in differences and power
(tandem.analysis.impact), checked against published results and independent implementations.

Published reference: Lopez Bernal, Cummins & Gasparrini's ITS tutorial (Int J Epidemiol 2017;
46:348–55) on the Sicily acute coronary events data (tests/analysis/data/sicily.csv), fitted as
the authors' R code (Rcode.R in their repository) fits it:

- model1, `glm(aces ~ offset(log(stdpop)) + smokban + time, family = poisson)`: the smoking ban's
  rate ratio 0.894 (95% CI 0.865 to 0.925), as the paper reports in its step 4;
- model3, the same with `harmonic(month, 2, 12)` and `family = quasipoisson`: 0.885 (0.839 to
  0.933), the paper's seasonally adjusted estimate (step 5).

Everything else is compared with statsmodels or scipy fitted here, directly, on the same data.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.power import TTestPower

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.impact import (
    MIN_AFTER,
    MIN_BEFORE,
    change_difference,
    controlled_segmented_regression,
    describe_level_change,
    expected_matched,
    fourier_terms,
    its_mde,
    newey_west_lag,
    paired_mde,
    power_sentence,
    segmented_regression,
)

SICILY = pd.read_csv(Path(__file__).parent / "data" / "sicily.csv")


def sicily(**options):
    return segmented_regression(
        SICILY.aces, SICILY.smokban, SICILY.time, offset=SICILY.stdpop, **options
    )


def test_the_poisson_model_gives_the_published_rate_ratio() -> None:
    level = sicily(family="poisson").level_change
    assert (
        round(level.rate_ratio, 3),
        round(level.rate_ratio_ci_low, 3),
        round(level.rate_ratio_ci_high, 3),
    ) == (0.894, 0.865, 0.925)


def test_the_seasonally_adjusted_quasi_poisson_model_gives_the_published_rate_ratio() -> None:
    result = sicily(family="quasipoisson", season=SICILY.month, harmonics=2, period=12)
    level = result.level_change
    assert (
        round(level.rate_ratio, 3),
        round(level.rate_ratio_ci_low, 3),
        round(level.rate_ratio_ci_high, 3),
    ) == (0.885, 0.839, 0.933)


def test_quasi_poisson_dispersion_is_pearson_chi_squared_over_residual_df() -> None:
    result = sicily(family="quasipoisson")
    design = sm.add_constant(SICILY[["smokban", "time"]].to_numpy(float))
    poisson = sm.GLM(
        SICILY.aces, design, family=sm.families.Poisson(), offset=np.log(SICILY.stdpop)
    ).fit()
    pearson = float(((SICILY.aces - poisson.mu) ** 2 / poisson.mu).sum())
    assert result.dispersion == pytest.approx(pearson / (len(SICILY) - 3), rel=1e-9)
    # The standard errors are Poisson's scaled by √dispersion; the estimate is unchanged.
    assert result.level_change.estimate == pytest.approx(poisson.params.iloc[1], rel=1e-9)
    assert result.level_change.se == pytest.approx(
        poisson.bse.iloc[1] * math.sqrt(result.dispersion), rel=1e-6
    )
    assert sicily(family="poisson").dispersion == 1.0


def test_fourier_terms_are_tsmodel_harmonic_pairs() -> None:
    terms = fourier_terms([3, 6], harmonics=2, period=12)
    assert terms == pytest.approx(
        np.array(
            [
                [
                    math.sin(math.pi / 2),
                    math.cos(math.pi / 2),
                    math.sin(math.pi),
                    math.cos(math.pi),
                ],
                [
                    math.sin(math.pi),
                    math.cos(math.pi),
                    math.sin(2 * math.pi),
                    math.cos(2 * math.pi),
                ],
            ]
        ),
        abs=1e-12,
    )


def test_the_counterfactual_continues_the_earlier_trend_with_its_interval() -> None:
    result = sicily(family="quasipoisson")
    design = sm.add_constant(SICILY[["smokban", "time"]].to_numpy(float))
    fit = sm.GLM(
        SICILY.aces, design, family=sm.families.Poisson(), offset=np.log(SICILY.stdpop)
    ).fit(scale="X2")
    after = SICILY[SICILY.smokban == 1]
    off = sm.add_constant(np.column_stack([np.zeros(len(after)), after.time]), has_constant="add")
    frame = fit.get_prediction(off, offset=np.log(after.stdpop)).summary_frame(alpha=0.05)
    expected = [c[0] for c in result.counterfactual]
    assert expected == pytest.approx(frame["mean"].to_list(), rel=1e-9)
    assert [c[1] for c in result.counterfactual] == pytest.approx(
        frame["mean_ci_lower"].to_list(), rel=1e-6
    )
    assert [c[2] for c in result.counterfactual] == pytest.approx(
        frame["mean_ci_upper"].to_list(), rel=1e-6
    )
    assert len(result.counterfactual) == result.n_after == 23
    assert result.n_before == 36


def series(n_before=20, n_after=16, level=5.0, slope=0.0, noise=1.0, seed=1, rho=0.0):
    rng = np.random.default_rng(seed)
    n = n_before + n_after
    t = np.arange(1, n + 1, dtype=float)
    after = (t > n_before).astype(int)
    e = np.zeros(n)
    for i in range(n):
        e[i] = (rho * e[i - 1] if i else 0.0) + rng.normal(0, noise)
    y = 50 + 0.3 * t + level * after + slope * (t - n_before - 1) * after + e
    return y, after, t


def test_gaussian_uses_newey_west_errors_as_statsmodels_with_the_stated_lag() -> None:
    y, after, t = series(rho=0.5, seed=3)
    result = segmented_regression(y, after, t, slope=True)
    lag = math.floor(4 * (len(y) / 100) ** (2 / 9))
    assert result.lags == lag == newey_west_lag(len(y))
    design = np.column_stack([np.ones(len(y)), t, after, (t - 21) * after])
    reference = sm.OLS(y, design).fit(cov_type="HAC", cov_kwds={"maxlags": lag}, use_t=True)
    assert result.level_change.estimate == pytest.approx(reference.params[2], rel=1e-9)
    assert result.level_change.se == pytest.approx(reference.bse[2], rel=1e-9)
    assert result.slope_change.se == pytest.approx(reference.bse[3], rel=1e-9)
    assert result.level_change.p == pytest.approx(reference.pvalues[2], rel=1e-9)
    low, high = reference.conf_int(alpha=0.05)[2]
    assert (result.level_change.ci_low, result.level_change.ci_high) == pytest.approx((low, high))
    assert segmented_regression(y, after, t, lags=4).lags == 4


def test_autocorrelation_is_reported() -> None:
    y, after, t = series(rho=0.8, seed=5, n_before=30, n_after=30)
    result = segmented_regression(y, after, t)
    plain = sm.OLS(y, np.column_stack([np.ones(len(y)), t, after])).fit()
    assert result.diagnostics.durbin_watson == pytest.approx(
        float(np.sum(np.diff(plain.resid) ** 2) / np.sum(plain.resid**2))
    )
    assert result.diagnostics.acf[0] > 0.4
    assert result.diagnostics.autocorrelated
    white = segmented_regression(*series(rho=0.0, seed=6, n_before=30, n_after=30))
    assert not white.diagnostics.autocorrelated


def test_a_known_level_change_is_inside_its_interval_at_about_the_stated_rate() -> None:
    covered = 0
    runs = 200
    for seed in range(runs):
        y, after, t = series(level=3.0, seed=seed)
        level = segmented_regression(y, after, t, lags=0).level_change
        covered += level.ci_low <= 3.0 <= level.ci_high
    assert 0.90 <= covered / runs <= 0.99


def test_a_known_rate_ratio_is_recovered_from_counts() -> None:
    rng = np.random.default_rng(11)
    t = np.arange(1, 49, dtype=float)
    after = (t > 24).astype(int)
    y = rng.poisson(np.exp(np.log(200) + 0.004 * t + math.log(0.8) * after))
    level = segmented_regression(y, after, t, family="quasipoisson").level_change
    assert level.rate_ratio_ci_low < 0.8 < level.rate_ratio_ci_high


def test_controlled_its_gives_the_difference_in_level_change_as_statsmodels() -> None:
    y1, after, t = series(level=6.0, seed=21)
    y2, _, _ = series(level=1.0, seed=22)
    y = np.concatenate([y1, y2])
    group = np.repeat([0, 1], len(t))
    result = controlled_segmented_regression(
        y, np.concatenate([after, after]), np.concatenate([t, t]), group, lags=2
    )
    programme = (group == 0).astype(float)
    tt, aa = np.concatenate([t, t]), np.concatenate([after, after])
    design = np.column_stack([np.ones(len(y)), tt, aa, programme, programme * tt, programme * aa])
    reference = sm.OLS(y, design).fit(
        cov_type="hac-panel", cov_kwds={"groups": group, "maxlags": 2}, use_t=True
    )
    assert result.level_difference.estimate == pytest.approx(reference.params[5], rel=1e-9)
    assert result.level_difference.se == pytest.approx(reference.bse[5], rel=1e-9)
    assert result.level_difference.ci_low < 5.0 < result.level_difference.ci_high
    assert result.pre_trend_difference.estimate == pytest.approx(reference.params[4], rel=1e-9)
    assert result.parallel_pre_trends


def test_unparallel_pre_trends_are_caught() -> None:
    y1, after, t = series(seed=31, noise=0.5)
    y2 = 50 + 1.5 * t + np.random.default_rng(32).normal(0, 0.5, len(t))
    result = controlled_segmented_regression(
        np.concatenate([y1, y2]),
        np.concatenate([after, after]),
        np.concatenate([t, t]),
        np.repeat([0, 1], len(t)),
    )
    assert not result.parallel_pre_trends


def test_change_difference_is_welch_and_hidden_below_k() -> None:
    programme = [0.6, 0.2, 0.9, 0.4, 0.5, 0.7, 0.1]
    comparison = [0.1, -0.2, 0.3, 0.0, 0.2, -0.1]
    result = change_difference(programme, comparison, k=5)
    welch = stats.ttest_ind(programme, comparison, equal_var=False)
    interval = welch.confidence_interval(0.95)
    assert result.difference == pytest.approx(np.mean(programme) - np.mean(comparison))
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high))
    assert result.p == pytest.approx(welch.pvalue)
    assert result.sentence.endswith("the programme group improved more than the comparison group.")
    hidden = change_difference(programme, comparison[:4], k=5)
    assert hidden.difference is None
    assert hidden.sentence.startswith("Not shown: each group needs at least 5 people")


def test_paired_power_matches_statsmodels() -> None:
    assert paired_mde(17) == pytest.approx(
        TTestPower().solve_power(nobs=17, alpha=0.05, power=0.8, alternative="two-sided")
    )
    assert round(paired_mde(17), 2) == 0.72
    assert paired_mde(1) is None
    assert expected_matched(40, 0.75, 0.8) == 24
    with pytest.raises(AnalysisInputError, match="response rate must be between 0 and 1"):
        expected_matched(40, 75, 0.8)


def test_the_its_minimum_detectable_change_has_about_the_stated_power() -> None:
    before, _, _ = series(n_before=16, n_after=0, level=0, noise=2.0, seed=41)
    power = its_mde(before, n_after=16, simulations=400)
    assert power.residual_sd == pytest.approx(2.0, rel=0.4)
    # An independent check: simulate AR(1) series with a level change of the MDE, fit OLS.
    rng = np.random.default_rng(7)
    n = 32
    t = np.arange(1, n + 1, dtype=float)
    after = (t > 16).astype(float)
    design = np.column_stack([np.ones(n), t, after])
    found = 0
    for _ in range(400):
        e = np.zeros(n)
        e[0] = rng.normal(0, power.residual_sd)
        for i in range(1, n):
            e[i] = power.ar1 * e[i - 1] + rng.normal(
                0, power.residual_sd * math.sqrt(1 - power.ar1**2)
            )
        fit = sm.OLS(design @ [0, 0, power.mde] + e, design).fit()
        found += abs(fit.params[2] / fit.bse[2]) > 1.96
    assert 0.7 <= found / 400 <= 0.9


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"after": [0] * 5 + [1] * 12},
            f"needs at least {MIN_BEFORE} points before the intervention and {MIN_AFTER} after; "
            "this series has 5 before and 12 after",
        ),
        ({"after": [0] * 9 + [1, 0] + [1] * 9}, "goes back from 1 to 0"),
        ({"after": [0] * 9 + [2] * 9}, "only 0 (before) and 1 (after)"),
        ({"time": [1, 2, 3, 5, *range(6, 20)]}, "it goes from 3 to 5 at point 4"),
        (
            {"family": "poisson", "y": [3.5] * 18},
            "needs counts (whole numbers, 0 or more); point 1",
        ),
        (
            {"family": "poisson", "offset": [0.0] + [1.0] * 17},
            "offset (exposure) must be more than 0",
        ),
    ],
)
def test_bad_input_is_named(options, message) -> None:
    after = options.pop("after", [0] * 9 + [1] * 9)
    y = options.pop("y", [float(i % 4) for i in range(len(after))])
    with pytest.raises(AnalysisInputError) as raised:
        segmented_regression(y, after, **options)
    assert message in str(raised.value)


def test_plain_english_never_overclaims() -> None:
    counts = sicily(family="quasipoisson", season=SICILY.month, harmonics=2)
    assert describe_level_change(counts, measure="acute coronary events") == (
        "After the programme began, acute coronary events were 11% lower than the earlier trend "
        "predicted (95% CI 7% to 16% lower)."
    )
    y, after, t = series(level=0.0, seed=51)
    flat = segmented_regression(y, after, t)
    sentence = describe_level_change(flat, measure="waiting time", unit="days")
    assert sentence.endswith(
        "the interval includes no change, so the data are consistent with no effect."
    )
    assert "days" in sentence


def test_a_value_change_is_said_in_its_unit() -> None:
    y, after, t = series(level=-6.0, seed=61, noise=0.5)
    result = segmented_regression(y, after, t)
    low, high = sorted((abs(result.level_change.ci_low), abs(result.level_change.ci_high)))
    assert describe_level_change(result, measure="waiting time", unit="days") == (
        f"After the programme began, waiting time was {abs(result.level_change.estimate):.1f} "
        f"days lower than the earlier trend predicted (95% CI {low:.1f} to {high:.1f} days lower)."
    )
    assert "percentage points" in describe_level_change(result, measure="occupancy", unit="%")


def test_the_power_statement_says_what_the_study_could_detect() -> None:
    assert power_sentence(17) == (
        "With 17 people matched across the two stock takes, this study could only detect a "
        "change of d_z ≥ 0.72 (80% power, two-sided α = 0.05); a smaller real change could have "
        "been missed."
    )
    planned = power_sentence(expected_matched(26, 0.8, 0.8), invited=26)
    assert planned.startswith(
        "If 26 people are invited, 80% answer and 80% of them answer the repeat stock take too, "
        "about 16 will be matched: enough to detect only a change of d_z ≥ 0.75"
    )
