"""Writes for away days and their outcomes. Each is one transaction; checks raise ValidationError
with the field at fault, so the form and the CLI say the same thing.

One module per area (away days, materials, charter, role agreements, actions, feedback,
meetings); every public name is importable from here.
"""

from tandem.workshops.services.actions import (
    REMINDER_INTERVAL,
    RemindersSent,
    action_create,
    action_update,
    overdue_reminders_send,
)
from tandem.workshops.services.away_days import (
    agenda_item_add,
    attendance_record,
    away_day_create,
    away_day_update,
)
from tandem.workshops.services.charter import mission_agree, practice_agree, practice_revise
from tandem.workshops.services.feedback import evaluation_submit, observation_record
from tandem.workshops.services.materials import MATERIAL_MAX_BYTES, material_kind, material_upload
from tandem.workshops.services.meetings import recurring_meeting_create, recurring_meeting_update
from tandem.workshops.services.role_agreements import (
    AreaInput,
    role_agreement_confirm,
    role_agreement_record,
)

__all__ = [
    "MATERIAL_MAX_BYTES",
    "REMINDER_INTERVAL",
    "AreaInput",
    "RemindersSent",
    "action_create",
    "action_update",
    "agenda_item_add",
    "attendance_record",
    "away_day_create",
    "away_day_update",
    "evaluation_submit",
    "material_kind",
    "material_upload",
    "mission_agree",
    "observation_record",
    "overdue_reminders_send",
    "practice_agree",
    "practice_revise",
    "recurring_meeting_create",
    "recurring_meeting_update",
    "role_agreement_confirm",
    "role_agreement_record",
]
