"""Internal consistency of a scale: Cronbach's alpha, McDonald's omega, item–total correlations.

docs/methods.md, "Reliability". Input is the scale's items for one wave, already reverse-keyed
(`scoring.recode_reverse`): one row per respondent, one column per item, NaN for missing.

Decisions worth knowing:
- Rows with no answer to any item are dropped first. They carry no information, and counting
  them in n would narrow Feldt's interval for people who skipped the section. On data without
  such rows every number equals `pingouin.cronbach_alpha(data, nan_policy="pairwise")`.
- All three statistics use the same pairwise-complete covariance matrix C (pandas `cov`), so they
  describe the same data; alpha matches pingouin / R `psych::alpha(use="pairwise")`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from tandem.analysis._frames import numeric_columns
from tandem.analysis.errors import AnalysisInputError

ALPHA_THRESHOLD = 0.7
LOW_ALPHA_WARNING = "Cronbach's alpha is below 0.7: treat the scale score with caution."

# R `factanal`'s lower bound for uniquenesses: keeps the ML fit off the Heywood boundary ψ = 0.
_MIN_UNIQUENESS = 0.005


@dataclass(frozen=True)
class Reliability:
    """Reliability of one scale in one wave.

    `n` counts respondents who answered at least one item; `n_complete` those who answered all.
    `omega` is None when it cannot be estimated (fewer than 3 items, an item with no variance,
    or a pairwise covariance matrix that is not positive definite); `warning` then says why.
    """

    n: int
    n_complete: int
    k: int
    alpha: float
    alpha_ci: tuple[float, float]
    omega: float | None
    item_total: dict[str, float | None]
    warning: str | None


@dataclass(frozen=True)
class OneFactorFit:
    """A one-factor model Σ = λλᵀ + diag(ψ) fitted by maximum likelihood, in the items' metric."""

    loadings: tuple[float, ...]
    uniquenesses: tuple[float, ...]


