"""SPC charts as Vega-Lite (Altair), drawn to SVG on the server, in the Making Data Count style.

Grey points are common cause; special causes are blue (improvement), orange (concern) or purple
(neither direction), the colours NHS England's Making Data Count and plot-the-dots use. Colour is
never the only cue: each kind of point also has its own shape, named in the legend, and every
chart has a table of the same figures beside it. Programme milestones are numbered vertical
rules; the page lists the numbers with their names, which would overlap on the chart itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from django.core.cache import cache

from tandem.analysis.spc import SpcChart
from tandem.charts import FONT
from tandem.outcomes.models import Kpi
from tandem.programmes.models import Milestone

WIDTH = 620
HEIGHT = 240
# plot-the-dots' default colours (ptd_spc_colours), after Making Data Count.
COLOURS = {
    "common cause": "#7B7D7D",
    "improvement": "#289de0",
    "concern": "#fab428",
    "neither": "#361475",
}
SHAPES = {
    "common cause": "circle",
    "improvement": "square",
    "concern": "diamond",
    "neither": "triangle-up",
}
LEGEND = {
    "common cause": "Common cause",
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "neither": "Special cause: neither",
}
LINE_GREY = "#425563"
LIMIT_GREY = "#768692"
TARGET_RED = "#8a1538"
CACHE_SECONDS = 24 * 60 * 60


def milestone_marks(
    milestones: Sequence[Milestone], first: date, last: date
) -> list[dict[str, Any]]:
    """Numbered milestones that fall within the chart's dates."""
    return [
        {"number": number, "date": m.start_date.isoformat(), "title": m.title}
        for number, m in enumerate(milestones, start=1)
        if first <= m.start_date <= last
    ]


def spc_chart_spec(*, kpi: Kpi, chart: SpcChart, milestones: Sequence[Milestone]) -> Any:
    points = pd.DataFrame(
        [
            {
                "date": p.date.isoformat(),
                "value": p.value,
                "signal": LEGEND[p.label],
                "rules": ", ".join(r.replace("_", " ") for r in p.rules) or "none",
            }
            for p in chart.points
        ]
    )
    segments = chart.segments
    lines = pd.DataFrame(
        [
            {"date": when.isoformat(), "line": line, "level": level, "segment": i}
            for i, s in enumerate(segments)
            for line, level in (
                ("Mean", s.mean),
                ("Upper limit", s.upper),
                ("Lower limit", s.lower),
            )
            for when in (s.start, s.end)
        ]
    )
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    unit = f" ({kpi.unit})" if kpi.unit else ""
    y = alt.Y("value:Q", title=f"{kpi.name}{unit}", scale=alt.Scale(zero=False))
    series = alt.Chart(points).mark_line(color=LINE_GREY, strokeWidth=1.5).encode(x=x, y=y)
    levels = (
        alt.Chart(lines)
        .mark_line()
        .encode(
            x="date:T",
            y="level:Q",
            detail="segment:N",
            color=alt.Color(
                "line:N",
                scale=alt.Scale(
                    domain=["Mean", "Upper limit", "Lower limit"],
                    range=["#212b32", LIMIT_GREY, LIMIT_GREY],
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "line:N",
                scale=alt.Scale(
                    domain=["Mean", "Upper limit", "Lower limit"], range=[[1, 0], [6, 4], [6, 4]]
                ),
                legend=None,
            ),
        )
    )
    # Only the kinds of point this KPI can have: improvement and concern, or "neither".
    kinds = (
        ["common cause", "neither"]
        if chart.improvement == "neither"
        else ["common cause", "improvement", "concern"]
    )
    order = [LEGEND[k] for k in kinds]
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=60, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "signal:N",
                scale=alt.Scale(domain=order, range=[COLOURS[k] for k in kinds]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            shape=alt.Shape(
                "signal:N",
                scale=alt.Scale(domain=order, range=[SHAPES[k] for k in kinds]),
                legend=None,
            ),
            tooltip=["date:T", "value:Q", "signal:N", "rules:N"],
        )
    )
    layers = [levels, series, dots]
    if kpi.target is not None:
        target = pd.DataFrame([{"target": kpi.target, "label": f"Target {kpi.target:g}"}])
        layers.append(
            alt.Chart(target).mark_rule(color=TARGET_RED, strokeDash=[2, 2]).encode(y="target:Q")
        )
    first, last = chart.points[0].date, chart.points[-1].date
    marks = milestone_marks(milestones, first, last)
    if marks:
        frame = pd.DataFrame(marks)
        layers.append(alt.Chart(frame).mark_rule(color="#005eb8", strokeWidth=1).encode(x="date:T"))
        layers.append(
            alt.Chart(frame)
            .mark_text(align="left", dx=2, dy=-4, baseline="bottom", fontSize=11, color="#005eb8")
            .encode(x="date:T", y=alt.value(0), text="number:N")
        )
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent", shape="independent", strokeDash="independent")
        .properties(width=WIDTH, height=HEIGHT)
        .configure(font=FONT)
        .configure_axis(labelFontSize=11, titleFontSize=12)
        .configure_legend(labelFontSize=11, columns=4, symbolLimit=0)
        .configure_view(stroke=None)
    )


