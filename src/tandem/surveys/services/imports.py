"""Responses collected in another survey tool, written into a wave all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.surveys.models import (
    AnswerSource,
    Invitation,
    InvitationStatus,
    ResponseImportMapping,
    Wave,
)
from tandem.surveys.response_import import ResponsePlan
from tandem.surveys.services.answers import CleanAnswer, store_answer
from tandem.surveys.services.errors import CLOSED_FOR_IMPORT, WaveClosed


@dataclass(frozen=True)
class ResponsesImported:
    responses: int
    answers: int


@transaction.atomic
def responses_import_commit(*, wave: Wave, plan: ResponsePlan, source: str) -> ResponsesImported:
    """Write checked responses from another survey tool, all or nothing, and remember the mapping.

    Each imported response counts as submitted in the wave (the tool's completion time is kept).
    """
    if not plan.is_valid:
        raise ValidationError("The responses file has problems; nothing was imported.")
    # Locked and re-read, so that a close at the same moment cannot slip in between.
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.has_closed():
        raise WaveClosed(CLOSED_FOR_IMPORT)
    invitations = {
        inv.participant.person.email.lower(): inv
        for inv in wave.invitations.select_for_update().select_related("participant__person")
    }
    answers = 0
    for response in plan.responses:
        invitation = invitations[response.email]
        if invitation.status == InvitationStatus.SUBMITTED:
            raise ValidationError(
                f"{response.email} submitted in Tandem while the import was being checked."
            )
        for item_id, (value, dont_know, text) in response.answers.items():
            store_answer(
                invitation,
                item_id,
                CleanAnswer(value=value, dont_know=dont_know, text=text, empty=False),
                AnswerSource.IMPORT,
            )
            answers += 1
        moment = (
            timezone.make_aware(response.submitted_at) if response.submitted_at else timezone.now()
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SUBMITTED,
            submitted_at=moment,
            started_at=invitation.started_at or moment,
        )
    ResponseImportMapping.objects.update_or_create(
        programme=wave.programme,
        source=source,
        instrument_id=wave.instrument_id,
        defaults={"columns": plan.mapping},
    )
    audit_record(
        action="responses.import",
        subject=wave,
        extra={"source": source, "responses": len(plan.responses), "answers": answers},
    )
    return ResponsesImported(responses=len(plan.responses), answers=answers)
