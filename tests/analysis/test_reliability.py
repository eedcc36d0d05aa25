"""Cronbach's alpha, McDonald's omega and item–total correlations against reference values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.multivariate.factor import Factor

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.reliability import (
    LOW_ALPHA_WARNING,
    fit_one_factor,
    omega_total,
    reliability,
)

# A congeneric scale: five items with different loadings and unique variances (items' metric).
LOADINGS = np.array([0.9, 0.7, 1.1, 0.5, 0.8])
UNIQUENESSES = np.array([0.5, 0.8, 0.4, 1.0, 0.6])
POPULATION = np.outer(LOADINGS, LOADINGS) + np.diag(UNIQUENESSES)
TRUE_OMEGA = LOADINGS.sum() ** 2 / (LOADINGS.sum() ** 2 + UNIQUENESSES.sum())


def data_with_covariance(covariance: np.ndarray, n: int, seed: int) -> pd.DataFrame:
    """Data whose sample covariance (n − 1 denominator) is exactly `covariance`."""
    rng = np.random.default_rng(seed)
    raw = rng.standard_normal((n, covariance.shape[0]))
    raw -= raw.mean(axis=0)
    whitened = raw @ np.linalg.inv(np.linalg.cholesky(np.cov(raw.T)).T)
    values = 3.0 + whitened @ np.linalg.cholesky(covariance).T
    return pd.DataFrame(values, columns=[f"i{j}" for j in range(covariance.shape[0])])


def likert_with_gaps(seed: int, n: int = 120, k: int = 6, missing: float = 0.12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.standard_normal(n)
    values = np.clip(np.round(3 + trait[:, None] + rng.standard_normal((n, k))), 1, 5)
    values[rng.random((n, k)) < missing] = np.nan
    frame = pd.DataFrame(values, columns=[f"q{j}" for j in range(k)])
    return frame.loc[frame.notna().any(axis=1)]


def test_alpha_matches_pingouin_documented_example_with_missing_values() -> None:
    # pingouin docs: cronbach_alpha(cronbach_wide_missing) = (0.732660835214447, [0.435, 0.909]),
    # the value of R psych::alpha(data, use = "pairwise").
    result = reliability(pg.read_dataset("cronbach_wide_missing"))
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert result.alpha_ci == pytest.approx((0.435, 0.909), abs=5e-4)
    assert (result.n, result.n_complete, result.k) == (12, 9, 11)


def test_alpha_matches_pingouin_documented_likert_example() -> None:
    # pingouin docs: (0.5917188485995826, [0.195, 0.84]) for the long-format Likert data.
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    result = reliability(data)
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert result.alpha_ci == pytest.approx((0.195, 0.84), abs=5e-4)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_alpha_and_feldt_interval_equal_pingouin_pairwise(seed: int) -> None:
    data = likert_with_gaps(seed)
    alpha, ci = pg.cronbach_alpha(data=data, nan_policy="pairwise")
    # Feldt's interval as pingouin computes it, before its rounding to 3 decimals.
    n, k = data.shape
    f_upper = stats.f.isf(0.025, n - 1, (n - 1) * (k - 1))
    f_lower = stats.f.isf(0.975, n - 1, (n - 1) * (k - 1))
    result = reliability(data)
    assert result.alpha == pytest.approx(alpha, abs=1e-10)
    assert result.alpha_ci == pytest.approx(
        (1 - (1 - alpha) * f_upper, 1 - (1 - alpha) * f_lower), abs=1e-10
    )
    assert result.alpha_ci == pytest.approx(tuple(ci), abs=5e-4)


def test_respondents_who_skipped_every_item_are_not_counted() -> None:
    data = likert_with_gaps(7)
    skipped = pd.DataFrame(np.nan, index=[900, 901], columns=data.columns)
    result = reliability(pd.concat([data, skipped]))
    alpha, _ = pg.cronbach_alpha(data=data)
    assert result.n == len(data)
    assert result.n_complete == int(data.notna().all(axis=1).sum())
    assert result.alpha == pytest.approx(alpha, abs=1e-10)


def test_omega_recovers_a_congeneric_population_exactly() -> None:
    # For Σ = λλᵀ + diag(ψ), ML reproduces λ and ψ, so ω = (Σλ)² / ((Σλ)² + Σψ) exactly.
    fit = fit_one_factor(POPULATION)
    np.testing.assert_allclose(fit.loadings, LOADINGS, atol=1e-7)
    np.testing.assert_allclose(fit.uniquenesses, UNIQUENESSES, atol=1e-7)
    assert omega_total(fit) == pytest.approx(TRUE_OMEGA, abs=1e-9)


def test_omega_from_data_with_the_population_covariance() -> None:
    result = reliability(data_with_covariance(POPULATION, n=200, seed=11))
    assert result.omega == pytest.approx(TRUE_OMEGA, abs=1e-8)
    # Congeneric items: alpha is a lower bound of reliability, here strictly below omega.
    assert result.alpha < result.omega


def test_omega_equals_alpha_for_tau_equivalent_items() -> None:
    # Equal loadings (tau-equivalence) make alpha exactly the reliability: ω = α.
    covariance = np.full((4, 4), 0.64) + np.diag([0.3, 0.5, 0.7, 0.9])
    result = reliability(data_with_covariance(covariance, n=150, seed=3))
    assert result.omega == pytest.approx(result.alpha, abs=1e-8)


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_one_factor_fit_agrees_with_statsmodels_maximum_likelihood(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sample = rng.multivariate_normal(np.zeros(5), POPULATION, size=300)
    covariance = np.cov(sample.T)
    sd = np.sqrt(np.diag(covariance))
    reference = Factor(corr=covariance / np.outer(sd, sd), n_factor=1, method="ml", nobs=300).fit()
    fit = fit_one_factor(covariance)
    reference_loadings = reference.loadings.ravel() * np.sign(reference.loadings.sum())
    # statsmodels stops at its own optimiser tolerance; agreement to 1e-5 is well inside it.
    np.testing.assert_allclose(np.array(fit.loadings) / sd, reference_loadings, atol=1e-5)
    np.testing.assert_allclose(np.array(fit.uniquenesses) / sd**2, reference.uniqueness, atol=1e-5)


def test_corrected_item_total_equals_correlation_with_the_rest_score() -> None:
    data = likert_with_gaps(8, missing=0.0)
    result = reliability(data)
    for item in data.columns:
        rest = data.drop(columns=item).sum(axis=1)
        expected = np.corrcoef(data[item], rest)[0, 1]
        assert result.item_total[item] == pytest.approx(expected, abs=1e-12)


def test_corrected_item_total_uses_the_pairwise_covariances_with_missing_data() -> None:
    data = likert_with_gaps(9)
    covariance = data.cov().to_numpy()
    result = reliability(data)
    for j, item in enumerate(data.columns):
        others = [i for i in range(data.shape[1]) if i != j]
        rest_cov = covariance[j, others].sum()
        rest_var = covariance[np.ix_(others, others)].sum()
        expected = rest_cov / np.sqrt(covariance[j, j] * rest_var)
        assert result.item_total[item] == pytest.approx(expected, abs=1e-12)


def test_low_alpha_carries_the_caution_warning() -> None:
    result = reliability(
        pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    )
    assert result.alpha < 0.7
    assert result.warning is not None and result.warning.startswith(LOW_ALPHA_WARNING)


def test_good_scale_has_no_warning() -> None:
    result = reliability(data_with_covariance(POPULATION, n=200, seed=12))
    assert result.alpha >= 0.7
    assert result.warning is None


def test_two_item_scale_has_alpha_but_no_omega() -> None:
    result = reliability(data_with_covariance(POPULATION[:2, :2], n=50, seed=13))
    assert result.omega is None
    assert result.warning is not None and "at least 3 items" in result.warning


def test_a_single_item_is_refused() -> None:
    with pytest.raises(AnalysisInputError, match="at least 2 items"):
        reliability(pd.DataFrame({"q1": [1.0, 2.0, 3.0]}))


def test_items_never_answered_together_are_named() -> None:
    data = pd.DataFrame(
        {
            "q1": [1, 2, 3, np.nan, np.nan],
            "q2": [np.nan, np.nan, np.nan, 4, 5],
            "q3": [1, 2, 3, 4, 5],
        },
        dtype=float,
    )
    with pytest.raises(
        AnalysisInputError, match=r"Items 'q1' and 'q2' were answered together by fewer than 2"
    ):
        reliability(data)
