"""Association between two measures of the same people, e.g. coaching dose and change in score.

Used by the evaluation report to ask whether people who had more coaching changed more. With a
dozen or two people and no comparison group this is an association, never evidence of cause, and
the sentence it produces says so.

Pearson's r with a 95% confidence interval from Fisher's z transformation,
z = atanh(r), SE = 1 / sqrt(n − 3), CI = tanh(z ± 1.96 · SE) (Fisher 1921; as pingouin.corr);
Spearman's rho beside it because doses are small whole numbers with ties and a few people can
dominate r. p-values are two-sided, from scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from tandem.analysis.errors import AnalysisInputError

MIN_PEOPLE = 4  # Fisher's SE needs n > 3.
_Z_975 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Association:
    n: int
    r: float
    r_ci_low: float
    r_ci_high: float
    r_p: float
    rho: float
    rho_p: float
    sentence: str


def _strength(r: float) -> str:
    # Cohen's (1988) conventional labels for a correlation's size.
    size = abs(r)
    if size < 0.1:
        return "a very weak"
    if size < 0.3:
        return "a weak"
    if size < 0.5:
        return "a moderate"
    return "a strong"


def association(
    x: Sequence[float], y: Sequence[float], *, x_label: str = "x", y_label: str = "y"
) -> Association:
    """Pearson's r (Fisher-z 95% CI) and Spearman's rho between paired measures x and y."""
    if len(x) != len(y):
        raise AnalysisInputError(
            f"{x_label} has {len(x)} values but {y_label} has {len(y)}: they must be paired."
        )
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    n = int(xs.size)
    if n < MIN_PEOPLE:
        raise AnalysisInputError(
            f"An association needs at least {MIN_PEOPLE} people with both measures; there are {n}."
        )
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        constant = x_label if np.ptp(xs) == 0 else y_label
        raise AnalysisInputError(
            f"Everyone has the same {constant}, so there is no association to measure."
        )
    r, r_p = stats.pearsonr(xs, ys)
    r = float(r)
    z = math.atanh(max(min(r, 1 - 1e-15), -1 + 1e-15))
    se = 1 / math.sqrt(n - 3)
    low, high = math.tanh(z - _Z_975 * se), math.tanh(z + _Z_975 * se)
    rho, rho_p = stats.spearmanr(xs, ys)
    direction = "more" if r > 0 else "less"
    figures = f"r = {r:.2f}, 95% CI {low:.2f} to {high:.2f}, p = {float(r_p):.2g}"
    if low <= 0 <= high:
        # An interval that spans zero is compatible with no association in either direction.
        sentence = (
            f"Across {n} people there was no clear association between {x_label} and {y_label} "
            f"({figures})."
        )
    else:
        sentence = (
            f"Across {n} people, those with more {x_label} tended to show {direction} {y_label}: "
            f"{_strength(r)} association ({figures}). This is an association, not evidence that "
            "one caused the other."
        )
    return Association(
        n=n,
        r=r,
        r_ci_low=low,
        r_ci_high=high,
        r_p=float(r_p),
        rho=float(rho),
        rho_p=float(rho_p),
        sentence=sentence,
    )
