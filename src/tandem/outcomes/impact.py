"""Each KPI's impact: an interrupted time series at the programme's start, and the same against the
comparison series the lead chose (a controlled ITS). Read by the service page, the API and the
evaluation report, so all three show the same figures.

The intervention is the programme's start date: periods from it on are "after". A value is
modelled by least squares with Newey–West errors, a count by quasi-Poisson (a rate ratio); see
`tandem.analysis.impact`. A KPI the lead marks seasonal gains SEASON_HARMONICS pairs of Fourier
terms of its month (period 12) or ISO week (period 52); otherwise the panel says the season is not
modelled. KPIs are service-level aggregates, not anyone's
answers, so no suppression applies; who may see them is the outcomes pages' rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tandem.analysis import impact as its
from tandem.analysis.errors import AnalysisInputError
from tandem.outcomes.models import SEASON_HARMONICS, Kpi, Measure

CAUSATION = (
    "Other things may have changed when the programme began (commissioning, staffing, the "
    "season): a change here is an association in time with the programme, not proof that it "
    "caused it."
)
SEASON = (
    "Seasonal ups and downs are not modelled for this KPI; they widen the interval. The lead can "
    "mark it as seasonal when editing it."
)
SEASONAL = (
    "The season is allowed for (two pairs of Fourier terms of the "
    "month or week), as this KPI is marked seasonal."
)


@dataclass
class ComparisonImpact:
    kpi: Kpi
    result: its.ControlledResult | None = None
    sentence: str = ""
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison_kpi": self.kpi.pk,
            "comparison": f"{self.kpi.name}, {self.kpi.owner_name}",
            "sentence": self.sentence,
            "error": self.error,
            "result": None if self.result is None else self.result.as_dict(),
        }


@dataclass
class KpiImpact:
    kpi: Kpi
    start: date
    family: str
    result: its.ItsResult | None = None
    sentence: str = ""
    error: str | None = None
    caveats: list[str] = field(default_factory=list)
    comparisons: list[ComparisonImpact] = field(default_factory=list)
    periods: list[date] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    svg: str = ""

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Per period: the value, the fitted value and (after the start) the counterfactual."""
        if self.result is None:
            return []
        first_after = self.result.n_before
        rows = []
        for i, (period, value) in enumerate(zip(self.periods, self.values, strict=True)):
            cf = self.result.counterfactual[i - first_after] if i >= first_after else None
            rows.append(
                {
                    "period": period,
                    "value": value,
                    "fitted": self.result.fitted[i],
                    "expected": None if cf is None else cf[0],
                    "low": None if cf is None else cf[1],
                    "high": None if cf is None else cf[2],
                }
            )
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "intervention": self.start,
            "family": self.family,
            "seasonal": self.kpi.seasonal,
            "sentence": self.sentence,
            "error": self.error,
            "caveats": list(self.caveats),
            "result": None if self.result is None else self.result.as_dict(),
            "comparisons": [c.as_dict() for c in self.comparisons],
        }


def _family(kpi: Kpi) -> its.Family:
    return "quasipoisson" if kpi.measure == Measure.COUNT else "gaussian"


def _measure_words(kpi: Kpi) -> str:
    name = kpi.name
    return name[0].lower() + name[1:] if name[:2] != name[:2].upper() else name


