"""Away-day pages. Each view finds the programme through the page layer (`tandem.web`), then
the object through a selector for this viewer (selectors/ holds the rules), then calls one
service or renders. One module per area; `urls.py` takes every view from here."""

from tandem.workshops.views.actions import (
    action,
    action_new,
    actions,
    actions_export,
    my_actions,
    remind_overdue,
)
from tandem.workshops.views.away_days import (
    agenda_item_new,
    agenda_pdf,
    attendance,
    away_day,
    away_day_edit,
    away_day_new,
    home,
    material_download,
    material_new,
)
from tandem.workshops.views.charter import (
    charter,
    charter_export,
    mission,
    mission_new,
    practice,
    practice_new,
    practice_revise,
)
from tandem.workshops.views.evaluations import evaluation, evaluation_results
from tandem.workshops.views.meetings import meeting, meeting_edit, meeting_new, meetings
from tandem.workshops.views.observations import observation_new, observations
from tandem.workshops.views.role_agreements import (
    role_agreement,
    role_agreement_confirm,
    role_agreement_new,
    role_agreements,
)

__all__ = [
    "action",
    "action_new",
    "actions",
    "actions_export",
    "agenda_item_new",
    "agenda_pdf",
    "attendance",
    "away_day",
    "away_day_edit",
    "away_day_new",
    "charter",
    "charter_export",
    "evaluation",
    "evaluation_results",
    "home",
    "material_download",
    "material_new",
    "meeting",
    "meeting_edit",
    "meeting_new",
    "meetings",
    "mission",
    "mission_new",
    "my_actions",
    "observation_new",
    "observations",
    "practice",
    "practice_new",
    "practice_revise",
    "remind_overdue",
    "role_agreement",
    "role_agreement_confirm",
    "role_agreement_new",
    "role_agreements",
]
