"""Report charts as Vega-Lite specs (Altair), drawn to SVG on the server for the page and the PDF.

Charts only ever receive figures that passed suppression (`tandem.reports.feedback`). Each chart
sits beside a table with the same numbers, so nobody depends on seeing the picture.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from tandem.charts import NHS_BLUE, NHS_DARK_GREY, WIDTH, configure, drawn
from tandem.reports.evaluation import EvaluationReport
from tandem.reports.feedback import ComparisonReport, FeedbackReport


def scale_means_spec(report: FeedbackReport) -> Any:
    return _means_chart(_means_inputs(report))


def _means_inputs(report: FeedbackReport) -> dict[str, Any]:
    rows = [
        {
            "scale": s.title,
            "mean": s.overall.value,
            "low": s.overall.ci_low,
            "high": s.overall.ci_high,
        }
        for s in report.scales
        if s.overall.shown
    ]
    return {"rows": rows}


def _means_chart(inputs: dict[str, Any]) -> Any:
    rows = inputs["rows"]
    if not rows:
        return None
    data = pd.DataFrame(rows)
    order = [str(row["scale"]) for row in rows]
    y = alt.Y("scale:N", sort=order, title=None)
    x_scale = alt.Scale(domain=[1, 5])
    bars = (
        alt.Chart(data)
        .mark_rule(color=NHS_DARK_GREY, strokeWidth=2)
        .encode(
            y=y,
            x=alt.X("low:Q", scale=x_scale, title="Mean score (1 = low, 5 = high) with 95% CI"),
            x2="high:Q",
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=70, color=NHS_BLUE)
        .encode(y=y, x=alt.X("mean:Q", scale=x_scale))
    )
    return configure((bars + points).properties(width=WIDTH - 200, height=24 * len(rows)))


def heatmap_spec(report: FeedbackReport) -> Any:
    return _heatmap_chart(_heatmap_inputs(report))


def _heatmap_inputs(report: FeedbackReport) -> dict[str, Any]:
    rows = []
    for scale in report.scales:
        for group in report.groups:
            figure = scale.difference[group]
            rows.append(
                {
                    "scale": scale.title,
                    "group": group,
                    "difference": figure.value if figure.shown else None,
                    "label": f"{figure.value:+.2f}"
                    if figure.shown and figure.value is not None
                    else "hidden",
                }
            )
    return {"rows": rows, "groups": list(report.groups), "order": [s.title for s in report.scales]}


def _heatmap_chart(inputs: dict[str, Any]) -> Any:
    rows, groups, order = inputs["rows"], inputs["groups"], inputs["order"]
    if not rows or not groups:
        return None
    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        y=alt.Y("scale:N", sort=order, title=None),
        x=alt.X("group:N", title=None, axis=alt.Axis(orient="top")),
    )
    cells = base.mark_rect().encode(
        color=alt.condition(
            "isValid(datum.difference)",
            alt.Color(
                "difference:Q",
                scale=alt.Scale(scheme="redblue", domain=[-1, 1]),
                title="Difference from everyone",
            ),
            alt.value("#e8edee"),
        )
    )
    text = base.mark_text(fontSize=12).encode(text="label:N", color=alt.value("#212b32"))
    return configure((cells + text).properties(width=110 * len(groups), height=26 * len(order)))


def item_bars_spec(report: FeedbackReport, scale_title: str) -> Any:
    """Diverging stacked bars: disagreement left of zero, agreement right, the middle split."""
    return _item_bars_chart(_item_bars_inputs(report, scale_title))


def _item_bars_inputs(report: FeedbackReport, scale_title: str) -> dict[str, Any]:
    labels = list(report.option_labels)
    if len(labels) < 3:
        return {"rows": [], "labels": labels}
    middle = len(labels) // 2 if len(labels) % 2 else None
    rows = []
    for item in report.items:
        if item.scale_title != scale_title or item.hidden:
            continue
        start = -sum(item.percentages.get(label, 0.0) for label in labels[: len(labels) // 2])
        if middle is not None:
            start -= item.percentages.get(labels[middle], 0.0) / 2
        for order, label in enumerate(labels):
            share = item.percentages.get(label, 0.0)
            rows.append(
                {
                    "item": item.text,
                    "answer": label,
                    "order": order,
                    "start": start,
                    "end": start + share,
                }
            )
            start += share
    return {"rows": rows, "labels": labels}


def _item_bars_chart(inputs: dict[str, Any]) -> Any:
    rows, labels = inputs["rows"], inputs["labels"]
    if not rows:
        return None
    data = pd.DataFrame(rows)
    item_order = [str(item) for item in dict.fromkeys(row["item"] for row in rows)]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", sort=item_order, title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X(
                "start:Q",
                title="% of answers (disagree ← → agree)",
                scale=alt.Scale(domain=[-100, 100]),
            ),
            x2="end:Q",
            color=alt.Color(
                "answer:N",
                sort=labels,
                scale=alt.Scale(domain=labels, scheme="redblue"),
                legend=alt.Legend(orient="bottom", title=None, columns=3),
            ),
            order="order:Q",
        )
    )
    return configure(chart.properties(width=WIDTH - 300, height=26 * len(item_order)))


def change_spec(report: ComparisonReport) -> Any:
    return _change_chart(_change_inputs(report))


def _change_inputs(report: ComparisonReport) -> dict[str, Any]:
    rows = [
        {
            "scale": row.title,
            "change": row.mean_diff,
            "low": row.ci_low,
            "high": row.ci_high,
            "verdict": row.verdict,
        }
        for row in report.rows
        if row.hidden is None and row.mean_diff is not None and row.ci_low is not None
    ]
    return {"rows": rows}


def _change_chart(inputs: dict[str, Any]) -> Any:
    rows = inputs["rows"]
    if not rows:
        return None
    data = pd.DataFrame(rows)
    order = [str(row["scale"]) for row in rows]
    y = alt.Y("scale:N", sort=order, title=None)
    extent = max(1.0, *(abs(float(row[key] or 0.0)) for row in rows for key in ("low", "high")))
    x_scale = alt.Scale(domain=[-extent, extent])
    zero = (
        alt.Chart(pd.DataFrame({"x": [0]}))
        .mark_rule(color="#768692", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    ci = (
        alt.Chart(data)
        .mark_rule(color=NHS_DARK_GREY, strokeWidth=2)
        .encode(
            y=y,
            x=alt.X(
                "low:Q", scale=x_scale, title="Change in mean score (after − before) with 95% CI"
            ),
            x2="high:Q",
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=70)
        .encode(
            y=y,
            x=alt.X("change:Q", scale=x_scale),
            color=alt.Color(
                "verdict:N",
                scale=alt.Scale(
                    domain=["improved", "no clear evidence of change", "declined"],
                    range=["#007f3b", NHS_DARK_GREY, "#d5281b"],
                ),
                legend=alt.Legend(orient="bottom", title=None),
            ),
        )
    )
    return configure((zero + ci + points).properties(width=WIDTH - 200, height=24 * len(rows)))


def feedback_charts(report: FeedbackReport) -> dict[str, Any]:
    """The feedback report's charts as SVG, each drawn once per distinct figures (`drawn`)."""
    charts: dict[str, Any] = {}
    for name, inputs, chart in (
        ("means", _means_inputs(report), _means_chart),
        ("heatmap", _heatmap_inputs(report), _heatmap_chart),
    ):
        svg = drawn(f"reports.{name}", inputs, chart)
        if svg is not None:
            charts[name] = svg
    items: dict[str, str] = {}
    for scale in report.scales:
        svg = drawn("reports.items", _item_bars_inputs(report, scale.title), _item_bars_chart)
        if svg is not None:
            items[scale.title] = svg
    charts["items"] = items
    return charts


def comparison_charts(report: ComparisonReport) -> dict[str, Any]:
    svg = drawn("reports.change", _change_inputs(report), _change_chart)
    return {"change": svg} if svg is not None else {}


def evaluation_charts(report: EvaluationReport) -> dict[str, Any]:
    """The evaluation report's charts: the stock-take change, as in the comparison report."""
    charts: dict[str, Any] = {}
    if report.comparison is not None:
        charts.update(comparison_charts(report.comparison))
    return charts
