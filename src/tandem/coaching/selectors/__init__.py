"""Reads for coaching, each taking the viewer; the confidentiality rule is written here once.

| viewer | sees |
|---|---|
| the plan's coach and coachee | the plan, goals, sessions, themes, actions, ratings and notes |
| programme lead (and superusers) | who coaches whom, the schedule and attendance — no content |
| sponsor | attendance, the next session, stalled state, ratings, concern flags, themes the coachee has not marked private — no notes |
| anyone else in the programme | nothing (403) |
| anyone outside it | that nothing exists (404) |

A viewer's relation to a plan (`Relation`, `PlanView`) is read from the programme's `Access`
(`relations.py`). A note's plaintext leaves these selectors only through `coaching_notes_for`
(`notes.py`), which writes an audit row for every note it decrypts, in the same transaction.
Plans' states are in `states.py`, the confidants' plan page, the schedule and the sponsor's
review in `detail.py`, the evaluation's coaching dose in `dose.py`; every public name is
importable from here.
"""

from tandem.coaching.selectors.detail import (
    PlanDetail,
    ProgressCell,
    ProgressRow,
    ProgressTable,
    ReviewSession,
    Schedule,
    SessionSummary,
    SponsorReviewView,
    plan_detail,
    schedule_for,
    session_number,
    session_ratings,
    session_themes,
    sponsor_review_for,
)
from tandem.coaching.selectors.dose import DoseRow, coaching_dose_for
from tandem.coaching.selectors.notes import NoteText, coaching_notes_for
from tandem.coaching.selectors.relations import (
    CONFIDANTS,
    CoachingAccessDenied,
    PlanView,
    Relation,
    concern_for,
    goals_of,
    member_access,
    own_plan,
    plan_for,
    relation_of,
    relation_to,
    session_for,
    sponsor_participant,
)
from tandem.coaching.selectors.states import (
    OverviewRow,
    PlanState,
    ProgrammeCoaching,
    coachees_for,
    coaching_settings_for,
    plan_candidates,
    plan_state,
    plan_states,
    programme_coaching,
    settings_for_lead,
)

__all__ = [
    "CONFIDANTS",
    "CoachingAccessDenied",
    "DoseRow",
    "NoteText",
    "OverviewRow",
    "PlanDetail",
    "PlanState",
    "PlanView",
    "ProgrammeCoaching",
    "ProgressCell",
    "ProgressRow",
    "ProgressTable",
    "Relation",
    "ReviewSession",
    "Schedule",
    "SessionSummary",
    "SponsorReviewView",
    "coachees_for",
    "coaching_dose_for",
    "coaching_notes_for",
    "coaching_settings_for",
    "concern_for",
    "goals_of",
    "member_access",
    "own_plan",
    "plan_candidates",
    "plan_detail",
    "plan_for",
    "plan_state",
    "plan_states",
    "programme_coaching",
    "relation_of",
    "relation_to",
    "schedule_for",
    "session_for",
    "session_number",
    "session_ratings",
    "session_themes",
    "settings_for_lead",
    "sponsor_participant",
    "sponsor_review_for",
]
