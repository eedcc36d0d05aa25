"""Statistical process control: XmR charts in the NHS "Making Data Count" style.

References
- NHS England (NHS Improvement), *Making Data Count* (2017; "Getting started", 2019): XmR charts,
  the four special-cause rules, variation and assurance icons.
- NHS-R Community, *NHSRplotthedots* (the "plot the dots" R package,
  github.com/nhs-r-community/NHSRplotthedots): the reference implementation this module follows
  rule for rule; where the two leave a choice open, plot-the-dots' choice is taken and noted.

Definitions (per segment, i.e. between re-base dates):
- centre line = mean of the segment's baseline points;
- mean moving range MR̄ = mean of |xᵢ − xᵢ₋₁| over consecutive baseline points;
- process limits = centre ± 2.66 × MR̄; "near" limits (two sigma) = centre ± (2/3) × 2.66 × MR̄.

Special-cause rules, each applied within a segment against that segment's limits:
- ``outside_limits``: a point strictly above the upper or below the lower process limit;
- ``shift``: 7 or more consecutive points on one side of the centre line (every point of the run
  is flagged). A point exactly on the centre line is on neither side and ends a run;
- ``trend``: 7 consecutive points each higher (or each lower) than the one before, i.e. six
  successive rises or falls (every point of the run is flagged). Two equal consecutive values
  are neither a rise nor a fall, so a tie ends a trend — plot-the-dots' `ptd_seven_point_trend`
  returns no trend for ``c(1:3, 3:6)`` and this module does the same;
- ``two_of_three``: 2 of 3 consecutive points beyond the same near limit but not beyond the
  process limit. As in plot-the-dots (since it fixed its issue on opposite-side points), all three
  points of the window must lie on the same side of the centre line, and only the points that
  are themselves beyond the near limit are flagged.

Labels. A flagged point is an "improvement" or a "concern" according to which side of the centre
line it lies on and the direction of improvement (up: higher is better; down: lower is better);
with no direction it is "neither". A point flagged only by a trend takes the trend's direction
instead of its side: a run of seven rising values is an improvement when higher is better, even
while it is still below the centre line (plot-the-dots labels by side alone; Making Data Count's
icons show an improving trend as improvement, which is what a board reads).

Variation (the latest point): common cause, special cause improvement, special cause concern, or
special cause neither. Assurance (the latest segment's limits against a target): the target
outside the limits on the side of failure → "consistently failing" (every point will miss it);
outside on the side of success → "consistently passing"; between the limits → "inconsistent"
(hit and miss by chance). As plot-the-dots' `ptd_calculate_assurance_type`: a target exactly on
a limit counts as inside. No target or no direction → no assurance.

Limits are fixed from a baseline — the first N points of the first segment (e.g. the months
before a programme started) — so later points are judged against the process as it was; each
re-base starts a new segment whose limits come from all of its points. Fewer than 12 points in a
baseline gives a warning (Making Data Count's minimum for stable limits; plot-the-dots' short-
group warning). Moving ranges are never taken across a re-base.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from numbers import Real
from typing import Any, Literal

from tandem.analysis.errors import AnalysisInputError

Direction = Literal["up", "down", "neither"]
Rule = Literal["outside_limits", "shift", "trend", "two_of_three"]

DIRECTIONS: tuple[Direction, ...] = ("up", "down", "neither")
RULES: tuple[Rule, ...] = ("outside_limits", "shift", "trend", "two_of_three")
LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * LIMIT_FACTOR / 3
RUN_LENGTH = 7
MIN_BASELINE = 12
# plot-the-dots' optional screening: moving ranges above 3.267 × MR̄ (the upper range limit) are
# left out of MR̄ so that one wild month does not widen the limits.
MR_SCREEN_FACTOR = 3.267

COMMON_CAUSE = "common cause"
POINT_LABELS = (COMMON_CAUSE, "improvement", "concern", "neither")
VARIATIONS = (
    "common cause",
    "special cause improvement",
    "special cause concern",
    "special cause neither",
)
ASSURANCES = ("consistently passing", "consistently failing", "inconsistent")


@dataclass(frozen=True)
class SpcSegment:
    """One stretch of the chart with its own centre line and limits."""

    start: date
    end: date
    n_points: int
    baseline_points: int
    mean: float
    mr_mean: float
    upper: float
    lower: float
    near_upper: float
    near_lower: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "points": self.n_points,
            "baseline_points": self.baseline_points,
            "mean": self.mean,
            "mr_mean": self.mr_mean,
            "upper": self.upper,
            "lower": self.lower,
            "near_upper": self.near_upper,
            "near_lower": self.near_lower,
        }


@dataclass(frozen=True)
class SpcPoint:
    """A point of the chart: its value, the rules it breaks and what that means."""

    date: date
    value: float
    segment: int
    rules: tuple[Rule, ...]
    label: str

    @property
    def special_cause(self) -> bool:
        return bool(self.rules)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "value": self.value,
            "special_cause": self.special_cause,
            "rules": list(self.rules),
            "label": self.label,
        }


@dataclass(frozen=True)
class SpcChart:
    """An XmR chart: points, segments, the latest variation and assurance, and warnings.

    `mean`, `mr_mean`, `upper` and `lower` are the current (latest segment's) values.
    """

    points: tuple[SpcPoint, ...]
    segments: tuple[SpcSegment, ...]
    improvement: Direction
    target: float | None
    variation: str
    assurance: str | None
    warnings: tuple[str, ...] = field(default=())

    @property
    def current(self) -> SpcSegment:
        return self.segments[-1]

    @property
    def mean(self) -> float:
        return self.current.mean

    @property
    def mr_mean(self) -> float:
        return self.current.mr_mean

    @property
    def upper(self) -> float:
        return self.current.upper

    @property
    def lower(self) -> float:
        return self.current.lower

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `tandem analyse spc --json` (plus segments, direction and target)."""
        return {
            "mean": self.mean,
            "mr_mean": self.mr_mean,
            "upper": self.upper,
            "lower": self.lower,
            "points": [point.to_dict() for point in self.points],
            "variation": self.variation,
            "assurance": self.assurance,
            "warnings": list(self.warnings),
            "improvement": self.improvement,
            "target": self.target,
            "segments": [segment.to_dict() for segment in self.segments],
        }


def _as_date(value: object, position: int) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise AnalysisInputError(f"Point {position}: {value!r} is not a date.")


def _as_value(value: object, position: int, when: date) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise AnalysisInputError(
            f"Point {position} ({when.isoformat()}): {value!r} is not a number."
        )
    number = float(value)
    if not math.isfinite(number):
        raise AnalysisInputError(
            f"Point {position} ({when.isoformat()}): {value!r} is not a finite number."
        )
    return number


def _mean(values: Sequence[float]) -> float:
    # A constant baseline must give exactly that value as its mean: fsum(…)/n can miss it by one
    # unit in the last place, which would put every point a hair off the centre line.
    if min(values) == max(values):
        return values[0]
    return math.fsum(values) / len(values)


def _mr_mean(values: Sequence[float], *, screen_outliers: bool) -> float:
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    mr_mean = math.fsum(ranges) / len(ranges)
    if screen_outliers:
        kept = [r for r in ranges if r < MR_SCREEN_FACTOR * mr_mean]
        if kept:
            mr_mean = math.fsum(kept) / len(kept)
    return mr_mean


def _segment(
    dates: Sequence[date], values: Sequence[float], baseline: int, *, screen_outliers: bool
) -> SpcSegment:
    fixed = values[:baseline]
    mean = _mean(fixed)
    mr_mean = _mr_mean(fixed, screen_outliers=screen_outliers)
    return SpcSegment(
        start=dates[0],
        end=dates[-1],
        n_points=len(values),
        baseline_points=len(fixed),
        mean=mean,
        mr_mean=mr_mean,
        upper=mean + LIMIT_FACTOR * mr_mean,
        lower=mean - LIMIT_FACTOR * mr_mean,
        near_upper=mean + NEAR_FACTOR * mr_mean,
        near_lower=mean - NEAR_FACTOR * mr_mean,
    )


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _runs(signs: Sequence[int], length: int) -> list[int]:
    """For each position, the sign (+1/−1) of a run of ≥ `length` equal non-zero signs it is in."""
    flagged = [0] * len(signs)
    start = 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            if signs[start] != 0 and i - start >= length:
                for j in range(start, i):
                    flagged[j] = signs[start]
            start = i
    return flagged


def _segment_rules(values: Sequence[float], seg: SpcSegment) -> list[tuple[list[Rule], int]]:
    """Rules broken by each point of one segment, with the side (+1 high, −1 low) they point to."""
    n = len(values)
    side = [_sign(v - seg.mean) for v in values]
    outside = [1 if v > seg.upper else -1 if v < seg.lower else 0 for v in values]
    near = [
        0 if outside[i] else (1 if v > seg.near_upper else -1 if v < seg.near_lower else 0)
        for i, v in enumerate(values)
    ]
    shift = _runs(side, RUN_LENGTH)
    # A trend of 7 points is 6 successive steps the same way; step i joins points i and i+1.
    steps = [_sign(b - a) for a, b in itertools.pairwise(values)]
    step_runs = _runs(steps, RUN_LENGTH - 1)
    trend = [0] * n
    for i, direction in enumerate(step_runs):
        if direction:
            trend[i] = trend[i + 1] = direction
    two_of_three = [0] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        window_side = sum(side[i] for i in window)
        if abs(window_side) != 3:
            continue
        beyond = [i for i in window if near[i] == _sign(window_side)]
        if len(beyond) >= 2:
            for i in beyond:
                two_of_three[i] = near[i]
    result: list[tuple[list[Rule], int]] = []
    for i in range(n):
        rules: list[Rule] = []
        if outside[i]:
            rules.append("outside_limits")
        if shift[i]:
            rules.append("shift")
        if trend[i]:
            rules.append("trend")
        if two_of_three[i]:
            rules.append("two_of_three")
        direction = outside[i] or two_of_three[i] or shift[i] or trend[i]
        result.append((rules, direction))
    return result


def _label(direction: int, improvement: Direction) -> str:
    if improvement == "neither":
        return "neither"
    good = 1 if improvement == "up" else -1
    return "improvement" if direction == good else "concern"


def assurance_for(
    *, target: float | None, upper: float, lower: float, improvement: Direction
) -> str | None:
    """Making Data Count assurance of a target against process limits (None when undefined).

    As plot-the-dots' `ptd_calculate_assurance_type`: target > upper → failing if higher is
    better (passing if lower is better); target < lower → the reverse; otherwise inconsistent.
    """
    if target is None or improvement == "neither":
        return None
    if target > upper:
        return "consistently failing" if improvement == "up" else "consistently passing"
    if target < lower:
        return "consistently passing" if improvement == "up" else "consistently failing"
    return "inconsistent"


def xmr_chart(
    dates: Sequence[date],
    values: Sequence[float],
    *,
    improvement: Direction = "up",
    baseline: int | None = None,
    rebase_at: Sequence[date] = (),
    target: float | None = None,
    screen_outliers: bool = False,
) -> SpcChart:
    """An XmR chart of `values` over `dates`, with the special-cause rules applied.

    `dates` need not be sorted but must be distinct; `baseline` (≥ 2) fixes the first segment's
    limits on its first N points (None: all of them); each date in `rebase_at` starts a new
    segment at the first point on or after it (dates outside the data are ignored with a
    warning). Bad input raises `AnalysisInputError` naming the point (1-based, in the order given).
    See the module docstring for the definitions and references.
    """
    if improvement not in DIRECTIONS:
        raise AnalysisInputError(
            f"Direction of improvement must be one of up, down, neither, not {improvement!r}."
        )
    if len(dates) != len(values):
        raise AnalysisInputError(f"{len(dates)} dates but {len(values)} values.")
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, Real):
            raise AnalysisInputError(f"The target {target!r} is not a number.")
        if not math.isfinite(target):
            raise AnalysisInputError(f"The target {target!r} is not a finite number.")
        target = float(target)
    given: list[tuple[date, float, int]] = []
    seen: dict[date, int] = {}
    for position, (raw_date, raw_value) in enumerate(zip(dates, values, strict=True), start=1):
        when = _as_date(raw_date, position)
        if when in seen:
            raise AnalysisInputError(
                f"Point {position}: the date {when.isoformat()} is already point {seen[when]}; "
                "each date may appear only once."
            )
        seen[when] = position
        given.append((when, _as_value(raw_value, position, when), position))
    if len(given) < 2:
        raise AnalysisInputError(
            f"An XmR chart needs at least 2 points (a moving range); got {len(given)}."
        )
    given.sort(key=lambda item: item[0])
    ordered_dates = [item[0] for item in given]
    ordered_values = [item[1] for item in given]

    warnings: list[str] = []
    starts = [0]
    for when in sorted(set(_as_date(d, i) for i, d in enumerate(rebase_at, start=1))):
        if when <= ordered_dates[0] or when > ordered_dates[-1]:
            warnings.append(
                f"The re-base date {when.isoformat()} is outside the data "
                f"({ordered_dates[0].isoformat()} to {ordered_dates[-1].isoformat()}); ignored."
            )
            continue
        index = next(i for i, d in enumerate(ordered_dates) if d >= when)
        if index != starts[-1]:
            starts.append(index)
    bounds = list(zip(starts, [*starts[1:], len(given)], strict=True))

    if baseline is not None:
        if isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 2:
            raise AnalysisInputError(
                f"The baseline must be a whole number of points, at least 2; got {baseline!r}."
            )
        first_length = bounds[0][1] - bounds[0][0]
        if baseline > first_length:
            raise AnalysisInputError(
                f"The baseline of {baseline} points is longer than the data before the first "
                f"re-base ({first_length} points)."
            )

    segments: list[SpcSegment] = []
    points: list[SpcPoint] = []
    for number, (lo, hi) in enumerate(bounds):
        seg_dates, seg_values = ordered_dates[lo:hi], ordered_values[lo:hi]
        if hi - lo < 2:
            raise AnalysisInputError(
                f"The segment starting {seg_dates[0].isoformat()} has only 1 point; limits need "
                "at least 2. Move or remove that re-base date."
            )
        fixed = baseline if number == 0 and baseline is not None else hi - lo
        seg = _segment(seg_dates, seg_values, fixed, screen_outliers=screen_outliers)
        segments.append(seg)
        if fixed < MIN_BASELINE:
            warnings.append(
                f"The limits from {seg.start.isoformat()} rest on {fixed} points; "
                f"at least {MIN_BASELINE} are recommended, so treat them with caution."
            )
        for when, value, (rules, direction) in zip(
            seg_dates, seg_values, _segment_rules(seg_values, seg), strict=True
        ):
            label = _label(direction, improvement) if rules else COMMON_CAUSE
            points.append(SpcPoint(when, value, number, tuple(rules), label))

    latest = points[-1]
    variation = COMMON_CAUSE if not latest.special_cause else f"special cause {latest.label}"
    return SpcChart(
        points=tuple(points),
        segments=tuple(segments),
        improvement=improvement,
        target=target,
        variation=variation,
        assurance=assurance_for(
            target=target,
            upper=segments[-1].upper,
            lower=segments[-1].lower,
            improvement=improvement,
        ),
        warnings=tuple(warnings),
    )


def parse_period(text: str) -> date | None:
    """A period typed in a spreadsheet: 2024-03-31, 2024-03 (the month), 31/03/2024 (UK order).

    Returns None when the text is none of these, so the caller can name the row and column.
    A bare month is read as its first day: monthly KPIs are keyed by month, not by a day in it.
    """
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
