"""Did the programme make a difference? Interrupted time series, controlled ITS, difference in
differences and power (docs/methods.md, "Impact evaluation").

Segmented regression of one series on time:

    y_t = b0 + b1·t + b2·after_t [+ b3·(t − t1)·after_t] + Σ_k (c_k sin(2πk·s/P) + d_k cos(2πk·s/P)) + e_t

`after` is 0 before the intervention and 1 from it (t0 is the first "after" point), b2 is the level
change and b3 the slope change, both measured at t1: t0, or with a phase-in the first point after
it (below). Families:

- "gaussian": by default (errors="newey-west") ordinary least squares with Newey–West (HAC,
  Bartlett kernel) standard errors and Student's t on the residual degrees of freedom for intervals
  and p. The lag is given, or chosen by the usual rule of thumb floor(4·(n/100)^(2/9)) (Newey &
  West 1994); the result says which lag it used.
  With errors="ar" (and ar_order=p, default 1) the errors are modelled instead: e_t is a
  stationary AR(p) process, e_t = φ1·e_{t−1} + … + φp·e_{t−p} + u_t with u_t ~ N(0, σ²) white
  noise, and the regression and the φ are fitted together by exact maximum likelihood (what R's
  `arima(y, order = c(p, 0, 0), xreg = X)` and `nlme::gls(…, correlation = corARMA(p = p),
  method = "ML")` fit): statsmodels' ARIMA(y, exog=X, order=(p, 0, 0)) finds it, and φ is then
  polished on the same likelihood profiled over b and σ² (see `_fit_ar`). The b's standard
  errors are the generalised least squares ones at the fitted φ, σ²·(X'Ω⁻¹X)⁻¹ with Ω the AR(p)
  correlation of the fitted points, and intervals and p use Student's t on n − k degrees of freedom
  (as nlme's `summary.gls`). The result gives φ and σ². Counts cannot take AR errors.
- "poisson" and "quasipoisson": a log-link GLM for counts, with an optional offset log(exposure).
  Quasi-Poisson estimates the dispersion as R's `quasipoisson` does (Pearson χ² / residual df) and
  scales the standard errors by its square root. exp(b2) is the rate ratio, with the Wald interval
  exp(b2 ± 1.96·se).

Seasonality: K pairs of Fourier terms of the season position s and period P (as R's
`tsModel::harmonic`). Autocorrelation is reported, never hidden: the residuals' autocorrelation at
lags 1–3, Durbin–Watson, and Breusch–Godfrey (Newey–West), Ljung–Box on Pearson residuals (counts),
or Ljung–Box on the AR model's standardised innovations at lag max(p + 1, min(10, n/5)) with p
degrees of freedom taken off (AR errors: what is left once the AR(p) has been allowed for).

Phase-in: a change that takes a while to arrive (a service that ramps up) is not a step at t0. With
phase_in=g the g points from the intervention on are left out of the fit (a transition period, as
Wagner et al. 2002 and Lopez Bernal, Cummins & Gasparrini 2017 describe), the level change b2 is
the step at the first point after them (t1 = t0 + g) and the slope term counts from there. Their
fitted values are None; the counterfactual still covers them, so the result's arrays line up with
the input points. Under AR errors the left-out points are missing observations for the Kalman
filter, so the error process runs on through the gap at the right time spacing. With phase_in=0
(the default) nothing changes.

An ITS needs enough points on each side to estimate a trend and a change: MIN_BEFORE and MIN_AFTER
(8 each, the latter counted after any phase-in; Wagner et al., "Segmented regression analysis of
interrupted time series studies in medication use research", J Clin Pharm Ther 2002;27:299–309,
recommend at least 8 before and after; Penfold & Zhang 2013 say the same). Fewer raise
AnalysisInputError naming how many are needed.

No Django here. Numbers are floats; anything undefined is None, never NaN.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import statsmodels.api as sm
from scipy import linalg, optimize, stats
from statsmodels.stats.diagnostic import acorr_breusch_godfrey, acorr_ljungbox
from statsmodels.stats.power import TTestIndPower, TTestPower
from statsmodels.stats.stattools import durbin_watson
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.arima_process import arma_acovf
from statsmodels.tsa.statespace.tools import (
    constrain_stationary_univariate,
    unconstrain_stationary_univariate,
)
from statsmodels.tsa.stattools import acf

from tandem.analysis.errors import AnalysisInputError

Family = Literal["gaussian", "poisson", "quasipoisson"]
FAMILIES: tuple[Family, ...] = ("gaussian", "poisson", "quasipoisson")
ErrorModel = Literal["newey-west", "ar"]
ERROR_MODELS: tuple[ErrorModel, ...] = ("newey-west", "ar")
MIN_BEFORE = 8
MIN_AFTER = 8
Z95 = float(stats.norm.ppf(0.975))
ALPHA = 0.05


@dataclass(frozen=True)
class Coefficient:
    """One coefficient on the model's link scale, with its 95% Wald interval and two-sided p.

    For counts, `rate_ratio` and its interval are exp() of the same (None for gaussian)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p: float
    rate_ratio: float | None = None
    rate_ratio_ci_low: float | None = None
    rate_ratio_ci_high: float | None = None

    @property
    def spans_no_change(self) -> bool:
        return self.ci_low <= 0 <= self.ci_high

    def as_dict(self) -> dict[str, float | None]:
        data: dict[str, float | None] = {
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p": self.p,
        }
        if self.rate_ratio is not None:
            data |= {
                "rate_ratio": self.rate_ratio,
                "rate_ratio_ci_low": self.rate_ratio_ci_low,
                "rate_ratio_ci_high": self.rate_ratio_ci_high,
            }
        return data