def spc_chart_svg(*, kpi: Kpi, chart: SpcChart, milestones: Sequence[Milestone]) -> str:
    """The chart as inline SVG, cached by what it shows.

    Drawing one takes 0.1–0.4 s (most of it in vl-convert); a service page has six and the
    evaluation report one per KPI, while the figures change once a month. The key covers every
    input to the drawing, so a new value or setting draws afresh.
    """
    inputs = {
        "version": 2,
        "kpi": [kpi.name, kpi.unit, kpi.target, kpi.direction],
        "chart": chart.to_dict(),
        "milestones": [[m.start_date.isoformat(), m.title] for m in milestones],
    }
    return _cached_svg(
        "spc", inputs, lambda: spc_chart_spec(kpi=kpi, chart=chart, milestones=milestones)
    )


def _cached_svg(kind: str, inputs: dict[str, Any], spec: Callable[[], Any]) -> str:
    """Draw `spec()` as inline SVG once for these inputs, then read it from the chart cache."""
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    key = f"outcomes:{kind}-svg:{digest}"
    svg = cache.get(key)
    if svg is None:
        # Altair's schema validation costs as much as the drawing; the spec is ours and fixed.
        drawn = vl_convert.vegalite_to_svg(spec().to_dict(validate=False))
        svg = re.sub(r"^<\?xml[^>]*>\s*", "", drawn)
        # The figure is described by its caption and the table beside it.
        svg = svg.replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)
        cache.set(key, svg, timeout=CACHE_SECONDS)
    return str(svg)


def impact_chart_spec(
    *,
    kpi: Kpi,
    periods: Sequence[date],
    observed: Sequence[float],
    fitted: Sequence[float | None],
    counterfactual: Sequence[tuple[date, float, float, float]],
    start: date,
) -> Any:
    """Observed points, the fitted segments before and after the start, and the counterfactual
    (the earlier trend continued) as a dashed line in a shaded 95% band."""
    points = pd.DataFrame(
        [{"date": d.isoformat(), "value": v} for d, v in zip(periods, observed, strict=True)]
    )
    fits = pd.DataFrame(
        [
            {
                "date": d.isoformat(),
                "fitted": f,
                "segment": "after" if d >= start else "before",
            }
            for d, f in zip(periods, fitted, strict=True)
            if f is not None
        ]
    )
    band = pd.DataFrame(
        [
            {"date": d.isoformat(), "expected": v, "low": lo, "high": hi}
            for d, v, lo, hi in counterfactual
        ]
    )
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    unit = f" ({kpi.unit})" if kpi.unit else ""
    title = f"{kpi.name}{unit}"
    key = alt.Color(
        "what:N",
        scale=alt.Scale(
            domain=["Observed", "Fitted trend", "Earlier trend continued"],
            range=[LINE_GREY, "#005eb8", "#212b32"],
        ),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    layers = [
        alt.Chart(band)
        .mark_area(color="#aeb7bd", opacity=0.35)
        .encode(x=x, y=alt.Y("low:Q", title=title, scale=alt.Scale(zero=False)), y2="high:Q"),
        alt.Chart(band)
        .transform_calculate(what="'Earlier trend continued'")
        .mark_line(strokeDash=[6, 4], strokeWidth=1.5)
        .encode(x=x, y="expected:Q", color=key),
        alt.Chart(fits)
        .transform_calculate(what="'Fitted trend'")
        .mark_line(strokeWidth=2)
        .encode(x=x, y="fitted:Q", detail="segment:N", color=key),
        alt.Chart(points)
        .transform_calculate(what="'Observed'")
        .mark_point(filled=True, size=40, opacity=1, shape="circle")
        .encode(x=x, y=alt.Y("value:Q", title=title), color=key),
        alt.Chart(pd.DataFrame([{"date": start.isoformat()}]))
        .mark_rule(color="#005eb8", strokeWidth=1)
        .encode(x="date:T"),
    ]
    return (
        alt.layer(*layers)
        .properties(width=WIDTH, height=HEIGHT)
        .configure(font=FONT)
        .configure_axis(labelFontSize=11, titleFontSize=12)
        .configure_legend(labelFontSize=11, columns=3, symbolLimit=0)
        .configure_view(stroke=None)
    )


def impact_chart_svg(
    *,
    kpi: Kpi,
    periods: Sequence[date],
    observed: Sequence[float],
    fitted: Sequence[float | None],
    counterfactual: Sequence[tuple[date, float, float, float]],
    start: date,
) -> str:
    """The impact chart as inline SVG, cached by what it shows (as `spc_chart_svg`)."""
    inputs = {
        "version": 1,
        "kpi": [kpi.name, kpi.unit],
        "periods": [d.isoformat() for d in periods],
        "observed": list(observed),
        "fitted": list(fitted),
        "counterfactual": [[d.isoformat(), v, lo, hi] for d, v, lo, hi in counterfactual],
        "start": start.isoformat(),
    }
    return _cached_svg(
        "impact",
        inputs,
        lambda: impact_chart_spec(
            kpi=kpi,
            periods=periods,
            observed=observed,
            fitted=fitted,
            counterfactual=counterfactual,
            start=start,
        ),
    )
