"""Two independent groups, e.g. doctors vs managers (docs/methods.md, "Two groups").

Missing values (NaN) are dropped before anything is computed: they are people without a score.
A statistic that is undefined for the data (an SD from one value, a t statistic when both
groups have no spread) is None rather than NaN, so results serialise to JSON as they stand.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from tandem.analysis.errors import AnalysisInputError


@dataclass(frozen=True)
class GroupSummary:
    """n, mean, SD (n − 1 denominator) and the t-based 95% CI of the mean of one group."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class GroupComparison:
    """Welch's t-test, the Mann–Whitney U test and Hedges' g for group a against group b.

    Differences and effect sizes are a − b. `mann_whitney_u` is U for the first sample (a), as
    scipy reports it: the number of (a, b) pairs with a > b, ties counting one half.
    """

    summary_a: GroupSummary
    summary_b: GroupSummary
    welch_t: float | None
    welch_df: float | None
    welch_p: float | None
    mann_whitney_u: float
    mann_whitney_p: float
    hedges_g: float | None


def _finite_values(values: npt.ArrayLike, name: str = "values") -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError) as error:
        raise AnalysisInputError(f"The {name} must all be numbers.") from error
    if np.isinf(array).any():
        raise AnalysisInputError(f"The {name} include an infinite value.")
    finite: np.ndarray = array[~np.isnan(array)]
    return finite


def describe(values: npt.ArrayLike, level: float = 0.95) -> GroupSummary:
    """n, mean, SD and CI of the mean: x̄ ± t(1 − γ/2; n − 1) · s/√n, γ = 1 − level.

    s uses the n − 1 denominator. NaN values are ignored. mean is None for n = 0; SD and CI are
    None for n < 2. The CI equals scipy `ttest_1samp(x, 0).confidence_interval()` and R `t.test`.
    """
    x = _finite_values(values)
    n = int(x.size)
    if n == 0:
        return GroupSummary(n=0, mean=None, sd=None, ci_low=None, ci_high=None)
    mean = float(x.mean())
    if n < 2:
        return GroupSummary(n=1, mean=mean, sd=None, ci_low=None, ci_high=None)
    sd = float(x.std(ddof=1))
    half_width = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return GroupSummary(n=n, mean=mean, sd=sd, ci_low=mean - half_width, ci_high=mean + half_width)


def hedges_g(a: np.ndarray, b: np.ndarray) -> float | None:
    """Hedges' g = d · J, d = (x̄_a − x̄_b) / s_pooled, J = 1 − 3 / (4(n_a + n_b) − 9).

    s_pooled² = ((n_a − 1)s_a² + (n_b − 1)s_b²) / (n_a + n_b − 2) (Hedges & Olkin 1985; the
    correction pingouin `compute_effsize(eftype="hedges")` applies). None when s_pooled = 0.
    """
    n_a, n_b = a.size, b.size
    pooled_variance = ((n_a - 1) * a.var(ddof=1) + (n_b - 1) * b.var(ddof=1)) / (n_a + n_b - 2)
    if pooled_variance <= 0:
        return None
    d = (a.mean() - b.mean()) / math.sqrt(pooled_variance)
    return float(d * (1.0 - 3.0 / (4.0 * (n_a + n_b) - 9.0)))


def compare_groups(a: npt.ArrayLike, b: npt.ArrayLike) -> GroupComparison:
    """Compare two independent groups (docs/methods.md, "Two groups").

    - Welch's t-test, scipy `ttest_ind(a, b, equal_var=False)` (R `t.test` default): t, the
      Welch–Satterthwaite df and the two-sided p. None when neither group varies.
    - Mann–Whitney U, scipy `mannwhitneyu(a, b, alternative="two-sided")` with its defaults
      (exact p for small samples without ties, otherwise the normal approximation with
      continuity correction); U is the first sample's.
    - Hedges' g, see `hedges_g`.
    Each group needs at least 2 non-missing values.
    """
    # Scale scores are means of whole numbers; equal scores computed by different sums can differ
    # in the last bit, which scipy then reports as "catastrophic cancellation". Rounding to 9
    # decimals makes equal scores equal, as they are on paper (as prepost does for differences).
    x = np.round(_finite_values(a, "values of the first group"), 9)
    y = np.round(_finite_values(b, "values of the second group"), 9)
    if x.size < 2 or y.size < 2:
        raise AnalysisInputError(
            f"Comparing two groups needs at least 2 values in each; got {x.size} and {y.size}."
        )
    welch_t = welch_df = welch_p = None
    if np.ptp(x) > 0 or np.ptp(y) > 0:
        with warnings.catch_warnings():
            # scipy warns of "catastrophic cancellation" when one group's values are all equal;
            # after the rounding above that variance is exactly 0 and Welch's t is exact.
            warnings.filterwarnings(
                "ignore", message="Precision loss occurred", category=RuntimeWarning
            )
            welch = stats.ttest_ind(x, y, equal_var=False)
        welch_t, welch_df, welch_p = float(welch.statistic), float(welch.df), float(welch.pvalue)
    mann_whitney = stats.mannwhitneyu(x, y, alternative="two-sided")
    return GroupComparison(
        summary_a=describe(x),
        summary_b=describe(y),
        welch_t=welch_t,
        welch_df=welch_df,
        welch_p=welch_p,
        mann_whitney_u=float(mann_whitney.statistic),
        mann_whitney_p=float(mann_whitney.pvalue),
        hedges_g=hedges_g(x, y),
    )