@dataclass(frozen=True)
class Diagnostics:
    acf: tuple[
        float, ...
    ]  # residual autocorrelation at lags 1, 2, 3 (as many as the series allows)
    durbin_watson: float
    test: str  # "Breusch–Godfrey" or "Ljung–Box"
    test_lags: int
    test_p: float | None
    residuals: str = "ols"  # what was tested: "ols", "pearson" or (AR errors) "innovations"

    @property
    def autocorrelated(self) -> bool:
        return self.test_p is not None and self.test_p < ALPHA

    def as_dict(self) -> dict[str, Any]:
        return {
            "residuals": self.residuals,
            "residual_acf": list(self.acf),
            "durbin_watson": self.durbin_watson,
            "autocorrelation_test": self.test,
            "autocorrelation_lags": self.test_lags,
            "autocorrelation_p": self.test_p,
            "autocorrelated": self.autocorrelated,
        }


@dataclass(frozen=True)
class ItsResult:
    family: Family
    n: int
    n_before: int
    n_after: int  # every point from the intervention on, the phase-in's included
    dispersion: float | None  # quasi-Poisson's Pearson χ²/df; 1 for Poisson; None for gaussian
    lags: int | None  # Newey–West lag (gaussian with Newey–West errors)
    level_change: Coefficient
    slope_change: Coefficient | None
    trend_before: Coefficient
    # On the response scale, one per point; None for a phase-in point (left out of the fit)
    fitted: tuple[float | None, ...]
    # One per point from the intervention on: (expected, low, high) had the earlier trend continued
    counterfactual: tuple[tuple[float, float, float], ...]
    diagnostics: Diagnostics
    harmonics: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    errors: ErrorModel | None = None  # gaussian's error model; None for counts
    ar: tuple[float, ...] | None = None  # φ1..φp of AR errors
    innovation_variance: float | None = None  # σ² of AR errors' white noise (maximum likelihood)
    phase_in: int = 0  # points from the intervention on left out of the fit

    @property
    def ar_order(self) -> int | None:
        return None if self.ar is None else len(self.ar)

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "n": self.n,
            "n_before": self.n_before,
            "n_after": self.n_after,
            "phase_in": self.phase_in,
            "dispersion": self.dispersion,
            "errors": self.errors,
            "lags": self.lags,
            "ar_order": self.ar_order,
            "ar": None if self.ar is None else list(self.ar),
            "innovation_variance": self.innovation_variance,
            "harmonics": self.harmonics,
            "level_change": self.level_change.as_dict(),
            "slope_change": None if self.slope_change is None else self.slope_change.as_dict(),
            "trend_before": self.trend_before.as_dict(),
            "diagnostics": self.diagnostics.as_dict(),
            "counterfactual": [
                {"expected": e, "ci_low": lo, "ci_high": hi} for e, lo, hi in self.counterfactual
            ],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ControlledResult:
    """Programme series against comparison series (group × term interactions)."""

    family: Family
    n: int
    comparisons: int
    level_difference: Coefficient  # group × after: the programme's level change minus theirs
    slope_difference: Coefficient | None  # group × slope term
    pre_trend_difference: Coefficient  # group × time: the parallel pre-trends check
    dispersion: float | None
    lags: int | None
    phase_in: int = 0

    @property
    def parallel_pre_trends(self) -> bool:
        return self.pre_trend_difference.p >= ALPHA

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "n": self.n,
            "comparison_series": self.comparisons,
            "phase_in": self.phase_in,
            "dispersion": self.dispersion,
            "errors": None if self.family != "gaussian" else "newey-west",
            "lags": self.lags,
            "level_change_difference": self.level_difference.as_dict(),
            "slope_change_difference": None
            if self.slope_difference is None
            else self.slope_difference.as_dict(),
            "pre_trend_difference": self.pre_trend_difference.as_dict(),
            "parallel_pre_trends": self.parallel_pre_trends,
        }


def newey_west_lag(n: int) -> int:
    """floor(4·(n/100)^(2/9)), the usual rule of thumb (Newey & West 1994)."""
    lag: int = math.floor(4 * (n / 100) ** (2 / 9))
    return max(1, lag)


def fourier_terms(
    season: Sequence[float] | np.ndarray, harmonics: int, period: float
) -> np.ndarray:
    """sin(2πk·s/P), cos(2πk·s/P) for k = 1..K, columns in that order (tsModel::harmonic)."""
    s = np.asarray(season, dtype=float)
    columns = []
    for k in range(1, harmonics + 1):
        columns.append(np.sin(2 * np.pi * k * s / period))
        columns.append(np.cos(2 * np.pi * k * s / period))
    return np.column_stack(columns) if columns else np.empty((len(s), 0))


