"""Reads for away days, the charter, role agreements, actions, observations and evaluations.

Who may see what (ARCHITECTURE.md, "Away days"):

| viewer | may see |
|---|---|
| lead | everything except pair observations |
| sponsor | away days, charter, mission, every pair's role agreement, every action, aggregated evaluations (once feedback has closed) and meeting trends (months that are over) |
| participant | away days, charter, mission, their own pair's role agreement, their own actions |
| coach | charter and mission only |
| members of two pairs | the observation notes one of their pairs wrote about the other |

The data model has no link from a sponsor to particular pairs, so a sponsor sees all of the
programme's pairs: the narrowest rule the data allows.

Each rule reads the viewer's `programmes.access.Access` (roles, own participant record, pairs;
worked out once per request) and refuses with `WorkshopsAccessDenied` (403) or, for someone
with no role in the programme, `ProgrammeNotFound` (404). One module per area; every public
name is importable from here.
"""

from tandem.workshops.selectors.actions import (
    ActionFilters,
    ActionView,
    action_for,
    action_status_counts,
    actions_for,
    my_actions_for,
    overdue_actions_for,
)
from tandem.workshops.selectors.away_days import (
    AWAY_DAY_ROLES,
    AwayDayOutputs,
    attendance_for,
    away_day_for,
    away_day_outputs,
    away_day_to_manage,
    away_days_for,
    material_for,
)
from tandem.workshops.selectors.charter import (
    CHARTER_ROLES,
    CharterEntry,
    charter_for,
    missions_for,
    practice_for,
)
from tandem.workshops.selectors.evaluations import (
    EVALUATION_SURFACE,
    EvaluationSummary,
    evaluation_form_for,
    evaluation_scope,
    evaluation_summary_for,
    feedback_window_text,
    may_evaluate,
)
from tandem.workshops.selectors.meetings import meeting_for, meetings_for
from tandem.workshops.selectors.observations import observations_for, observer_pair_for
from tandem.workshops.selectors.role_agreements import (
    AreaChange,
    RoleAgreementView,
    pairs_with_agreements_for,
    role_agreement_diff,
    role_agreement_for,
)
from tandem.workshops.selectors.rules import (
    COACH,
    LEAD,
    PARTICIPANT,
    SPONSOR,
    WorkshopsAccessDenied,
    member_access,
)

__all__ = [
    "AWAY_DAY_ROLES",
    "CHARTER_ROLES",
    "COACH",
    "EVALUATION_SURFACE",
    "LEAD",
    "PARTICIPANT",
    "SPONSOR",
    "ActionFilters",
    "ActionView",
    "AreaChange",
    "AwayDayOutputs",
    "CharterEntry",
    "EvaluationSummary",
    "RoleAgreementView",
    "WorkshopsAccessDenied",
    "action_for",
    "action_status_counts",
    "actions_for",
    "attendance_for",
    "away_day_for",
    "away_day_outputs",
    "away_day_to_manage",
    "away_days_for",
    "charter_for",
    "evaluation_form_for",
    "evaluation_scope",
    "evaluation_summary_for",
    "feedback_window_text",
    "material_for",
    "may_evaluate",
    "meeting_for",
    "meetings_for",
    "member_access",
    "missions_for",
    "my_actions_for",
    "observations_for",
    "observer_pair_for",
    "overdue_actions_for",
    "pairs_with_agreements_for",
    "practice_for",
    "role_agreement_diff",
    "role_agreement_for",
]
