"""Plain rules about a coaching plan's state: when it has stalled, and how much coaching it had.

No database here, so the date arithmetic is tested directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


def stalled_since(
    *,
    started_on: dt.date,
    attended_on: Sequence[dt.date],
    next_booked: dt.date | None,
    sessions_done: int,
    planned: int,
    gap_days: int,
    today: dt.date,
) -> dt.date | None:
    """The day a plan became stalled, or None if it has not.

    A plan stalls when it still has sessions to do, none is booked from today on, and more than
    `gap_days` have passed since the last session attended (or since the plan started, if none
    has been). A booked session, however far off, means someone is on it: not stalled.
    """
    if sessions_done >= planned or next_booked is not None:
        return None
    last = max([started_on, *attended_on])
    since = last + dt.timedelta(days=gap_days)
    return since if today > since else None


@dataclass(frozen=True)
class CoachingDose:
    """How much coaching one participant had, for the programme evaluation."""

    sessions_attended: int
    weeks_in_coaching: float


def coaching_dose(*, attended_on: Sequence[dt.date]) -> CoachingDose:
    """Sessions attended, and weeks from the first attended session to the last.

    Weeks span attended sessions only, so that booked sessions and gaps after the last one do not
    inflate the dose; one session is zero weeks. Rounded to one decimal place.
    """
    if not attended_on:
        return CoachingDose(sessions_attended=0, weeks_in_coaching=0.0)
    span = (max(attended_on) - min(attended_on)).days / 7
    return CoachingDose(sessions_attended=len(attended_on), weeks_in_coaching=round(span, 1))
