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
from scipy import optimize, stats
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.power import TTestPower
from statsmodels.tsa.statespace.sarimax import SARIMAX

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


# --- AR(p) errors by exact maximum likelihood ---------------------------------------------


def ar1_loglike(params, y, x):
    """The exact AR(1)-error regression log-likelihood, written out (Beach & MacKinnon 1978):
    the first error has variance σ²/(1 − φ²), each later one σ² given the one before."""
    k = x.shape[1]
    beta, phi, log_sigma = params[:k], params[k], params[k + 1]
    if not -1 < phi < 1:
        return -np.inf
    sigma2 = math.exp(2 * log_sigma)
    e = y - x @ beta
    squares = (1 - phi**2) * e[0] ** 2 + np.sum((e[1:] - phi * e[:-1]) ** 2)
    n = len(y)
    return (
        -0.5 * n * math.log(2 * math.pi * sigma2)
        + 0.5 * math.log(1 - phi**2)
        - squares / (2 * sigma2)
    )


def prais_winsten(x, phi):
    """The rows that make AR(1) errors white: √(1 − φ²)·x_1, then x_t − φ·x_{t−1}."""
    x = np.asarray(x, dtype=float)
    return np.concatenate([math.sqrt(1 - phi**2) * x[:1], x[1:] - phi * x[:-1]])


def test_ar_errors_are_the_exact_maximum_likelihood_fit() -> None:
    y, after, t = series(rho=0.6, seed=71, n_before=24, n_after=24)
    result = segmented_regression(y, after, t, slope=True, errors="ar")
    design = np.column_stack([np.ones(len(y)), t, after, (t - 25) * after])
    # Independently: the likelihood above maximised over b, φ and log σ together.
    ols = sm.OLS(y, design).fit()
    start = np.r_[ols.params, 0.3, math.log(np.std(ols.resid))]
    found = optimize.minimize(
        lambda p: -ar1_loglike(p, y, design),
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000},
    )
    b, phi, sigma2 = found.x[:4], found.x[4], math.exp(2 * found.x[5])
    assert result.errors == "ar" and result.ar_order == 1 and result.lags is None
    assert result.ar[0] == pytest.approx(phi, abs=1e-4)
    assert result.innovation_variance == pytest.approx(sigma2, rel=1e-4)
    for coefficient, i in ((result.trend_before, 1), (result.level_change, 2)):
        assert coefficient.estimate == pytest.approx(b[i], rel=1e-4)
    assert result.slope_change.estimate == pytest.approx(b[3], abs=1e-4)
    # Standard errors: generalised least squares at the fitted φ (Prais–Winsten rows), with
    # Student's t on n − k degrees of freedom, as nlme's summary.gls.
    xs = prais_winsten(design, phi)
    covariance = sigma2 * np.linalg.inv(xs.T @ xs)
    se = np.sqrt(np.diag(covariance))
    df = len(y) - 4
    assert result.level_change.se == pytest.approx(se[2], rel=1e-3)
    assert result.slope_change.se == pytest.approx(se[3], rel=1e-3)
    assert result.level_change.p == pytest.approx(2 * stats.t.sf(abs(b[2] / se[2]), df), rel=1e-2)
    half = stats.t.ppf(0.975, df) * result.level_change.se
    assert result.level_change.ci_low == pytest.approx(result.level_change.estimate - half)
    # statsmodels' state-space SARIMAX, with standard errors from its numerical Hessian (as R's
    # arima), agrees: the same estimates (to its optimiser's tolerance, which stops a little
    # short), and standard errors within a few per cent.
    sarimax = SARIMAX(y, exog=design, order=(1, 0, 0), trend="n").fit(disp=False, cov_type="approx")
    assert result.level_change.estimate == pytest.approx(sarimax.params[2], rel=5e-3)
    assert result.ar[0] == pytest.approx(sarimax.params[4], abs=5e-3)
    assert -sarimax.llf >= -ar1_loglike(found.x, y, design) - 1e-6
    assert result.level_change.se == pytest.approx(sarimax.bse[2], rel=0.05)
    # The counterfactual's interval is the same covariance, switched-off terms and all.
    row = np.array([1.0, t[24], 0.0, 0.0])
    expected, low, _high = result.counterfactual[0]
    assert expected == pytest.approx(row @ b, rel=1e-6)
    assert expected - low == pytest.approx(
        stats.t.ppf(0.975, df) * math.sqrt(row @ covariance @ row), rel=1e-3
    )
    assert result.fitted == pytest.approx(tuple(design @ b), rel=1e-6)


