"""XmR charts: limits, the four special-cause rules, labels, assurance, baselines and re-bases.

Every expected value below is worked by hand in the comments; the examples marked "plot-the-dots"
reproduce the unit tests of the NHS-R Community's NHSRplotthedots package
(github.com/nhs-r-community/NHSRplotthedots, tests/testthat/test-ptd_calculate_point_type.R,
test-ptd_spc_standard.R and test-ptd_calculate_assurance_type.R).
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.spc import assurance_for, parse_period, xmr_chart


def months(n: int, start: date = date(2022, 1, 1)) -> list[date]:
    return [
        date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


# A baseline of 12 months alternating 12, 10: mean = 132 / 12 = 11; every moving range is 2, so
# MR̄ = 2; limits 11 ± 2.66 × 2 = 5.68 and 16.32; near (two-sigma) lines 11 ± (2/3)(5.32) =
# 11 ± 3.5467 = 7.4533 and 14.5467. It ends on 10 (below the mean) so that runs added after it
# start fresh.
BASELINE = [12.0, 10.0] * 6


def chart_after_baseline(extra: list[float], **kwargs: object) -> list[tuple[tuple[str, ...], str]]:
    values = BASELINE + extra
    chart = xmr_chart(months(len(values)), values, baseline=len(BASELINE), **kwargs)  # type: ignore[arg-type]
    return [(point.rules, point.label) for point in chart.points[len(BASELINE) :]]


def test_baseline_limits_are_mean_plus_minus_2_66_mean_moving_range() -> None:
    chart = xmr_chart(months(12), BASELINE)
    assert chart.mean == 11
    assert chart.mr_mean == 2
    assert chart.upper == pytest.approx(16.32)
    assert chart.lower == pytest.approx(5.68)
    assert chart.current.near_upper == pytest.approx(14.546667, abs=1e-6)
    assert chart.current.near_lower == pytest.approx(7.453333, abs=1e-6)
    assert not any(point.special_cause for point in chart.points)
    assert chart.variation == "common cause"
    assert chart.warnings == ()


def test_points_beyond_a_limit_are_special_causes_labelled_by_direction() -> None:
    # 16.3 < 16.32: inside (and alone beyond the near line, so not 2 of 3); 16.4 > 16.32 and
    # 5.6 < 5.68: outside; 5.7 > 5.68: inside.
    assert chart_after_baseline([16.3, 16.4, 5.6, 5.7]) == [
        ((), "common cause"),
        (("outside_limits",), "improvement"),
        (("outside_limits",), "concern"),
        ((), "common cause"),
    ]
    # Lower is better: the same points, the labels swapped.
    assert chart_after_baseline([16.3, 16.4, 5.6, 5.7], improvement="down") == [
        ((), "common cause"),
        (("outside_limits",), "concern"),
        (("outside_limits",), "improvement"),
        ((), "common cause"),
    ]
    assert chart_after_baseline([16.4], improvement="neither") == [(("outside_limits",), "neither")]


def test_seven_points_above_the_mean_are_a_shift_and_all_seven_are_flagged() -> None:
    # 11.5 > 11 (above the mean) but below the near line 14.55, and equal values never rise or
    # fall: only the shift rule applies, to every point of the run.
    assert chart_after_baseline([11.5] * 7) == [(("shift",), "improvement")] * 7
    assert chart_after_baseline([10.5] * 7) == [(("shift",), "concern")] * 7
    # Lower is better: seven below the mean is an improvement.
    assert chart_after_baseline([10.5] * 7, improvement="down") == [(("shift",), "improvement")] * 7


def test_six_points_on_one_side_or_a_point_on_the_mean_is_no_shift() -> None:
    assert chart_after_baseline([11.5] * 6) == [((), "common cause")] * 6
    # 11 is exactly the mean: on neither side, so it ends the run (plot-the-dots: sign(y − mean)
    # is 0 there and ptd_seven_point_one_side_mean needs a non-zero sign).
    assert chart_after_baseline([11.5] * 3 + [11.0] + [11.5] * 3) == [((), "common cause")] * 7


def test_seven_rising_points_are_a_trend_labelled_by_its_direction() -> None:
    # The baseline's last point (10) and six rising points: 10 < 10.5 < 11 < 11.5 < 12 < 12.5 < 13
    # is six rises, seven points. All stay inside the near lines (7.45–14.55); sides are
    # − − 0 + + + so there is no shift. The trend's direction (up) labels every point, even the
    # two below the mean.
    values = [*BASELINE, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0]
    chart = xmr_chart(months(len(values)), values, baseline=12)
    flagged = [(p.value, p.rules, p.label) for p in chart.points if p.special_cause]
    assert flagged == [
        (v, ("trend",), "improvement") for v in (10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0)
    ]
    assert chart.variation == "special cause improvement"
    down = xmr_chart(months(len(values)), values, baseline=12, improvement="down")
    assert down.variation == "special cause concern"


def test_six_rising_points_or_a_tie_is_no_trend() -> None:
    # Five rises (10 → 12.5) are six points: not enough.
    assert chart_after_baseline([10.5, 11.0, 11.5, 12.0, 12.5]) == [((), "common cause")] * 5
    # A repeated value neither rises nor falls, so it ends the trend: 10, 10.5, 11 | 11, 11.5,
    # 12, 12.5, 13 are runs of two and five rises (plot-the-dots: ptd_seven_point_trend(c(1:3,
    # 3:6)) is no trend).
    assert (
        chart_after_baseline([10.5, 11.0, 11.0, 11.5, 12.0, 12.5, 13.0])
        == [((), "common cause")] * 7
    )


def test_plot_the_dots_trend_example_flags_the_whole_run() -> None:
    # plot-the-dots: ptd_seven_point_trend(c(2, 1:7, 3)) marks the 8th point and
    # ptd_part_of_seven_trend spreads that to the seven points 1…7. Worked: mean = 33 / 9 =
    # 3.667; moving ranges 1,1,1,1,1,1,1,4 → MR̄ = 1.375; limits 3.667 ± 3.6575 = 0.009 and
    # 7.324; near lines 3.667 ± 2.438 = 1.228 and 6.105. Sides − − − − + + + + −: no run of 7.
    # 7 and 1 are beyond the near lines but each alone in its windows: no 2 of 3.
    values = [2.0, 1, 2, 3, 4, 5, 6, 7, 3]
    chart = xmr_chart(months(9), values)
    assert chart.mr_mean == pytest.approx(1.375)
    assert [p.rules for p in chart.points] == [()] + [("trend",)] * 7 + [()]
    falling = xmr_chart(months(9), [2.0, 7, 6, 5, 4, 3, 2, 1, 3])
    assert [p.rules for p in falling.points] == [()] + [("trend",)] * 7 + [()]
    assert [p.label for p in falling.points][1:8] == ["concern"] * 7


def test_two_of_three_beyond_the_near_line_flags_those_two() -> None:
    # 15 > 14.5467 (near upper) and < 16.32: beyond the near line; 12 is above the mean but not
    # near. Window 15, 12, 15: all above the mean, two beyond the line → the two 15s.
    assert chart_after_baseline([15.0, 12.0, 15.0]) == [
        (("two_of_three",), "improvement"),
        ((), "common cause"),
        (("two_of_three",), "improvement"),
    ]
    # Below: 7 < 7.4533.
    assert chart_after_baseline([7.0, 7.0], improvement="down") == [
        (("two_of_three",), "improvement"),
        (("two_of_three",), "improvement"),
    ]
    # Only one in any window of three: 15, 12, 12, 15.
    assert chart_after_baseline([15.0, 12.0, 12.0, 15.0]) == [((), "common cause")] * 4


def test_two_of_three_needs_all_three_points_on_the_same_side() -> None:
    # plot-the-dots ("points on opposite sides of the mean"): 15, 10, 15 has two points beyond
    # the upper near line, but 10 is below the mean, so no signal.
    assert chart_after_baseline([15.0, 10.0, 15.0]) == [((), "common cause")] * 3


def test_a_point_beyond_the_limit_does_not_count_towards_two_of_three() -> None:
    # As plot-the-dots' close_to_limits (!outside_limits & beyond the near line): 16.5 is
    # outside, 15 near; only one near point in the window, so 15 is not flagged.
    assert chart_after_baseline([15.0, 16.5, 12.0]) == [
        ((), "common cause"),
        (("outside_limits",), "improvement"),
        ((), "common cause"),
    ]


def test_plot_the_dots_opposite_sides_example_is_common_cause() -> None:
    # plot-the-dots, test-ptd_spc_standard.R: 16 points alternating 1, −1, then the 15th set to
    # 5.5 and the 16th to −5.5; the last two are common cause. Worked: mean = 0; moving ranges:
    # thirteen of 2, then 6.5 and 11 → MR̄ = 43.5 / 15 = 2.9; limits ± 7.714; near lines ± 5.143,
    # so 5.5 and −5.5 are each beyond a near line but on opposite sides.
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    chart = xmr_chart(months(16), values)
    assert chart.mean == 0
    assert chart.mr_mean == pytest.approx(2.9)
    assert chart.upper == pytest.approx(7.714)
    assert [p.label for p in chart.points[-2:]] == ["common cause", "common cause"]
    # plot-the-dots screens outliers by default: 11 ≥ 3.267 × 2.9 = 9.47 is dropped, MR̄ =
    # 32.5 / 14 = 2.3214, limits ± 6.175, near ± 4.117 — still common cause.
    screened = xmr_chart(months(16), values, screen_outliers=True)
    assert screened.mr_mean == pytest.approx(32.5 / 14)
    assert screened.upper == pytest.approx(6.175)
    assert [p.label for p in screened.points[-2:]] == ["common cause", "common cause"]


def test_a_point_can_break_several_rules() -> None:
    # Seven points above the mean ending in two beyond the limit: 11.5 × 5, 17, 17.
    result = chart_after_baseline([11.5] * 5 + [17.0, 17.0])
    assert result[:5] == [(("shift",), "improvement")] * 5
    assert result[5:] == [(("outside_limits", "shift"), "improvement")] * 2


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        # plot-the-dots, test-ptd_calculate_assurance_type.R: target 4 against limits (1, 3),
        # (5, 7) and (1, 5).
        ("up", ["consistently failing", "consistently passing", "inconsistent"]),
        ("down", ["consistently passing", "consistently failing", "inconsistent"]),
        ("neither", [None, None, None]),
    ],
)
def test_assurance_against_a_target(direction: str, expected: list[str | None]) -> None:
    got = [
        assurance_for(target=4, lower=lo, upper=hi, improvement=direction)  # type: ignore[arg-type]
        for lo, hi in [(1, 3), (5, 7), (1, 5)]
    ]
    assert got == expected


def test_chart_assurance_uses_the_latest_limits() -> None:
    # Limits 5.68–16.32: a target of 20 (higher is better) is never reached.
    assert xmr_chart(months(12), BASELINE, target=20).assurance == "consistently failing"
    assert xmr_chart(months(12), BASELINE, target=5).assurance == "consistently passing"
    assert xmr_chart(months(12), BASELINE, target=11).assurance == "inconsistent"
    assert xmr_chart(months(12), BASELINE, target=20, improvement="down").assurance == (
        "consistently passing"
    )
    assert xmr_chart(months(12), BASELINE).assurance is None


def test_limits_fixed_on_the_baseline_ignore_later_points() -> None:
    values = [*BASELINE, 30.0, 31.0, 29.0]
    chart = xmr_chart(months(15), values, baseline=12)
    assert (chart.mean, chart.mr_mean) == (11, 2)
    assert [p.label for p in chart.points[12:]] == ["improvement"] * 3
    # Without a baseline the three high points join the mean: (132 + 90) / 15 = 14.8.
    assert xmr_chart(months(15), values).mean == pytest.approx(14.8)


def test_a_short_baseline_gives_a_warning() -> None:
    chart = xmr_chart(months(12), BASELINE, baseline=6)
    assert len(chart.warnings) == 1
    assert "6 points" in chart.warnings[0]
    assert "12" in chart.warnings[0]


def test_rebase_gives_each_segment_its_own_limits() -> None:
    # Twelve months around 11 then twelve around 21 (22, 20 alternating: mean 21, MR̄ 2).
    values = BASELINE + [22.0, 20.0] * 6
    dates = months(24)
    rebased = xmr_chart(dates, values, rebase_at=[dates[12]])
    assert [(s.mean, s.mr_mean, s.n_points) for s in rebased.segments] == [(11, 2, 12), (21, 2, 12)]
    assert rebased.upper == pytest.approx(26.32)
    assert [p.segment for p in rebased.points] == [0] * 12 + [1] * 12
    assert not any(p.special_cause for p in rebased.points)
    # One chart over both: mean 16; twelve points below then twelve above → shifts throughout.
    # Moving ranges: 22 of 2 and the jump 10 → 22 of 12: MR̄ = 56 / 23.
    single = xmr_chart(dates, values)
    assert single.mr_mean == pytest.approx(56 / 23)
    assert all("shift" in p.rules for p in single.points)


def test_rebase_dates_outside_the_data_are_ignored_with_a_warning() -> None:
    dates = months(12)
    chart = xmr_chart(dates, BASELINE, rebase_at=[date(2030, 1, 1)])
    assert len(chart.segments) == 1
    assert "2030-01-01" in chart.warnings[0]


def test_points_are_put_in_date_order() -> None:
    dates = months(12)
    order = list(range(12))
    random.Random(4).shuffle(order)
    shuffled = xmr_chart([dates[i] for i in order], [BASELINE[i] for i in order])
    assert shuffled == xmr_chart(dates, BASELINE)


def test_to_dict_has_the_cli_shape() -> None:
    data = xmr_chart(months(12), BASELINE, target=20).to_dict()
    assert list(data)[:8] == [
        "mean",
        "mr_mean",
        "upper",
        "lower",
        "points",
        "variation",
        "assurance",
        "warnings",
    ]
    assert data["points"][0] == {
        "date": "2022-01-01",
        "value": 12.0,
        "special_cause": False,
        "rules": [],
        "label": "common cause",
    }
    assert data["assurance"] == "consistently failing"


@pytest.mark.parametrize(
    ("dates", "values", "kwargs", "message"),
    [
        (months(3), [1.0, "abc", 3.0], {}, "Point 2 (2022-02-01): 'abc' is not a number"),
        (months(3), [1.0, float("nan"), 3.0], {}, "Point 2"),
        (
            [date(2022, 1, 1), date(2022, 2, 1), date(2022, 1, 1)],
            [1.0, 2.0, 3.0],
            {},
            "Point 3: the date 2022-01-01 is already point 1",
        ),
        (months(1), [1.0], {}, "at least 2 points"),
        (months(2), [1.0], {}, "2 dates but 1 values"),
        (["2022-01-01", "2022-02-01"], [1.0, 2.0], {}, "Point 1: '2022-01-01' is not a date"),
        (months(5), [1.0] * 5, {"baseline": 6}, "baseline of 6 points is longer"),
        (months(5), [1.0] * 5, {"baseline": 1}, "at least 2"),
        (months(5), [1.0] * 5, {"improvement": "sideways"}, "up, down, neither"),
        (months(5), [1.0] * 5, {"rebase_at": [months(5)[4]]}, "only 1 point"),
        (months(5), [1.0] * 5, {"target": "high"}, "target 'high' is not a number"),
    ],
)
def test_bad_input_is_reported_by_point(
    dates: list[object], values: list[object], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(AnalysisInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        xmr_chart(dates, values, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-31", date(2024, 3, 31)),
        ("2024-03", date(2024, 3, 1)),
        ("31/03/2024", date(2024, 3, 31)),
        (" 2024-03-01 ", date(2024, 3, 1)),
        ("03/31/2024", None),
        ("March", None),
    ],
)
def test_parse_period(text: str, expected: date | None) -> None:
    assert parse_period(text) == expected


series = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(series)
def test_limits_are_symmetric_around_the_mean(values: list[float]) -> None:
    chart = xmr_chart(months(len(values)), values)
    for segment in chart.segments:
        assert segment.upper - segment.mean == pytest.approx(segment.mean - segment.lower)
        assert segment.lower <= segment.mean <= segment.upper
        assert min(values) <= segment.mean <= max(values)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(2, 40))
def test_a_constant_series_has_no_special_causes(value: float, n: int) -> None:
    chart = xmr_chart(months(n), [value] * n, target=value)
    assert not any(p.special_cause for p in chart.points)
    assert chart.variation == "common cause"
    assert chart.mr_mean == 0
    assert chart.assurance == "inconsistent"


@settings(max_examples=100, deadline=None)
@given(series)
def test_reversing_the_direction_swaps_improvement_and_concern(values: list[float]) -> None:
    up = xmr_chart(months(len(values)), values, improvement="up")
    down = xmr_chart(months(len(values)), values, improvement="down")
    swap = {"improvement": "concern", "concern": "improvement", "common cause": "common cause"}
    assert [p.rules for p in up.points] == [p.rules for p in down.points]
    assert [swap[p.label] for p in up.points] == [p.label for p in down.points]


@settings(max_examples=100, deadline=None)
@given(series)
def test_every_flagged_point_names_a_rule_and_every_run_is_long_enough(
    values: list[float],
) -> None:
    chart = xmr_chart(months(len(values)), values)
    for point in chart.points:
        assert point.special_cause == (point.label != "common cause")
    shift_count = sum("shift" in p.rules for p in chart.points)
    assert shift_count == 0 or shift_count >= 7
    trend_count = sum("trend" in p.rules for p in chart.points)
    assert trend_count == 0 or trend_count >= 7


def test_plot_the_dots_run_of_eight_then_a_break_flags_all_eight() -> None:
    # plot-the-dots: ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) marks the 7th and 8th
    # points and ptd_part_of_seven_trend spreads that back over the run: all 8 flagged, the
    # point below the mean not. Here 11.5 is above the baseline's mean of 11 and 10.5 below it.
    assert chart_after_baseline([11.5] * 8 + [10.5]) == [(("shift",), "improvement")] * 8 + [
        ((), "common cause")
    ]


def test_numpy_numbers_are_numbers() -> None:
    import numpy as np

    chart = xmr_chart(months(3), list(np.array([1, 2, 4], dtype=np.int64)), target=np.float32(3))
    assert chart.mean == pytest.approx(7 / 3)