def _check_after(after: np.ndarray, phase_in: int = 0) -> int:
    if not np.all(np.isin(after, (0, 1))):
        raise AnalysisInputError("The after column must hold only 0 (before) and 1 (after).")
    if np.any(np.diff(after) < 0):
        raise AnalysisInputError(
            "The after column goes back from 1 to 0: every point from the intervention on must be 1."
        )
    n_before = int((after == 0).sum())
    n_after = int((after == 1).sum())
    if n_before < MIN_BEFORE or n_after - phase_in < MIN_AFTER:
        gap = (
            f" ({max(0, n_after - phase_in)} after the {phase_in}-point phase-in)"
            if phase_in
            else ""
        )
        raise AnalysisInputError(
            f"An interrupted time series needs at least {MIN_BEFORE} points before the "
            f"intervention and {MIN_AFTER} after{' the phase-in' if phase_in else ''}; this "
            f"series has {n_before} before and {n_after} after{gap}."
        )
    return int(np.argmax(after == 1))


def _check_phase_in(phase_in: int) -> int:
    if isinstance(phase_in, bool) or int(phase_in) != phase_in or phase_in < 0:
        raise AnalysisInputError(
            f"The phase-in must be a whole number of points, 0 or more, not {phase_in}."
        )
    return int(phase_in)


def _check_counts(y: np.ndarray, family: str) -> None:
    if family == "gaussian":
        return
    bad = np.flatnonzero((y < 0) | (np.abs(y - np.round(y)) > 1e-9))
    if bad.size:
        raise AnalysisInputError(
            f"The {family} family needs counts (whole numbers, 0 or more); point {bad[0] + 1} "
            f"is {y[bad[0]]:g}."
        )


def _check_offset(offset: np.ndarray | None) -> None:
    if offset is None:
        return
    bad = np.flatnonzero(~(offset > 0))
    if bad.size:
        raise AnalysisInputError(
            f"The offset (exposure) must be more than 0, because its log is taken; point "
            f"{bad[0] + 1} is {offset[bad[0]]:g}."
        )


def _coefficient(
    estimate: float, se: float, p: float, counts: bool, critical: float = Z95
) -> Coefficient:
    low, high = estimate - critical * se, estimate + critical * se
    if counts:
        return Coefficient(
            estimate, se, low, high, p, math.exp(estimate), math.exp(low), math.exp(high)
        )
    return Coefficient(estimate, se, low, high, p)


def _critical(fit: Any, counts: bool) -> float:
    """1.96 for counts (Wald, as R's ci.exp); Student's t on the residual df for values, as
    R's coeftest with a sandwich covariance gives — wider in short series, as it should be."""
    return Z95 if counts else float(stats.t.ppf(0.975, fit.df_resid))


def _fit(
    y: np.ndarray,
    design: np.ndarray,
    family: Family,
    offset: np.ndarray | None,
    lags: int,
    groups: np.ndarray | None = None,
) -> Any:
    if family == "gaussian":
        model = sm.OLS(y, design)
        if groups is None:
            return model.fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
        return model.fit(
            cov_type="hac-panel", cov_kwds={"groups": groups, "maxlags": lags}, use_t=True
        )
    glm = sm.GLM(
        y,
        design,
        family=sm.families.Poisson(),
        offset=None if offset is None else np.log(offset),
    )
    # scale="X2": Pearson χ² / residual df, exactly R's quasipoisson dispersion.
    return glm.fit(scale="X2" if family == "quasipoisson" else 1.0)


@dataclass(frozen=True)
class _ArFit:
    params: np.ndarray  # the regression coefficients b
    covariance: np.ndarray  # GLS covariance of b at the fitted φ and σ²
    phi: np.ndarray
    sigma2: float
    df: int
    innovations: np.ndarray  # standardised one-step-ahead errors of the fitted points
    converged: bool