def test_ar_errors_diagnostics_are_ljung_box_on_the_innovations() -> None:
    y, after, t = series(rho=0.6, seed=72, n_before=30, n_after=30)
    result = segmented_regression(y, after, t, errors="ar")
    design = np.column_stack([np.ones(len(y)), t, after])
    phi = result.ar[0]
    # The innovations from the fitted b (the GLS ones at φ): white once the AR(1) is removed.
    xs, ys = prais_winsten(design, phi), prais_winsten(y, phi)
    beta = np.linalg.lstsq(xs, ys, rcond=None)[0]
    innovations = ys - xs @ beta
    table = acorr_ljungbox(innovations, lags=[result.diagnostics.test_lags], model_df=1)
    assert result.diagnostics.residuals == "innovations"
    assert result.diagnostics.test == "Ljung–Box"
    assert result.diagnostics.test_lags == 10  # max(p + 1, min(10, n // 5))
    assert result.diagnostics.test_p == pytest.approx(table["lb_pvalue"].iloc[0], rel=1e-4)
    assert result.diagnostics.acf[0] == pytest.approx(
        float(np.corrcoef(innovations[1:], innovations[:-1])[0, 1]), abs=0.05
    )
    # Least squares on the same series leaves the autocorrelation in its residuals.
    assert segmented_regression(y, after, t).diagnostics.acf[0] > 0.3


def test_ar2_errors_agree_with_statsmodels_sarimax() -> None:
    rng = np.random.default_rng(73)
    n = 80
    e = np.zeros(n)
    for i in range(2, n):
        e[i] = 0.5 * e[i - 1] - 0.3 * e[i - 2] + rng.normal()
    t = np.arange(1, n + 1, dtype=float)
    after = (t > 40).astype(int)
    y = 20 + 0.1 * t + 4 * after + e
    result = segmented_regression(y, after, t, errors="ar", ar_order=2)
    design = np.column_stack([np.ones(n), t, after])
    ols = sm.OLS(y, design).fit()
    sarimax = SARIMAX(y, exog=design, order=(2, 0, 0), trend="n").fit(
        np.r_[ols.params, 0.0, 0.0, ols.scale], disp=False, cov_type="none"
    )
    # statsmodels' optimiser stops a little short of the maximum; ours is at least as high on
    # its own likelihood, and the estimates agree to its tolerance.
    ours = np.r_[
        [c.estimate for c in (result.trend_before, result.level_change)],
        result.ar,
        result.innovation_variance,
    ]
    intercept = result.counterfactual[0][0] - ours[0] * t[40]
    ours = np.r_[intercept, ours]
    assert sarimax.model.loglike(ours) >= sarimax.llf - 1e-6
    assert result.ar == pytest.approx(tuple(sarimax.params[3:5]), abs=5e-3)
    assert result.level_change.estimate == pytest.approx(sarimax.params[2], rel=5e-3)
    assert result.ar_order == 2
    assert result.as_dict()["ar"] == list(result.ar)


def ar_series(seed, n_before=30, n_after=30, phi=0.6, level=3.0):
    rng = np.random.default_rng(seed)
    n = n_before + n_after
    t = np.arange(1, n + 1, dtype=float)
    after = (t > n_before).astype(int)
    e = np.zeros(n)
    e[0] = rng.normal(0, 1 / math.sqrt(1 - phi**2))  # stationary from the start
    for i in range(1, n):
        e[i] = phi * e[i - 1] + rng.normal()
    return 50 + 0.3 * t + level * after + e, after, t