def cronbach_alpha(covariance: np.ndarray) -> float:
    """α = k/(k − 1) · (1 − tr(C) / ΣC) for a k × k item covariance matrix C (Cronbach 1951)."""
    k = covariance.shape[0]
    return float(k / (k - 1) * (1.0 - np.trace(covariance) / covariance.sum()))


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) CI for alpha, as pingouin computes it.

    lower = 1 − (1 − α) · F⁻¹(1 − γ/2; n − 1, (n − 1)(k − 1)),
    upper = 1 − (1 − α) · F⁻¹(γ/2; n − 1, (n − 1)(k − 1)), γ = 1 − level.
    pingouin rounds its interval to 3 decimals; this one is not rounded.
    """
    gamma = 1.0 - level
    df1 = n - 1
    df2 = df1 * (k - 1)
    lower = 1.0 - (1.0 - alpha) * float(stats.f.isf(gamma / 2, df1, df2))
    upper = 1.0 - (1.0 - alpha) * float(stats.f.isf(1 - gamma / 2, df1, df2))
    return lower, upper


def corrected_item_total(covariance: np.ndarray) -> np.ndarray:
    """Each item's correlation with the sum of the other items, from the covariance matrix.

    r_i = (Σ_j C_ij − C_ii) / √(C_ii · Σ_{j,l ≠ i} C_jl) — R `psych::alpha`'s `r.drop`. With
    complete data it equals the Pearson correlation of the item with the rest-score; with missing
    data it uses the same pairwise covariances as alpha. NaN for an item with no variance.
    """
    total = covariance.sum()
    column_sums = covariance.sum(axis=0)
    variances = np.diag(covariance)
    rest_covariance = column_sums - variances
    rest_variance = total - 2.0 * column_sums + variances
    denominator = variances * rest_variance
    result = np.full(covariance.shape[0], np.nan)
    np.divide(
        rest_covariance, np.sqrt(np.clip(denominator, 0.0, None)), out=result, where=denominator > 0
    )
    return result


def _uniqueness_discrepancy(psi: np.ndarray, correlation: np.ndarray) -> float:
    # Jöreskog's concentrated ML discrepancy for q = 1 (as R `factanal` minimises it):
    # F(ψ) = −Σ_{j>1} (log e_j − e_j) − 1 + p, e = eigenvalues of Ψ^-½ R Ψ^-½ (descending).
    scale = 1.0 / np.sqrt(psi)
    eigenvalues = np.linalg.eigvalsh(correlation * np.outer(scale, scale))[:-1]
    return float(-(np.sum(np.log(eigenvalues) - eigenvalues)) - 1.0 + correlation.shape[0])


def _loadings_for(psi: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    scale = 1.0 / np.sqrt(psi)
    eigenvalues, vectors = np.linalg.eigh(correlation * np.outer(scale, scale))
    strength = np.sqrt(max(float(eigenvalues[-1]) - 1.0, 0.0))
    loadings: np.ndarray = np.sqrt(psi) * vectors[:, -1] * strength
    return loadings if loadings.sum() >= 0 else -loadings


def _uniqueness_gradient(psi: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    loadings = _loadings_for(psi, correlation)
    residual_diagonal = loadings**2 + psi - np.diag(correlation)
    gradient: np.ndarray = residual_diagonal / psi**2
    return gradient


def fit_one_factor(covariance: np.ndarray) -> OneFactorFit:
    """Maximum-likelihood one-factor model Σ = λλᵀ + diag(ψ) for a covariance matrix.

    Fitted as R `factanal` does (Jöreskog 1967; Lawley & Maxwell 1971): the uniquenesses ψ of the
    correlation matrix are found by L-BFGS-B on the concentrated likelihood, bounded to
    [0.005, 1]; λ follows from the leading eigenvector. ML is scale-invariant, so the fit is
    rescaled to the items' own metric (λ_i · s_i, ψ_i · s_i²) — the metric of the raw scale score.
    Needs k ≥ 3 items with positive variance and a positive-definite matrix.
    """
    sd = np.sqrt(np.diag(covariance))
    correlation = covariance / np.outer(sd, sd)
    p = correlation.shape[0]
    start = np.clip((1.0 - 0.5 / p) / np.diag(np.linalg.inv(correlation)), _MIN_UNIQUENESS, 1.0)
    fit = optimize.minimize(
        _uniqueness_discrepancy,
        start,
        args=(correlation,),
        jac=_uniqueness_gradient,
        method="L-BFGS-B",
        bounds=[(_MIN_UNIQUENESS, 1.0)] * p,
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    )
    psi = np.asarray(fit.x, dtype=np.float64)
    loadings = _loadings_for(psi, correlation)
    return OneFactorFit(
        loadings=tuple(float(x) for x in loadings * sd),
        uniquenesses=tuple(float(x) for x in psi * sd**2),
    )


def omega_total(fit: OneFactorFit) -> float:
    """McDonald's omega total, ω = (Σλ)² / ((Σλ)² + Σψ) (McDonald 1999, *Test Theory: A Unified Treatment*).

    With λ, ψ in the items' metric this is the reliability of the unweighted sum (or mean) of the
    raw items, the same quantity alpha estimates (alpha = omega when all λ are equal).
    """
    common = sum(fit.loadings) ** 2
    return common / (common + sum(fit.uniquenesses))


def _omega_or_reason(covariance: np.ndarray) -> tuple[float | None, str | None]:
    # The fit is the slow part of a report (tens of ms a scale) and a pure function of the
    # matrix, so it is kept per process under the matrix's exact bytes: a report shown again
    # fits nothing again, and any change in any answer is a different matrix.
    key = (covariance.shape, np.ascontiguousarray(covariance, dtype=np.float64).tobytes())
    if key in _OMEGA_MEMO:
        return _OMEGA_MEMO[key]
    result = _omega_uncached(covariance)
    if len(_OMEGA_MEMO) >= 512:
        _OMEGA_MEMO.pop(next(iter(_OMEGA_MEMO)))
    _OMEGA_MEMO[key] = result
    return result


_OMEGA_MEMO: dict[tuple[tuple[int, ...], bytes], tuple[float | None, str | None]] = {}


def _omega_uncached(covariance: np.ndarray) -> tuple[float | None, str | None]:
    if covariance.shape[0] < 3:
        return (
            None,
            "McDonald's omega needs at least 3 items (a one-factor model of 2 items is not identified).",
        )
    if np.any(np.diag(covariance) <= 0):
        return None, "McDonald's omega was not estimated: an item has no variance."
    if np.linalg.eigvalsh(covariance).min() <= 1e-10 * np.trace(covariance):
        return None, (
            "McDonald's omega was not estimated: the item covariance matrix is not positive "
            "definite (fewer respondents than items, items that move in lockstep, or pairs of "
            "items answered together by only a few people)."
        )
    return omega_total(fit_one_factor(covariance)), None


def reliability(items: pd.DataFrame) -> Reliability:
    """Cronbach's alpha with Feldt 95% CI, McDonald's omega total and corrected item–total r.

    - alpha from the pairwise-complete covariance matrix (pingouin `cronbach_alpha`,
      nan_policy="pairwise"); CI by Feldt's method with n = respondents (see `feldt_interval`);
    - omega from a maximum-likelihood one-factor model (`fit_one_factor`, `omega_total`);
    - item–total: each item against the sum of the other items (`corrected_item_total`).
    `warning` is set when alpha < 0.7 and when omega cannot be estimated.
    """
    columns = [str(column) for column in items.columns]
    values = numeric_columns(items.set_axis(columns, axis=1), columns)
    values = values.loc[values.notna().any(axis=1)]
    n, k = values.shape
    if k < 2:
        raise AnalysisInputError("Reliability needs at least 2 items.")
    if n < 2:
        raise AnalysisInputError("Reliability needs answers from at least 2 respondents.")
    covariance_frame = values.cov()
    missing_pairs = np.argwhere(covariance_frame.isna().to_numpy())
    if len(missing_pairs):
        first, second = (columns[int(i)] for i in missing_pairs[0])
        raise AnalysisInputError(
            f"Items {first!r} and {second!r} were answered together by fewer than 2 respondents, "
            "so their covariance cannot be estimated."
        )
    covariance = covariance_frame.to_numpy(dtype=np.float64)
    if covariance.sum() <= 0:
        raise AnalysisInputError(
            "The total score has no variance (everyone answered alike), so alpha is undefined."
        )
    alpha = cronbach_alpha(covariance)
    omega, omega_reason = _omega_or_reason(covariance)
    warnings = [LOW_ALPHA_WARNING] if alpha < ALPHA_THRESHOLD else []
    if omega_reason is not None:
        warnings.append(omega_reason)
    item_total = corrected_item_total(covariance)
    return Reliability(
        n=int(n),
        n_complete=int(values.notna().all(axis=1).sum()),
        k=int(k),
        alpha=alpha,
        alpha_ci=feldt_interval(alpha, int(n), int(k)),
        omega=omega,
        item_total={
            column: (float(r) if np.isfinite(r) else None)
            for column, r in zip(columns, item_total, strict=True)
        },
        warning=" ".join(warnings) or None,
    )