def _step(when: date, weekly: bool) -> date:
    if weekly:
        from datetime import timedelta

        return when + timedelta(days=7)
    return date(when.year + when.month // 12, when.month % 12 + 1, 1)


def _first_gap(kpi: Kpi, periods: Sequence[date]) -> date | None:
    """The first period missing between the first and the last value, if any."""
    weekly = kpi.frequency == "weekly"
    for earlier, later in itertools.pairwise(periods):
        expected = _step(earlier, weekly)
        if later != expected:
            return expected
    return None


def season_terms(kpi: Kpi, periods: Sequence[date]) -> dict[str, Any]:
    """The seasonal terms for a seasonal KPI: its month (period 12) or ISO week (period 52)."""
    if not kpi.seasonal:
        return {}
    weekly = kpi.frequency == "weekly"
    return {
        "season": [p.isocalendar()[1] if weekly else p.month for p in periods],
        "harmonics": SEASON_HARMONICS,
        "period": 52 if weekly else 12,
    }


def _fit(kpi: Kpi, series: Sequence[tuple[date, float]], start: date) -> its.ItsResult:
    values = [v for _, v in series]
    after = [int(p >= start) for p, _ in series]
    return its.segmented_regression(
        values, after, family=_family(kpi), **season_terms(kpi, [p for p, _ in series])
    )


def _controlled_sentence(kpi: Kpi, other: Kpi, result: its.ControlledResult) -> str:
    coef = result.level_difference
    where = other.owner_name
    if coef.rate_ratio is not None:
        assert coef.rate_ratio_ci_low is not None and coef.rate_ratio_ci_high is not None
        text = (
            f"Against {where}: the change in {_measure_words(kpi)} when the programme began was "
            f"{abs(coef.rate_ratio - 1) * 100:.0f}% {'lower' if coef.rate_ratio < 1 else 'higher'} "
            f"than the change there (rate ratio {coef.rate_ratio:.2f}, 95% CI "
            f"{coef.rate_ratio_ci_low:.2f} to {coef.rate_ratio_ci_high:.2f})"
        )
    else:
        unit = "" if not kpi.unit else (" percentage points" if kpi.unit == "%" else f" {kpi.unit}")
        text = (
            f"Against {where}: the change in {_measure_words(kpi)} when the programme began was "
            f"{abs(coef.estimate):.1f}{unit} {'lower' if coef.estimate < 0 else 'higher'} than "
            f"the change there (95% CI {coef.ci_low:.1f} to {coef.ci_high:.1f})"
        ).replace("-", "−")
    if coef.spans_no_change:
        text += ": the interval includes no difference, so the data are consistent with the same change in both."
    else:
        text += "."
    if not result.parallel_pre_trends:
        text += (
            " Before the programme the two were already moving differently (pre-trends not "
            "parallel), so this comparison is weak."
        )
    return text


def kpi_impact(
    *,
    kpi: Kpi,
    start: date,
    values: Sequence[tuple[date, float]],
    comparison_values: dict[int, tuple[Kpi, Sequence[tuple[date, float]]]] | None = None,
    draw: bool = True,
) -> KpiImpact:
    """The KPI's ITS at `start`, with each comparison's controlled ITS (by KPI id)."""
    family = _family(kpi)
    found = KpiImpact(
        kpi=kpi,
        start=start,
        family=family,
        periods=[p for p, _ in values],
        values=[v for _, v in values],
    )
    before = sum(1 for p, _ in values if p < start)
    after = len(values) - before
    if before < its.MIN_BEFORE or after < its.MIN_AFTER:
        found.error = (
            f"Not enough values yet: an interrupted time series needs at least {its.MIN_BEFORE} "
            f"before the programme began and {its.MIN_AFTER} after; this KPI has {before} before "
            f"and {after} after."
        )
        return found
    gap = _first_gap(kpi, [p for p, _ in values])
    if gap is not None:
        found.error = (
            f"A value is missing for {gap:%B %Y}: an interrupted time series needs one for every "
            f"{'week' if kpi.frequency == 'weekly' else 'month'}. Add it, then this panel appears."
        )
        return found
    try:
        result = _fit(kpi, values, start)
    except AnalysisInputError as exc:
        found.error = str(exc)
        return found
    found.result = result
    found.sentence = its.describe_level_change(result, measure=_measure_words(kpi), unit=kpi.unit)
    found.caveats = [CAUSATION, SEASONAL if kpi.seasonal else SEASON]
    if result.diagnostics.autocorrelated:
        found.caveats.append(
            f"The points are autocorrelated (one month's figure resembles the last; "
            f"{result.diagnostics.test} p = {result.diagnostics.test_p:.3f})"
            + (
                ": the interval allows for it (Newey–West)."
                if family == "gaussian"
                else ": the interval may be too narrow."
            )
        )
    for other, series in (comparison_values or {}).values():
        compared = ComparisonImpact(kpi=other)
        found.comparisons.append(compared)
        by_period = dict(series)
        shared = [(p, v) for p, v in values if p in by_period]
        if len(shared) < len(values):
            shared_periods = {p for p, _ in shared}
            values_used = [(p, v) for p, v in values if p in shared_periods]
        else:
            values_used = list(values)
        theirs = [(p, by_period[p]) for p, _ in values_used]
        if not theirs:
            compared.error = f"{other.owner_name} has no values for the same periods."
            continue
        # Periods both series have, in a row: a comparison that starts later or stops sooner is
        # fine, but a period missing in between would put months side by side that are not.
        missing = _first_gap(kpi, [p for p, _ in values_used])
        if missing is not None:
            compared.error = (
                f"{other.owner_name} has no value for {missing:%B %Y}: a controlled comparison "
                "needs both series for every period. Add it, then the comparison appears."
            )
            continue
        y = [v for _, v in values_used] + [v for _, v in theirs]
        marks = [int(p >= start) for p, _ in values_used] * 2
        t = list(range(1, len(values_used) + 1)) * 2
        ids = [0] * len(values_used) + [1] * len(theirs)
        seasons = season_terms(kpi, [p for p, _ in values_used])
        if seasons:
            seasons["season"] = seasons["season"] * 2
        try:
            controlled = its.controlled_segmented_regression(
                y, marks, t, ids, family=family, **seasons
            )
        except AnalysisInputError as exc:
            compared.error = f"{other.owner_name}: {exc}"
            continue
        compared.result = controlled
        compared.sentence = _controlled_sentence(kpi, other, controlled)
    if draw:
        from tandem.outcomes.charts import impact_chart_svg

        found.svg = impact_chart_svg(
            kpi=kpi,
            periods=found.periods,
            observed=found.values,
            fitted=list(result.fitted),
            counterfactual=[
                (found.periods[result.n_before + i], *cf)
                for i, cf in enumerate(result.counterfactual)
            ],
            start=start,
        )
    return found