def test_ar_errors_recover_a_known_level_change_with_about_the_stated_coverage() -> None:
    runs, covered, estimates, phis, newey_west = 60, 0, [], [], 0
    for seed in range(runs):
        y, after, t = ar_series(seed)
        level = segmented_regression(y, after, t, errors="ar")
        covered += level.level_change.ci_low <= 3.0 <= level.level_change.ci_high
        estimates.append(level.level_change.estimate)
        phis.append(level.ar[0])
        hac = segmented_regression(y, after, t).level_change
        newey_west += hac.ci_low <= 3.0 <= hac.ci_high
    assert np.mean(estimates) == pytest.approx(3.0, abs=0.3)
    # φ's maximum likelihood estimate is biased towards 0 in a short series, a little.
    assert 0.4 < np.mean(phis) < 0.7
    # ... so the interval is a little narrow in 60 points (about 88% rather than 95% in 300
    # further simulated series, Newey–West's 78%).
    assert 0.78 <= covered / runs <= 0.99
    assert covered > newey_west
    long_y, long_after, long_t = ar_series(99, n_before=100, n_after=100)
    long = segmented_regression(long_y, long_after, long_t, errors="ar")
    assert long.ar[0] == pytest.approx(0.6, abs=0.1)
    assert long.level_change.ci_low < 3.0 < long.level_change.ci_high


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"family": "poisson", "errors": "ar"}, "AR errors are for the gaussian family"),
        ({"errors": "ar", "ar_order": 0}, "AR order must be a whole number, 1 or more, not 0"),
        ({"errors": "ar", "ar_order": 4}, "AR order 4 is too large for 18 fitted points"),
        ({"ar_order": 2}, 'An AR order goes with AR errors (errors="ar")'),
        ({"errors": "ar", "lags": 2}, "Lags are the Newey–West lag"),
        ({"errors": "arma"}, "Unknown error model “arma”"),
        ({"phase_in": -1}, "phase-in must be a whole number of points, 0 or more, not -1"),
        (
            {"phase_in": 2},
            "needs at least 8 points before the intervention and 8 after the phase-in; this "
            "series has 9 before and 9 after (7 after the 2-point phase-in)",
        ),
    ],
)
def test_bad_error_models_and_phase_ins_are_named(options, message) -> None:
    after = [0] * 9 + [1] * 9
    y = [float(i % 4) for i in range(len(after))]
    with pytest.raises(AnalysisInputError) as raised:
        segmented_regression(y, after, **options)
    assert message in str(raised.value)


def test_the_error_model_is_in_the_result() -> None:
    y, after, t = series(seed=74)
    plain = segmented_regression(y, after, t).as_dict()
    assert (plain["errors"], plain["ar"], plain["ar_order"], plain["phase_in"]) == (
        "newey-west",
        None,
        None,
        0,
    )
    assert plain["diagnostics"]["residuals"] == "ols"
    counts = sicily(family="poisson").as_dict()
    assert counts["errors"] is None and counts["diagnostics"]["residuals"] == "pearson"


# --- Phase-in -----------------------------------------------------------------------------


def ramped(seed=81, n_before=24, n_after=24, step=5.0, gap=3, noise=0.8):
    """A step of `step` that arrives over `gap` points: a ramp from 0, then the full step."""
    rng = np.random.default_rng(seed)
    n = n_before + n_after
    t = np.arange(1, n + 1, dtype=float)
    after = (t > n_before).astype(int)
    since = t - n_before  # 1 at the intervention
    change = np.where(since >= gap + 1, step, np.clip((since - 1) / gap, 0, 1) * step * 0.5)
    y = 30 + 0.2 * t + np.where(after == 1, change, 0.0) + rng.normal(0, noise, n)
    return y, after, t


def test_a_phase_in_leaves_its_points_out_and_measures_the_change_after_it() -> None:
    y, after, t = ramped()
    result = segmented_regression(y, after, t, slope=True, phase_in=3)
    # By hand: delete the three phase-in rows; the slope term counts from the first point after.
    keep = ~np.isin(t, [25, 26, 27])
    design = np.column_stack([np.ones(48), t, after, (t - 28) * after])[keep]
    lag = newey_west_lag(45)
    reference = sm.OLS(y[keep], design).fit(cov_type="HAC", cov_kwds={"maxlags": lag}, use_t=True)
    assert result.lags == lag
    assert result.level_change.estimate == pytest.approx(reference.params[2], rel=1e-9)
    assert result.level_change.se == pytest.approx(reference.bse[2], rel=1e-9)
    assert result.slope_change.estimate == pytest.approx(reference.params[3], rel=1e-9)
    assert result.level_change.ci_low < 5.0 < result.level_change.ci_high
    # The ramp, left in, drags the step down.
    assert segmented_regression(y, after, t, slope=True).level_change.estimate < 4.5
    # The arrays still line up with the points: the phase-in has no fitted value, but a
    # counterfactual, as every point from the intervention on does.
    assert (result.n, result.n_before, result.n_after, result.phase_in) == (48, 24, 24, 3)
    assert result.fitted[24:27] == (None, None, None)
    assert result.fitted[27] == pytest.approx(reference.fittedvalues[24])
    assert len(result.counterfactual) == 24
    line = reference.params[0] + reference.params[1] * t[24:]
    assert [c[0] for c in result.counterfactual] == pytest.approx(list(line))
    assert result.notes == (
        "The 3 points from the intervention on (points 25–27) are the phase-in, left out of the "
        "fit; the level change is measured at point 28.",
    )
    assert result.as_dict()["phase_in"] == 3


