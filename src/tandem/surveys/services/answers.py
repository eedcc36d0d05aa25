"""A respondent's answers: saved as they are given, a page at a time, then submitted once.

The helpers a section plug-in's writes use (`lock_invitation`, `check_writable`,
`mark_started`; see tandem.surveys.sections) are these, exactly as the surveys app's own pages
use them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.surveys.instruments import Instrument, Item
from tandem.surveys.models import Answer, AnswerSource, Invitation, InvitationStatus
from tandem.surveys.services.errors import AlreadySubmitted, WaveClosed

MAX_OPEN_ANSWER_CHARS = 5000


def check_writable(invitation: Invitation) -> None:
    """Refuse a change to a submitted response (`AlreadySubmitted`) or outside the wave's open
    dates (`WaveClosed`). Call it on an invitation from `lock_invitation`."""
    if invitation.status == InvitationStatus.SUBMITTED:
        raise AlreadySubmitted("These answers have been submitted and can no longer be changed.")
    if not invitation.wave.is_open():
        raise WaveClosed("This questionnaire is closed, so answers can no longer be changed.")


@dataclass(frozen=True)
class CleanAnswer:
    value: int | None
    dont_know: bool
    text: str
    empty: bool


def clean_answer(*, instrument: Instrument, item: Item, raw: str | int | None) -> CleanAnswer:
    """Turn what a form or an autosave sent into a stored answer, or raise ValidationError."""
    if item.kind == "open":
        text = str(raw or "").strip()
        if len(text) > MAX_OPEN_ANSWER_CHARS:
            raise ValidationError(f"Keep your answer under {MAX_OPEN_ANSWER_CHARS} characters.")
        return CleanAnswer(value=None, dont_know=False, text=text, empty=not text)
    if raw is None or str(raw).strip() == "":
        return CleanAnswer(value=None, dont_know=False, text="", empty=True)
    raw_text = str(raw).strip()
    scale = instrument.response_scales[item.response_scale or ""]
    if raw_text == "dont_know" and scale.dont_know is not None:
        return CleanAnswer(value=None, dont_know=True, text="", empty=False)
    allowed = {option.value for option in scale.options if option.value is not None}
    try:
        value = int(raw_text)
    except ValueError:
        value = None
    if value is None or value not in allowed:
        raise ValidationError("Choose one of the answers shown.")
    return CleanAnswer(value=value, dont_know=False, text="", empty=False)


def store_answer(invitation: Invitation, item_id: str, answer: CleanAnswer, source: str) -> None:
    """Store (or, when empty, remove) one answer: one INSERT … ON CONFLICT DO UPDATE on the
    once-per-item constraint, so a replay stores it once and a change needs no read first."""
    if answer.empty:
        Answer.objects.filter(invitation=invitation, item_id=item_id).delete()
        return
    store_answers(invitation, {item_id: answer}, source)


def store_answers(invitation: Invitation, answers: dict[str, CleanAnswer], source: str) -> None:
    """Store many answers of one invitation in one INSERT … ON CONFLICT DO UPDATE (an import)."""
    Answer.objects.bulk_create(
        [
            Answer(
                invitation=invitation,
                item_id=item_id,
                value=answer.value,
                dont_know=answer.dont_know,
                text=answer.text,
                source=source,
            )
            for item_id, answer in answers.items()
            if not answer.empty
        ],
        update_conflicts=True,
        unique_fields=["invitation", "item_id"],
        update_fields=["value", "dont_know", "text", "source", "updated_at"],
    )


def _item(instrument: Instrument, item_id: str) -> Item:
    try:
        return instrument.item(item_id)
    except KeyError as exc:
        raise ValidationError(f"This questionnaire has no question “{item_id}”.") from exc


def mark_started(invitation: Invitation, section_id: str | None) -> None:
    """Record that the respondent has begun (and, with `section_id`, the page to resume at)."""
    fields: dict[str, Any] = {}
    if invitation.status == InvitationStatus.NOT_STARTED:
        fields.update(status=InvitationStatus.IN_PROGRESS, started_at=timezone.now())
    if section_id and section_id != invitation.current_section:
        fields["current_section"] = section_id
    if fields:
        Invitation.objects.filter(pk=invitation.pk).exclude(
            status=InvitationStatus.SUBMITTED
        ).update(**fields)
        for name, value in fields.items():
            setattr(invitation, name, value)


def lock_invitation(invitation: Invitation) -> Invitation:
    """Re-read the invitation inside the transaction, locked on databases that lock rows.

    A submit racing an autosave must not let the autosave land after the submission.
    """
    # OF self: PostgreSQL's FOR UPDATE would otherwise lock the joined wave and programme rows
    # as well, and every respondent of a wave would wait for every other (bench/RESULTS.md).
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave__programme")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def answer_save(*, invitation: Invitation, item_id: str, value: str | int | None) -> CleanAnswer:
    """Store one answer (an autosave). Idempotent: the same request twice stores one answer."""
    return _save_one(lock_invitation(invitation), item_id, value)


@transaction.atomic
def answer_autosave(*, token: str, item_id: str, value: str | int | None) -> CleanAnswer:
    """`answer_save` for the autosave request, in one read and one write.

    Autosave is the busiest request Tandem serves (one per answer a respondent gives). The
    invitation is found by its token and locked in the same statement — only its own row
    (FOR UPDATE OF on PostgreSQL; SQLite's write transaction holds the database), so a submit
    racing this autosave still waits — and the answer is stored with one
    INSERT … ON CONFLICT DO UPDATE (`store_answer`). The invitation is written only when the
    respondent starts or moves to another page.
    """
    from tandem.surveys.selectors import InvitationNotFound

    try:
        # `.get`, not `.first()`: no ORDER BY (the model's ordering joins the person) nor LIMIT.
        invitation = (
            Invitation.objects.matched()
            .select_for_update(of=("self",))
            .select_related("wave")
            .order_by()
            .get(token=token)
        )
    except Invitation.DoesNotExist:
        raise InvitationNotFound("This questionnaire link is not recognised.") from None
    return _save_one(invitation, item_id, value)


def _save_one(invitation: Invitation, item_id: str, value: str | int | None) -> CleanAnswer:
    """One answer on an invitation read under its lock: checked, stored, the page remembered."""
    check_writable(invitation)
    instrument = invitation.wave.instrument
    item = _item(instrument, item_id)
    answer = clean_answer(instrument=instrument, item=item, raw=value)
    store_answer(invitation, item.id, answer, AnswerSource.WEB)
    section = instrument.section_of(item.id)
    mark_started(invitation, section.id if section else None)
    return answer


@transaction.atomic
def section_save(
    *, invitation: Invitation, section_id: str, data: Mapping[str, Any]
) -> dict[str, str]:
    """Store one page of answers. Returns {item_id: error} for values that could not be stored;
    every valid answer on the page is stored even when another on it is not.
    """
    invitation = lock_invitation(invitation)
    check_writable(invitation)
    instrument = invitation.wave.instrument
    section = instrument.section(section_id)
    errors: dict[str, str] = {}
    for item in section.items:
        try:
            answer = clean_answer(instrument=instrument, item=item, raw=data.get(item.id))
        except ValidationError as exc:
            errors[item.id] = exc.messages[0]
            continue
        store_answer(invitation, item.id, answer, AnswerSource.WEB)
    mark_started(invitation, section.id)
    return errors


@transaction.atomic
def response_submit(*, invitation: Invitation) -> bool:
    """Submit the response. Idempotent: returns True the first time, False on any repeat.

    The conditional UPDATE is the guard: of two simultaneous submits, exactly one changes a row.
    """
    invitation = lock_invitation(invitation)
    if invitation.status == InvitationStatus.SUBMITTED:
        return False
    if not invitation.wave.is_open():
        raise WaveClosed("This questionnaire is closed, so it can no longer be submitted.")
    now = timezone.now()
    changed = (
        Invitation.objects.filter(pk=invitation.pk)
        .exclude(status=InvitationStatus.SUBMITTED)
        .update(
            status=InvitationStatus.SUBMITTED,
            submitted_at=now,
            started_at=invitation.started_at or now,
        )
    )
    return changed == 1
