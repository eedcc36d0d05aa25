"""Coaching pages. Every view finds the programme through the page layer (`tandem.web`) and then
the plan through a selector for this viewer, so the confidentiality rule (selectors/) cannot be
skipped by a view. The landing pages, overview and exports are in `overview.py`, a plan's pages
in `plans.py`, a session's in `sessions.py`; `urls.py` takes every view from here."""

from tandem.coaching.views.overview import (
    coachees,
    coaching_settings,
    dose_export,
    home,
    overview,
    plan_new,
    reminders,
)
from tandem.coaching.views.plans import (
    concern_new,
    concern_resolve,
    goal_new,
    plan,
    review,
    schedule,
)
from tandem.coaching.views.sessions import (
    note,
    rate,
    session_detail,
    session_form,
    session_ics,
    session_log,
    session_send,
    themes_private,
)

__all__ = [
    "coachees",
    "coaching_settings",
    "concern_new",
    "concern_resolve",
    "dose_export",
    "goal_new",
    "home",
    "note",
    "overview",
    "plan",
    "plan_new",
    "rate",
    "reminders",
    "review",
    "schedule",
    "session_detail",
    "session_form",
    "session_ics",
    "session_log",
    "session_send",
    "themes_private",
]
