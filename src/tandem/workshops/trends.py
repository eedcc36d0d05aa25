"""Meeting effectiveness over time: the meeting pulse's scale score per month, k-suppressed,
with the away days marked, so the group can see whether "effective meetings" shows in the numbers.

Months come from the day each pulse wave opened. A person who answered two pulses in one month
counts once (their scores averaged first), so k counts people, not responses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tandem.analysis.scoring import score_items
from tandem.reports.data import scale_definitions
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer, InvitationStatus
from tandem.workshops.models import AwayDay, RecurringMeeting

SCALE_ID = "meetings"
INSTRUMENT_ID = "meeting-effectiveness"


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date  # first day of the month
    respondents: int
    mean: float | None
    reason: str

    @property
    def shown(self) -> bool:
        return self.mean is not None

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


@dataclass(frozen=True)
class MeetingTrend:
    meeting: RecurringMeeting
    k: int
    months: list[MonthPoint]
    away_days: list[AwayDay]
    scale_title: str

    @property
    def shown_months(self) -> list[MonthPoint]:
        return [m for m in self.months if m.shown]


def meeting_trend(meeting: RecurringMeeting) -> MeetingTrend:
    """Two queries: the attached waves' answers, then the programme's away days."""
    programme = meeting.programme
    k = programme.min_group_size
    instrument = get_instrument(INSTRUMENT_ID, None)
    scales = [s for s in scale_definitions(instrument) if s.id == SCALE_ID]
    items = list(scales[0].items)
    rows = list(
        Answer.objects.filter(
            invitation__wave__in=meeting.waves.all(),
            invitation__status=InvitationStatus.SUBMITTED,
            item_id__in=items,
            dont_know=False,
            value__isnull=False,
        ).values_list(
            "invitation__wave__opens_on", "invitation__participant_id", "item_id", "value"
        )
    )
    scores: dict[dt.date, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    if rows:
        frame = pd.DataFrame(rows, columns=["opened", "participant", "item", "value"])
        frame["month"] = frame["opened"].map(lambda d: d.replace(day=1))
        wide = frame.pivot_table(
            index=["month", "participant", "opened"],
            columns="item",
            values="value",
            aggfunc="first",
        ).reindex(columns=items)
        scored = score_items(wide.astype(float), scales)[SCALE_ID].dropna()
        for (month, participant, _opened), score in scored.items():
            scores[month][participant].append(float(score))
    months = []
    for month in sorted(scores):
        people = scores[month]
        n = len(people)
        if n < k:
            months.append(
                MonthPoint(
                    month=month,
                    respondents=n,
                    mean=None,
                    reason=f"Fewer than {k} people answered this month.",
                )
            )
            continue
        mean = sum(sum(v) / len(v) for v in people.values()) / n
        months.append(MonthPoint(month=month, respondents=n, mean=mean, reason=""))
    away_days = list(AwayDay.objects.filter(programme=programme).order_by("date"))
    return MeetingTrend(
        meeting=meeting,
        k=k,
        months=months,
        away_days=away_days,
        scale_title=instrument.scales[SCALE_ID].title,
    )


def trend_chart_svg(trend: MeetingTrend) -> str | None:
    """A line of the monthly means (shown months only) with the away days as vertical rules."""
    import altair as alt
    import vl_convert

    from tandem.reports.charts import FONT, NHS_BLUE, NHS_DARK_GREY, WIDTH

    shown = trend.shown_months
    if not shown:
        return None
    # Suppressed months stay in the data as gaps, so the line breaks rather than bridging them.
    data = pd.DataFrame(
        [
            {"month": m.month.isoformat(), "mean": None if m.mean is None else round(m.mean, 2)}
            for m in trend.months
        ]
    )
    x = alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y"))
    line = (
        alt.Chart(data)
        .mark_line(point=True, color=NHS_BLUE, invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("mean:Q", scale=alt.Scale(domain=[1, 5]), title="Mean score (1–5)"),
        )
    )
    layers: Any = line
    if trend.away_days:
        days = pd.DataFrame(
            [{"month": d.date.isoformat(), "title": d.title} for d in trend.away_days]
        )
        rules = alt.Chart(days).mark_rule(color=NHS_DARK_GREY, strokeDash=[4, 4]).encode(x=x)
        labels = (
            alt.Chart(days)
            .mark_text(align="left", dx=4, dy=-6, color=NHS_DARK_GREY, fontSize=11)
            .encode(x=x, y=alt.value(0), text="title:N")
        )
        layers = rules + labels + line
    chart = (
        layers.properties(width=WIDTH - 60, height=260)
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)