def test_a_phase_in_under_ar_errors_keeps_the_time_spacing() -> None:
    y, after, t = ramped(seed=82, noise=1.0)
    result = segmented_regression(y, after, t, errors="ar", phase_in=3)
    keep = ~np.isin(t, [25, 26, 27])
    design = np.column_stack([np.ones(48), t, after])

    # Independently: the exact AR(1) likelihood of the points kept. Across the gap the error
    # four steps on has mean φ⁴·e and variance σ²(1 − φ⁸)/(1 − φ²).
    def loglike(p):
        beta, phi, sigma2 = p[:3], p[3], math.exp(2 * p[4])
        if not -1 < phi < 1:
            return -np.inf
        e = (y - design @ beta)[keep]
        steps = np.diff(t[keep])
        mean = phi**steps * e[:-1]
        var = sigma2 * (1 - phi ** (2 * steps)) / (1 - phi**2)
        first = sigma2 / (1 - phi**2)
        return float(
            stats.norm.logpdf(e[0], 0, math.sqrt(first))
            + stats.norm.logpdf(e[1:], mean, np.sqrt(var)).sum()
        )

    ols = sm.OLS(y[keep], design[keep]).fit()
    found = optimize.minimize(
        lambda p: -loglike(p),
        np.r_[ols.params, 0.2, math.log(np.std(ols.resid))],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000},
    )
    assert result.ar[0] == pytest.approx(found.x[3], abs=1e-4)
    assert result.level_change.estimate == pytest.approx(found.x[2], rel=1e-4)
    assert result.fitted[24:27] == (None, None, None)
    assert result.level_change.ci_low < 5.0 < result.level_change.ci_high


def test_a_controlled_series_takes_the_same_phase_in() -> None:
    y1, after, t = ramped(seed=83)
    y2, _, _ = series(n_before=24, n_after=24, level=0.0, seed=84)
    group = np.repeat([0, 1], 48)
    tt, aa = np.concatenate([t, t]), np.concatenate([after, after])
    y = np.concatenate([y1, y2])
    result = controlled_segmented_regression(y, aa, tt, group, lags=2, phase_in=3)
    keep = ~np.isin(tt, [25, 26, 27])
    programme = (group == 0).astype(float)
    design = np.column_stack([np.ones(96), tt, aa, programme, programme * tt, programme * aa])
    reference = sm.OLS(y[keep], design[keep]).fit(
        cov_type="hac-panel", cov_kwds={"groups": group[keep], "maxlags": 2}, use_t=True
    )
    assert result.level_difference.estimate == pytest.approx(reference.params[5], rel=1e-9)
    assert result.level_difference.se == pytest.approx(reference.bse[5], rel=1e-9)
    assert result.as_dict()["phase_in"] == 3
    assert result.as_dict()["errors"] == "newey-west"


def test_the_difference_in_differences_mde_has_80_percent_power_by_the_noncentral_t() -> None:
    # Independent of statsmodels: the power of a two-sided two-sample t-test at effect d is
    # P(|T| > t_crit) for T noncentral t with df = n1 + n2 − 2 and ncp = d·√(n1·n2/(n1 + n2)).
    from tandem.analysis.impact import did_mde, did_power_sentence

    for n1, n2 in ((17, 10), (24, 12), (40, 40)):
        d = did_mde(n1, n2)
        df = n1 + n2 - 2
        ncp = d * math.sqrt(n1 * n2 / (n1 + n2))
        crit = stats.t.ppf(0.975, df)
        achieved = stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp)
        assert achieved == pytest.approx(0.8, abs=1e-6)
    assert did_mde(17, 10) > did_mde(17, 40) > did_mde(400, 400)
    assert did_mde(17, 1) is None
    sentence = did_power_sentence(15, 7, invited=12)
    assert sentence.startswith("With 12 comparison respondents invited (about 7 matched")
    assert f"from {did_mde(15, 7):.2f} standard deviations" in sentence
