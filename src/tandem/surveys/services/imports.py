"""Responses collected in another survey tool, written into a wave all or nothing."""

from __future__ import annotations

import datetime as dt
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
from tandem.surveys.response_import import PlannedResponse, ResponsePlan
from tandem.surveys.services.answers import CleanAnswer, store_answers
from tandem.surveys.services.errors import CLOSED_FOR_IMPORT, WaveClosed


@dataclass(frozen=True)
class ResponsesImported:
    responses: int  # imported as submitted
    answers: int
    unmatched: bool = False
    in_progress: int = 0  # unfinished in the tool, imported for the person to finish in Tandem


def import_ref(source: str, response_id: str) -> str:
    """How an unmatched response's survey-tool id is kept on its invitation."""
    return f"{source}:{response_id}" if response_id else ""


@transaction.atomic
def responses_import_commit(*, wave: Wave, plan: ResponsePlan, source: str) -> ResponsesImported:
    """Write checked responses from another survey tool, all or nothing, and remember the mapping,
    the answer codes' meanings and what respondents were matched by.

    Each finished response counts as submitted in the wave (the tool's completion time is kept);
    an unfinished one the lead chose to import is in progress: its answers are there for the
    person to finish and submit in Tandem, and it counts as no response until then.
    An anonymous file's responses (`plan.unmatched`) each get an unmatched invitation of their
    own: no participant, no token ever sent, submitted at the tool's completion time.
    """
    if not plan.is_valid:
        raise ValidationError("The responses file has problems; nothing was imported.")
    # Locked and re-read, so that a close at the same moment cannot slip in between.
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.has_closed():
        raise WaveClosed(CLOSED_FOR_IMPORT)
    if plan.unmatched:
        answers = _write_unmatched(wave=wave, plan=plan, source=source)
    else:
        answers = _write_matched(wave=wave, plan=plan)
    ResponseImportMapping.objects.update_or_create(
        programme=wave.programme,
        source=source,
        instrument_id=wave.instrument_id,
        defaults={
            "columns": plan.mapping,
            "codes": plan.codes,
            "match_by": "" if plan.unmatched else plan.match_by,
        },
    )
    audit_record(
        action="responses.import",
        subject=wave,
        extra={
            "source": source,
            "responses": len(plan.submitted),
            "in_progress": len(plan.in_progress),
            "left_out": len(plan.left_out),
            "answers": answers,
            "unmatched": plan.unmatched,
            "match_by": "" if plan.unmatched else plan.match_by,
        },
    )
    return ResponsesImported(
        responses=len(plan.submitted),
        answers=answers,
        unmatched=plan.unmatched,
        in_progress=len(plan.in_progress),
    )


def _moment(response: PlannedResponse) -> dt.datetime:
    return timezone.make_aware(response.submitted_at) if response.submitted_at else timezone.now()


def _store(invitation: Invitation, response: PlannedResponse) -> int:
    store_answers(
        invitation,
        {
            item_id: CleanAnswer(value=value, dont_know=dont_know, text=text, empty=False)
            for item_id, (value, dont_know, text) in response.answers.items()
        },
        AnswerSource.IMPORT,
    )
    return len(response.answers)


def _write_unmatched(*, wave: Wave, plan: ResponsePlan, source: str) -> int:
    refs = [import_ref(source, r.response_id) for r in plan.responses if r.response_id]
    again = set(
        wave.invitations.unmatched_responses()
        .filter(import_ref__in=refs)
        .values_list("import_ref", flat=True)
    )
    if again:
        raise ValidationError(
            f"Response {sorted(again)[0].split(':', 1)[1]} was imported into this wave while the "
            "file was being checked."
        )
    answers = 0
    for response in plan.responses:
        moment = _moment(response)
        invitation = Invitation.objects.create(
            wave=wave,
            participant=None,
            unmatched=True,
            import_ref=import_ref(source, response.response_id),
            status=InvitationStatus.SUBMITTED,
            started_at=moment,
            submitted_at=moment,
        )
        answers += _store(invitation, response)
    return answers


def _write_matched(*, wave: Wave, plan: ResponsePlan) -> int:
    invitations = {
        inv.participant.person.email.lower(): inv
        for inv in wave.invitations.matched()
        .select_for_update(of=("self",))
        .select_related("participant__person")
        if inv.participant is not None
    }
    answers = 0
    for response in plan.responses:
        invitation = invitations[response.email]
        if invitation.status == InvitationStatus.SUBMITTED:
            raise ValidationError(
                f"{response.email} submitted in Tandem while the import was being checked."
            )
        answers += _store(invitation, response)
        if not response.complete:
            Invitation.objects.filter(pk=invitation.pk).update(
                status=InvitationStatus.IN_PROGRESS,
                started_at=invitation.started_at or timezone.now(),
            )
            continue
        moment = _moment(response)
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SUBMITTED,
            submitted_at=moment,
            started_at=invitation.started_at or moment,
        )
    return answers
