"""Writes for waves, invitations and answers: each one keyword-only and atomic (docs/style.md).

"No answer ever lost": an answer is acknowledged to the respondent only after the transaction
that stores it has committed, and every write is an idempotent upsert, so a retried or replayed
request can never create a second answer or a second submission.

One module per area — `waves` (and their interview notes), `invitations` (the e-mails),
`answers` (a respondent's answers and submission; the helpers section plug-ins use), `imports`
(responses from another survey tool), `errors` — and every name is importable from here.
"""

from tandem.surveys.services.answers import (
    MAX_OPEN_ANSWER_CHARS,
    CleanAnswer,
    answer_autosave,
    answer_save,
    check_writable,
    clean_answer,
    lock_invitation,
    mark_started,
    response_submit,
    section_save,
)
from tandem.surveys.services.errors import CLOSED_FOR_IMPORT, AlreadySubmitted, WaveClosed
from tandem.surveys.services.imports import ResponsesImported, responses_import_commit
from tandem.surveys.services.invitations import (
    SendResult,
    invitation_link,
    invitations_remind,
    invitations_send,
)
from tandem.surveys.services.waves import (
    comparison_invite,
    interview_note_add,
    invitations_add,
    wave_close,
    wave_create,
    wave_open,
    wave_release,
    wave_withdraw,
)

__all__ = [
    "CLOSED_FOR_IMPORT",
    "MAX_OPEN_ANSWER_CHARS",
    "AlreadySubmitted",
    "CleanAnswer",
    "ResponsesImported",
    "SendResult",
    "WaveClosed",
    "answer_autosave",
    "answer_save",
    "check_writable",
    "clean_answer",
    "comparison_invite",
    "interview_note_add",
    "invitation_link",
    "invitations_add",
    "invitations_remind",
    "invitations_send",
    "lock_invitation",
    "mark_started",
    "response_submit",
    "responses_import_commit",
    "section_save",
    "wave_close",
    "wave_create",
    "wave_open",
    "wave_release",
    "wave_withdraw",
]
