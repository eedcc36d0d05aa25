"""Meeting effectiveness over time: the meeting pulse's scale score per month, k-suppressed,
with the away days marked, so the group can see whether "effective meetings" shows in the numbers.

Months come from the day each pulse wave opened. A person who answered two pulses in one month
counts once (their scores averaged first), so k counts people, not responses.

A month's figure appears only once the month is over and every pulse wave that opened in it has
closed (docs/design.md, privacy: "over time too"): a month read while answers still arrive, and read
again after one more person has answered, would give that person's score away. Each month shown
is one figure in the disclosure ledger, with one piece per wave — the same scope and measure as
the wave's own feedback report ("scale:meetings"), so the trend and each pulse wave's report are
checked against each other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from django.utils import timezone

from tandem.analysis.scoring import ScaleDefinition, score_items
from tandem.disclosure.ledger import Disclosure, piece
from tandem.programmes.models import Role
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer, InvitationStatus, Wave, respondent_key
from tandem.surveys.scales import scale_definitions
from tandem.surveys.selectors import wave_scope
from tandem.workshops.models import AwayDay, RecurringMeeting

SCALE_ID = "meetings"
INSTRUMENT_ID = "meeting-effectiveness"
# The wave's own feedback report scores the same scale under this measure name.
MEASURE = f"scale:{SCALE_ID}"
SURFACE = "workshops.meeting_trend"


@dataclass(frozen=True)
class MonthPoint:
    """One month of the trend. `mean` is None when not shown; `reason` then says why, and
    `pending` says the month's figure is not ready yet (rather than withheld for good)."""

    month: dt.date  # first day of the month
    respondents: int
    mean: float | None
    reason: str
    pending: bool = False

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


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _pending_reason(month: dt.date, waves: list[Wave], today: dt.date) -> str | None:
    """Why the month's figure cannot be shown yet, or None once it can."""
    still_open = [w for w in waves if not w.has_closed(today)]
    month_over = today >= _next_month(month)
    if month_over and not still_open:
        return None
    appears = max([_next_month(month)] + [w.closes_on + dt.timedelta(days=1) for w in still_open])
    return (
        f"Not yet: results for {month:%B %Y} appear on {appears:%-d %B %Y}, once the month is "
        "over and every meeting check in it has closed, so that no one's answers can be worked "
        "out from changes while people are still answering."
    )


def _scores(
    waves: list[Wave], items: list[str], scales: list[ScaleDefinition]
) -> dict[int, dict[int, float]]:
    """Each wave's meetings score per respondent (only people with a score)."""
    found = list(
        Answer.objects.filter(
            invitation__wave__in=waves,
            invitation__status=InvitationStatus.SUBMITTED,
            item_id__in=items,
            dont_know=False,
            value__isnull=False,
        )
        .exclude(invitation__participant__role=Role.COMPARISON)
        .values_list(
            "invitation__wave_id", "invitation_id", "invitation__participant_id", "item_id", "value"
        )
    )
    # Unmatched responses count under their respondent key, as in the wave's own report.
    rows = [(wave, respondent_key(pid, pk), item, value) for wave, pk, pid, item, value in found]
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    if not rows:
        return scores
    frame = pd.DataFrame(rows, columns=["wave", "participant", "item", "value"])
    wide = frame.pivot_table(
        index=["wave", "participant"], columns="item", values="value", aggfunc="first"
    ).reindex(columns=items)
    scored = score_items(wide.astype(float), scales)[SCALE_ID].dropna()
    for (wave_id, participant), score in scored.items():
        scores[int(wave_id)][int(participant)] = float(score)
    return scores


def meeting_trend(meeting: RecurringMeeting, *, surface: str = SURFACE) -> MeetingTrend:
    """The meeting's months, each shown, hidden (with the reason) or not yet ready.

    Three queries: the attached waves, their answers, then the programme's away days (and the
    ledger's, once any month is ready).
    """
    # Today, as the waves' own scopes see it: one clock for "the month is over" and "closed".
    today = timezone.localdate()
    programme = meeting.programme
    k = programme.min_group_size
    instrument = get_instrument(INSTRUMENT_ID, None)
    scales = [s for s in scale_definitions(instrument) if s.id == SCALE_ID]
    items = list(scales[0].items)
    waves = list(meeting.waves.order_by("opens_on", "id"))
    scores = _scores(waves, items, scales)
    by_month: dict[dt.date, list[Wave]] = defaultdict(list)
    for wave in waves:
        by_month[wave.opens_on.replace(day=1)].append(wave)

    disclosure = Disclosure(programme=programme, surface=surface)
    drafts: list[MonthPoint] = []
    for month in sorted(by_month):
        month_waves = by_month[month]
        people: dict[int, list[float]] = defaultdict(list)
        for wave in month_waves:
            for participant, score in scores.get(wave.pk, {}).items():
                people[participant].append(score)
        n = len(people)
        pending = _pending_reason(month, month_waves, today)
        if pending is not None:
            drafts.append(MonthPoint(month, n, None, pending, pending=True))
            continue
        if programme.k_gate.hides(n):
            drafts.append(MonthPoint(month, n, None, f"Fewer than {k} people answered this month."))
            continue
        disclosure.add(
            month,
            *(
                piece(wave_scope(wave), MEASURE, scores.get(wave.pk, {}).keys())
                for wave in month_waves
            ),
        )
        mean = sum(sum(v) / len(v) for v in people.values()) / n
        drafts.append(MonthPoint(month, n, mean, ""))
    decisions = disclosure.decide()
    months = [
        point
        if not point.shown or decisions.shown(point.month)
        else replace(point, mean=None, reason=decisions.reason(point.month) or "")
        for point in drafts
    ]
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

    from tandem.charts import FONT, NHS_BLUE, NHS_DARK_GREY, WIDTH

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