def max_ar_order(points: int, terms: int) -> int:
    """The largest AR order allowed: a quarter of the points left once the regression's terms are
    counted, so that φ rests on enough points and Ljung–Box keeps a degree of freedom."""
    return max(0, (points - terms) // 4)


def _ar_profile(
    phi: np.ndarray, y: np.ndarray, x: np.ndarray, where: np.ndarray, n: int
) -> tuple[float, np.ndarray, float, np.ndarray, np.ndarray]:
    """The exact Gaussian log-likelihood of the points at `where` (time positions) for AR errors
    φ, with b and σ² at their maximum given φ (generalised least squares; σ² = RSS/N).

    Returns (log-likelihood, b, σ², Ω's Cholesky factor L, the standardised innovations
    L⁻¹(y − Xb)/σ — one-step-ahead prediction errors over their SD, as a Kalman filter gives)."""
    gamma = arma_acovf(np.r_[1.0, -phi], np.array([1.0]), nobs=n, sigma2=1.0)
    omega = linalg.toeplitz(gamma)[np.ix_(where, where)]
    chol = linalg.cholesky(omega, lower=True, check_finite=False)
    both = linalg.solve_triangular(chol, np.column_stack([y, x]), lower=True, check_finite=False)
    ys, xs = both[:, 0], both[:, 1:]
    beta = linalg.lstsq(xs, ys, check_finite=False)[0]
    white = ys - xs @ beta
    m = len(y)
    sigma2 = float(white @ white) / m
    loglike = -0.5 * m * (math.log(2 * math.pi * sigma2) + 1) - float(np.log(np.diag(chol)).sum())
    return loglike, beta, sigma2, xs, white / math.sqrt(sigma2)


def _fit_ar(y: np.ndarray, design: np.ndarray, kept: np.ndarray, order: int) -> _ArFit:
    """Regression with AR(order) errors by exact maximum likelihood; points not kept (the
    phase-in) are missing observations, so the errors run on through them.

    statsmodels' ARIMA(y, exog=X, order=(p, 0, 0)) (Kalman filter, the left-out points missing)
    gives the fit; its optimiser, working on b and φ together, stops a little short (about 1e-4
    relative), so φ is then polished on the same likelihood profiled over b and σ² (closed form
    given φ), stationarity kept by the partial-autocorrelation transform (Jones 1980)."""
    n = len(y)
    where = np.flatnonzero(kept)
    endog = np.where(kept, y, np.nan)
    model = ARIMA(endog, exog=design, order=(order, 0, 0), trend="n", concentrate_scale=True)
    with warnings.catch_warnings():
        # statsmodels warns when it replaces non-stationary starting values, or stops short of
        # its tolerance; the polish below finishes the search either way.
        warnings.simplefilter("ignore")
        start = np.asarray(model.fit(method="statespace", cov_type="none").params, dtype=float)
    k = design.shape[1]
    yk, xk = y[kept], design[kept]

    def minus(free: np.ndarray) -> float:
        return -_ar_profile(constrain_stationary_univariate(free), yk, xk, where, n)[0]

    first = np.clip(start[k : k + order], -0.99, 0.99)
    if order == 1:
        # One φ = tanh(u): Brent's method on u, bracketed round the ARIMA estimate.
        centre = float(np.arctanh(first[0]))
        found = optimize.minimize_scalar(
            lambda u: -_ar_profile(np.array([math.tanh(u)]), yk, xk, where, n)[0],
            bracket=(centre - 0.1, centre + 0.1),
            options={"xtol": 1e-10},
        )
        phi = np.array([math.tanh(found.x)])
        converged = bool(found.success)
    else:
        free0 = unconstrain_stationary_univariate(first)
        if not np.all(np.isfinite(free0)):
            free0 = np.zeros(order)
        found = optimize.minimize(minus, free0, method="BFGS", options={"gtol": 1e-6})
        phi = constrain_stationary_univariate(np.asarray(found.x, dtype=float))
        converged = bool(found.success) or (found.status == 2 and abs(found.jac).max() < 1e-4)
    _, beta, sigma2, xs, innovations = _ar_profile(phi, yk, xk, where, n)
    covariance = sigma2 * linalg.inv(xs.T @ xs)  # σ²·(X'Ω⁻¹X)⁻¹
    return _ArFit(
        params=beta,
        covariance=(covariance + covariance.T) / 2,
        phi=phi,
        sigma2=sigma2,
        df=len(yk) - k,
        innovations=innovations,
        converged=converged,
    )


def segmented_regression(
    y: Sequence[float],
    after: Sequence[int],
    time: Sequence[float] | None = None,
    *,
    family: Family = "gaussian",
    offset: Sequence[float] | None = None,
    slope: bool = False,
    season: Sequence[float] | None = None,
    harmonics: int = 0,
    period: float = 12,
    lags: int | None = None,
    errors: ErrorModel = "newey-west",
    ar_order: int | None = None,
    phase_in: int = 0,
) -> ItsResult:
    """An interrupted time series of one series (see the module's docstring).

    `errors` ("newey-west" or "ar") and `ar_order` (p, default 1) are for the gaussian family;
    `phase_in` points from the intervention on are left out of the fit."""
    if family not in FAMILIES:
        raise AnalysisInputError(f"Unknown family “{family}”: use {', '.join(FAMILIES)}.")
    if errors not in ERROR_MODELS:
        raise AnalysisInputError(f"Unknown error model “{errors}”: use {', '.join(ERROR_MODELS)}.")
    if errors == "ar" and family != "gaussian":
        raise AnalysisInputError(
            f"AR errors are for the gaussian family, not {family}: a count model's "
            "autocorrelation is reported (Ljung–Box), not modelled."
        )
    if ar_order is not None and errors != "ar":
        raise AnalysisInputError('An AR order goes with AR errors (errors="ar").')
    if errors == "ar" and lags is not None:
        raise AnalysisInputError(
            "Lags are the Newey–West lag; AR errors model the autocorrelation instead."
        )
    order = 1 if ar_order is None else ar_order
    if errors == "ar" and (isinstance(order, bool) or int(order) != order or order < 1):
        raise AnalysisInputError(f"The AR order must be a whole number, 1 or more, not {order}.")
    order = int(order)
    gap = _check_phase_in(phase_in)
    values = np.asarray(y, dtype=float)
    marks = np.asarray(after, dtype=float)
    n = len(values)
    if len(marks) != n:
        raise AnalysisInputError("The value and after columns differ in length.")
    if not np.all(np.isfinite(values)):
        raise AnalysisInputError("Every point needs a value; one is missing or not a number.")
    t = np.arange(1, n + 1, dtype=float) if time is None else np.asarray(time, dtype=float)
    if time is not None and not np.all(np.diff(t) == 1):
        where = int(np.argmax(np.diff(t) != 1))
        raise AnalysisInputError(
            f"Time must be consecutive numbers (1, 2, 3, …): it goes from {t[where]:g} to "
            f"{t[where + 1]:g} at point {where + 2}."
        )
    start = _check_after(marks, gap)
    _check_counts(values, family)
    exposure = None if offset is None else np.asarray(offset, dtype=float)
    _check_offset(exposure)
    if harmonics < 0:
        raise AnalysisInputError("Harmonics must be 0 or more.")
    if harmonics and season is None:
        raise AnalysisInputError("Seasonal terms need the season position (e.g. the month).")
    t1 = t[start + gap]  # where the change is measured: the first point after the phase-in
    columns = [np.ones(n), t, marks]
    if slope:
        columns.append((t - t1) * marks)
    seasonal = (
        fourier_terms(season, harmonics, period)
        if harmonics and season is not None
        else np.empty((n, 0))
    )
    design = np.column_stack([*columns, seasonal])
    kept = np.ones(n, dtype=bool)
    kept[start : start + gap] = False
    used = int(kept.sum())
    if design.shape[1] >= used:
        raise AnalysisInputError(f"Too many terms ({design.shape[1]}) for {used} points.")
    counts = family != "gaussian"
    lag = newey_west_lag(used) if lags is None else int(lags)
    if lag < 0:
        raise AnalysisInputError("Lags must be 0 or more.")
    notes: list[str] = []
    ar_fit: _ArFit | None = None
    if errors == "ar":
        most = max_ar_order(used, design.shape[1])
        if order > most:
            raise AnalysisInputError(
                f"AR order {order} is too large for {used} fitted points and "
                f"{design.shape[1]} regression terms: at most {most} (a quarter of the points "
                "left once the terms are counted)."
                if most
                else f"AR order {order} is too large: {used} fitted points and "
                f"{design.shape[1]} regression terms leave too few for any AR errors."
            )
        ar_fit = _fit_ar(values, design, kept, order)
        params, covariance = ar_fit.params, ar_fit.covariance
        bse = np.sqrt(np.diag(covariance))
        critical = float(stats.t.ppf(0.975, ar_fit.df))
        pvalues = 2 * stats.t.sf(np.abs(params / bse), ar_fit.df)
        fitted_values = design[kept] @ params
        if not ar_fit.converged:
            notes.append(
                "The AR model's maximum likelihood search did not report convergence: treat "
                "its figures with caution."
            )
    else:
        fit = _fit(
            values[kept],
            design[kept],
            family,
            None if exposure is None else exposure[kept],
            lag,
        )
        critical = _critical(fit, counts)
        params, bse, pvalues = (
            np.asarray(fit.params),
            np.asarray(fit.bse),
            np.asarray(fit.pvalues),
        )
        covariance = np.asarray(fit.cov_params())
        fitted_values = np.asarray(fit.fittedvalues)

    def coef(i: int) -> Coefficient:
        return _coefficient(float(params[i]), float(bse[i]), float(pvalues[i]), counts, critical)

    level, trend = coef(2), coef(1)
    slope_coef = coef(3) if slope else None
    # The counterfactual: the same model with the intervention terms switched off, for every point
    # from the intervention on (the phase-in's too).
    cf_design = design[start:].copy()
    cf_design[:, 2] = 0.0
    if slope:
        cf_design[:, 3] = 0.0
    eta = cf_design @ params
    se = np.sqrt(np.einsum("ij,jk,ik->i", cf_design, covariance, cf_design))
    if counts:
        log_exposure = np.zeros(len(eta)) if exposure is None else np.log(exposure[start:])
        expected = np.exp(eta + log_exposure)
        low = np.exp(eta - Z95 * se + log_exposure)
        high = np.exp(eta + Z95 * se + log_exposure)
        dispersion: float | None = float(fit.scale)
    else:
        expected, low, high = eta, eta - critical * se, eta + critical * se
        dispersion = None
    if ar_fit is not None:
        diagnostics = _innovation_diagnostics(ar_fit.innovations, order)
    else:
        residuals = np.asarray(fit.resid_pearson if counts else fit.resid)
        diagnostics = _diagnostics(values[kept], design[kept], residuals, family, lag)
    fitted: list[float | None] = [None] * n
    for i, v in zip(np.flatnonzero(kept), fitted_values, strict=True):
        fitted[i] = float(v)
    if gap:
        notes.append(
            f"The {gap} point{'s' if gap > 1 else ''} from the intervention on (point"
            f"{f's {start + 1}–{start + gap}' if gap > 1 else f' {start + 1}'}) are the phase-in, "
            f"left out of the fit; the level change is measured at point {start + gap + 1}."
        )
    return ItsResult(
        family=family,
        n=n,
        n_before=start,
        n_after=n - start,
        dispersion=dispersion,
        lags=lag if family == "gaussian" and errors == "newey-west" else None,
        level_change=level,
        slope_change=slope_coef,
        trend_before=trend,
        fitted=tuple(fitted),
        counterfactual=tuple(
            (float(e), float(lo), float(hi)) for e, lo, hi in zip(expected, low, high, strict=True)
        ),
        diagnostics=diagnostics,
        harmonics=harmonics,
        notes=tuple(notes),
        errors=None if counts else errors,
        ar=None if ar_fit is None else tuple(float(v) for v in ar_fit.phi),
        innovation_variance=None if ar_fit is None else ar_fit.sigma2,
        phase_in=gap,
    )


def _innovation_diagnostics(innovations: np.ndarray, order: int) -> Diagnostics:
    """What autocorrelation the AR(p) errors leave: Ljung–Box on the standardised innovations
    with p degrees of freedom taken off (R's Box.test(fitdf = p))."""
    n = len(innovations)
    nlags = max(1, min(3, n // 4))
    correlations = acf(innovations, nlags=nlags, fft=False)[1:]
    test_lags = max(order + 1, min(10, n // 5))
    table = acorr_ljungbox(innovations, lags=[test_lags], model_df=order)
    p = float(table["lb_pvalue"].iloc[0])
    return Diagnostics(
        acf=tuple(float(c) for c in correlations),
        durbin_watson=float(durbin_watson(innovations)),
        test="Ljung–Box",
        test_lags=test_lags,
        test_p=None if math.isnan(p) else p,
        residuals="innovations",
    )


def _diagnostics(
    y: np.ndarray, design: np.ndarray, residuals: np.ndarray, family: str, lag: int
) -> Diagnostics:
    n = len(residuals)
    nlags = max(1, min(3, n // 4))
    correlations = acf(residuals, nlags=nlags, fft=False)[1:]
    test_lags = max(1, min(lag, n // 4) if lag else 1)
    if family == "gaussian":
        plain = sm.OLS(y, design).fit()
        found = acorr_breusch_godfrey(plain, nlags=test_lags, result_object=True)
        test, p = "Breusch–Godfrey", float(found.lmpval)
    else:
        table = acorr_ljungbox(residuals, lags=[test_lags])
        test, p = "Ljung–Box", float(table["lb_pvalue"].iloc[0])
    return Diagnostics(
        acf=tuple(float(c) for c in correlations),
        durbin_watson=float(durbin_watson(residuals)),
        test=test,
        test_lags=test_lags,
        test_p=None if math.isnan(p) else p,
        residuals="ols" if family == "gaussian" else "pearson",
    )


def controlled_segmented_regression(
    y: Sequence[float],
    after: Sequence[int],
    time: Sequence[float],
    series: Sequence[int],
    *,
    family: Family = "gaussian",
    offset: Sequence[float] | None = None,
    slope: bool = False,
    season: Sequence[float] | None = None,
    harmonics: int = 0,
    period: float = 12,
    lags: int | None = None,
    phase_in: int = 0,
) -> ControlledResult:
    """A controlled ITS: `series` is 0 for the programme's series and 1, 2, … for comparison
    series (each with its own intercept). The programme indicator's interactions with time,
    `after` and the slope term give the parallel pre-trends check and the differences in level
    and slope change. Gaussian errors are Newey–West within each series (hac-panel). The
    `phase_in` points from the intervention on are left out of every series, as in
    `segmented_regression`."""
    if family not in FAMILIES:
        raise AnalysisInputError(f"Unknown family “{family}”: use {', '.join(FAMILIES)}.")
    values = np.asarray(y, dtype=float)
    marks = np.asarray(after, dtype=float)
    t = np.asarray(time, dtype=float)
    ids = np.asarray(series, dtype=int)
    if not (len(values) == len(marks) == len(t) == len(ids)):
        raise AnalysisInputError("The columns differ in length.")
    labels = sorted(set(ids.tolist()))
    if 0 not in labels or len(labels) < 2:
        raise AnalysisInputError(
            "A controlled series needs the programme's series and a comparison."
        )
    order = np.lexsort((t, ids))
    values, marks, t, ids = values[order], marks[order], t[order], ids[order]
    exposure = None if offset is None else np.asarray(offset, dtype=float)[order]
    seasons = None if season is None else np.asarray(season, dtype=float)[order]
    _check_counts(values, family)
    _check_offset(exposure)
    gap = _check_phase_in(phase_in)
    t0 = None
    for label in labels:
        mine = ids == label
        if not np.all(np.diff(t[mine]) == 1):
            raise AnalysisInputError(f"Series {label}'s time is not consecutive numbers.")
        start = _check_after(marks[mine], gap)
        first = t[mine][start]
        if t0 is None:
            t0 = first
        elif first != t0:
            raise AnalysisInputError(
                "Every series must start its “after” period at the same time point."
            )
    assert t0 is not None
    programme = (ids == 0).astype(float)
    slope_term = (t - (t0 + gap)) * marks
    columns = [np.ones(len(values)), t, marks]
    if slope:
        columns.append(slope_term)
    columns += [programme, programme * t, programme * marks]
    if slope:
        columns.append(programme * slope_term)
    for label in labels[2:]:  # comparison series beyond the first get their own intercept
        columns.append((ids == label).astype(float))
    if harmonics and seasons is not None:
        columns += list(fourier_terms(seasons, harmonics, period).T)
    design = np.column_stack(columns)
    kept = ~((marks == 1) & (t < t0 + gap))
    values, design, ids = values[kept], design[kept], ids[kept]
    exposure = None if exposure is None else exposure[kept]
    lag = newey_west_lag(int((ids == 0).sum())) if lags is None else int(lags)
    fit = _fit(values, design, family, exposure, lag, groups=ids if family == "gaussian" else None)
    params, bse, pvalues = (np.asarray(fit.params), np.asarray(fit.bse), np.asarray(fit.pvalues))
    counts = family != "gaussian"
    critical = _critical(fit, counts)
    base = 4 if slope else 3

    def coef(i: int) -> Coefficient:
        return _coefficient(float(params[i]), float(bse[i]), float(pvalues[i]), counts, critical)

    return ControlledResult(
        family=family,
        n=len(values),
        comparisons=len(labels) - 1,
        pre_trend_difference=coef(base + 1),
        level_difference=coef(base + 2),
        slope_difference=coef(base + 3) if slope else None,
        dispersion=float(fit.scale) if counts else None,
        lags=lag if family == "gaussian" else None,
        phase_in=gap,
    )


# --- Plain English ------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{abs(x) * 100:.0f}%"


def describe_level_change(
    result: ItsResult | ControlledResult,
    *,
    measure: str,
    unit: str = "",
    versus: str = "the earlier trend predicted",
) -> str:
    """One sentence for the level change, its 95% CI, and honesty when the CI spans no change.

    Counts: "After the programme began, admissions were 11% lower than the earlier trend predicted
    (95% CI 7% to 16% lower)." Values: "… waiting time was 4.2 days lower than …"."""
    coef = result.level_change if isinstance(result, ItsResult) else result.level_difference
    if coef.rate_ratio is not None:
        rr, lo, hi = coef.rate_ratio, coef.rate_ratio_ci_low, coef.rate_ratio_ci_high
        assert lo is not None and hi is not None
        way = "lower" if rr < 1 else "higher"

        def side(r: float) -> str:
            return f"{_pct(r - 1)} {'lower' if r < 1 else 'higher'}"

        sentence = f"After the programme began, {measure} were {_pct(rr - 1)} {way} than {versus}"
        if lo < 1 < hi:
            return (
                f"{sentence} (95% CI {side(lo)} to {side(hi)}): the interval includes no change, "
                "so the data are consistent with no effect."
            )
        both = "lower" if hi < 1 else "higher"
        a, b = sorted((abs(lo - 1), abs(hi - 1)))
        return f"{sentence} (95% CI {a * 100:.0f}% to {b * 100:.0f}% {both})."
    suffix = unit if unit == "%" else (f" {unit}" if unit else "")
    est = coef.estimate
    way = "lower" if est < 0 else "higher"

    def amount(x: float) -> str:
        return f"{abs(x):.1f}{' percentage points' if unit == '%' else suffix}"

    sentence = f"After the programme began, {measure} was {amount(est)} {way} than {versus}"
    if coef.spans_no_change:
        return (
            f"{sentence} (95% CI {amount(coef.ci_low)} {'lower' if coef.ci_low < 0 else 'higher'} "
            f"to {amount(coef.ci_high)} {'lower' if coef.ci_high < 0 else 'higher'}): the interval "
            "includes no change, so the data are consistent with no effect."
        )
    a, b = sorted((abs(coef.ci_low), abs(coef.ci_high)))
    return f"{sentence} (95% CI {a:.1f} to {amount(b)} {way})."


# --- Difference in differences for stock-take scales --------------------------------------


@dataclass(frozen=True)
class ChangeDifference:
    """Programme's mean matched change minus the comparison group's (Welch), or why not shown."""

    n_programme: int
    n_comparison: int
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    suppressed: str | None = None

    @property
    def sentence(self) -> str:
        if self.suppressed:
            return self.suppressed
        assert self.difference is not None and self.ci_low is not None
        assert self.ci_high is not None and self.p is not None
        text = (
            f"The programme group's mean change was {self.difference:+.2f} points more than the "
            f"comparison group's (95% CI {self.ci_low:+.2f} to {self.ci_high:+.2f})"
        ).replace("-", "−")
        if self.p < ALPHA:
            more = "improved more" if self.difference > 0 else "declined more"
            return f"{text}: the programme group {more} than the comparison group."
        return f"{text}: no clear evidence that the groups changed differently."


def change_difference(
    programme: Sequence[float], comparison: Sequence[float], *, k: int
) -> ChangeDifference:
    """Difference in mean matched change (programme − comparison) with Welch's 95% CI; refused
    when either group has fewer than k people (it would describe fewer than k people's change)."""
    a = np.asarray([x for x in programme if x is not None and math.isfinite(x)], dtype=float)
    b = np.asarray([x for x in comparison if x is not None and math.isfinite(x)], dtype=float)
    if len(a) < k or len(b) < k or min(len(a), len(b)) < 2:
        return ChangeDifference(
            len(a),
            len(b),
            suppressed=(
                f"Not shown: each group needs at least {k} people who answered both stock takes "
                f"(the programme group has {'fewer' if len(a) < k else 'enough'}, the comparison "
                f"group {'fewer' if len(b) < k else 'enough'})."
            ),
        )
    test = stats.ttest_ind(a, b, equal_var=False)
    interval = test.confidence_interval(0.95)
    return ChangeDifference(
        len(a),
        len(b),
        difference=float(a.mean() - b.mean()),
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        p=float(test.pvalue),
    )


# --- Power and the minimum detectable effect ----------------------------------------------


def paired_mde(n_matched: int, *, alpha: float = ALPHA, power: float = 0.8) -> float | None:
    """The smallest d_z a paired t-test of n people detects with this power (two-sided)."""
    if n_matched < 2:
        return None
    return float(
        TTestPower().solve_power(
            effect_size=None, nobs=n_matched, alpha=alpha, power=power, alternative="two-sided"
        )
    )


def expected_matched(invited: int, response_rate: float, matching_rate: float) -> int:
    """People expected to answer both stock takes: invited × response rate × matching rate."""
    for name, rate in (("response rate", response_rate), ("matching rate", matching_rate)):
        if not 0 <= rate <= 1:
            raise AnalysisInputError(f"The {name} must be between 0 and 1, not {rate:g}.")
    return math.floor(invited * response_rate * matching_rate + 1e-9)


@dataclass(frozen=True)
class ItsPower:
    mde: float  # smallest level change detectable (units of the series)
    residual_sd: float
    ar1: float
    n_before: int
    n_after: int
    simulations: int


def its_mde(
    before: Sequence[float],
    *,
    n_after: int,
    alpha: float = ALPHA,
    power: float = 0.8,
    simulations: int = 500,
    seed: int = 20250113,
) -> ItsPower:
    """The smallest level change an ITS with these points could detect, by simulation.

    The pre-period's linear trend is fitted; its residual SD and lag-1 autocorrelation define
    AR(1) noise. Series of len(before) + n_after points are simulated with no change, and the
    segmented regression's level-change estimate is taken from each; the minimum detectable
    effect is (z_{1−α/2} + z_power) × the estimate's standard deviation across simulations."""
    pre = np.asarray(before, dtype=float)
    n_before = len(pre)
    if n_before < MIN_BEFORE or n_after < MIN_AFTER:
        raise AnalysisInputError(
            f"Power needs at least {MIN_BEFORE} points before and {MIN_AFTER} after."
        )
    t_pre = np.arange(1, n_before + 1, dtype=float)
    trend = np.column_stack([np.ones(n_before), t_pre])
    residuals = pre - trend @ np.linalg.lstsq(trend, pre, rcond=None)[0]
    sd = float(np.std(residuals, ddof=2))
    rho = float(acf(residuals, nlags=1, fft=False)[1]) if sd > 0 else 0.0
    rho = max(-0.95, min(0.95, rho))
    n = n_before + n_after
    t = np.arange(1, n + 1, dtype=float)
    after = (t > n_before).astype(float)
    design = np.column_stack([np.ones(n), t, after])
    solve = np.linalg.pinv(design)[2]  # the level-change row of the least-squares solution
    rng = np.random.default_rng(seed)
    shocks = rng.normal(0, sd * math.sqrt(1 - rho**2), size=(simulations, n))
    noise = np.empty_like(shocks)
    noise[:, 0] = rng.normal(0, sd, size=simulations)
    for i in range(1, n):
        noise[:, i] = rho * noise[:, i - 1] + shocks[:, i]
    estimates = noise @ solve
    spread = float(np.std(estimates, ddof=1))
    z = float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))
    return ItsPower(z * spread, sd, rho, n_before, n_after, simulations)


def did_mde(
    n_programme: int, n_comparison: int, *, alpha: float = ALPHA, power: float = 0.8
) -> float | None:
    """The smallest difference in mean matched change, in SDs of the changes, that a two-sided
    two-sample t-test of the two groups' changes detects with this power (statsmodels
    `TTestIndPower`: equal variances, the planning approximation to Welch)."""
    if n_programme < 2 or n_comparison < 2:
        return None
    return float(
        TTestIndPower().solve_power(
            effect_size=None,
            nobs1=n_programme,
            ratio=n_comparison / n_programme,
            alpha=alpha,
            power=power,
            alternative="two-sided",
        )
    )


def did_power_sentence(n_programme: int, n_comparison: int, *, invited: int) -> str:
    """The planning sentence for a comparison group of `invited` people, `n_comparison` of whom
    are expected to be matched, against `n_programme` matched programme people."""
    mde = did_mde(n_programme, n_comparison)
    start = (
        f"With {invited} comparison respondent{'s' if invited != 1 else ''} invited (about "
        f"{n_comparison} matched at the same rates)"
    )
    if mde is None:
        return f"{start}, too few would be matched to compare the two groups' change."
    return (
        f"{start}, the difference between the two groups' change could be detected from "
        f"{mde:.2f} standard deviations of the change (80% power, two-sided α = 0.05)."
    )


def power_sentence(
    n_matched: int,
    *,
    invited: int | None = None,
    response_rate: float = 0.8,
    matching_rate: float = 0.8,
) -> str:
    """What a paired stock-take comparison of `n_matched` people could detect, in words.

    With `invited`, the sentence is a plan ("about N people will be matched"); otherwise it
    describes a study done."""
    mde = paired_mde(n_matched)
    if invited is not None:
        start = (
            f"If {invited} people are invited, {response_rate:.0%} answer and {matching_rate:.0%} "
            f"of them answer the repeat stock take too, about {n_matched} will be matched"
        )
        if mde is None:
            return f"{start}: too few to measure any change."
        return (
            f"{start}: enough to detect only a change of d_z ≥ {mde:.2f} (80% power, two-sided "
            "α = 0.05). A smaller real change could be missed; inviting more people, or a "
            "comparison group, makes the study stronger."
        )
    if mde is None:
        return "Too few people were matched across the two stock takes to measure any change."
    return (
        f"With {n_matched} people matched across the two stock takes, this study could only "
        f"detect a change of d_z ≥ {mde:.2f} (80% power, two-sided α = 0.05); a smaller real "
        "change could have been missed."
    )
