"""Writes for qualitative coding: each keyword-only and atomic (docs/style.md).

The views reach these only after a selector has checked that the viewer leads the programme
and has found the wave, answer, note, code or excerpt within it; the services check again that
everything they are given belongs together (a code of another programme cannot be put on an
answer of this one), and that the wave has closed: nothing of a wave is coded while people are
still answering it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.analysis.themes import suggest_themes
from tandem.audit.services import audit_record
from tandem.coding import selectors
from tandem.coding.models import (
    Code,
    CodeAssignment,
    Codebook,
    CodeColour,
    Excerpt,
    ReviewStatus,
    SuggestionStatus,
    ThemeSuggestion,
)
from tandem.coding.quotes import QuoteError, locate_quote
from tandem.programmes.models import Programme, Role
from tandem.surveys.models import Answer, InterviewNote, InvitationStatus, Wave

MAX_CODE_NAME = 120
# The same seed every time: the lead sees the same suggestions for the same answers.
THEME_SEED = 2025


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def codebook_get_or_create(*, programme: Programme) -> Codebook:
    codebook, _ = Codebook.objects.get_or_create(programme=programme)
    return codebook


def _clean_code_fields(
    *, codebook: Codebook, name: str, parent: Code | None, colour: str, code: Code | None = None
) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter a name for the code."})
    if len(name) > MAX_CODE_NAME:
        raise ValidationError({"name": f"A code name can be at most {MAX_CODE_NAME} characters."})
    if colour and colour not in CodeColour.values:
        raise ValidationError({"colour": "Choose one of the colours listed."})
    if parent is not None:
        if parent.codebook_id != codebook.pk:
            raise ValidationError({"parent": "That code is in another programme's codebook."})
        if code is not None and (
            parent.pk == code.pk or parent.pk in selectors.descendant_ids(code=code)
        ):
            raise ValidationError(
                {"parent": "A code cannot sit under itself or its own sub-codes."}
            )
    siblings = Code.objects.filter(codebook=codebook, parent=parent, name__iexact=name)
    if code is not None:
        siblings = siblings.exclude(pk=code.pk)
    if siblings.exists():
        where = f"under “{parent.name}”" if parent is not None else "at the top level"
        raise ValidationError({"name": f"There is already a code called “{name}” {where}."})
    return name


@transaction.atomic
def code_create(
    *,
    programme: Programme,
    name: str,
    description: str = "",
    parent: Code | None = None,
    colour: str = "",
) -> Code:
    """Add a code to the programme's codebook (created with the first code)."""
    codebook = codebook_get_or_create(programme=programme)
    clean_name = _clean_code_fields(codebook=codebook, name=name, parent=parent, colour=colour)
    code = Code.objects.create(
        codebook=codebook,
        parent=parent,
        name=clean_name,
        description=description.strip(),
        colour=colour,
    )
    audit_record(action="code.create", subject=code, programme=programme)
    return code


@transaction.atomic
def code_update(
    *,
    code: Code,
    name: str,
    description: str = "",
    parent: Code | None = None,
    colour: str = "",
) -> Code:
    code.name = _clean_code_fields(
        codebook=code.codebook, name=name, parent=parent, colour=colour, code=code
    )
    code.description = description.strip()
    code.parent = parent
    code.colour = colour
    code.save(update_fields=["name", "description", "parent", "colour"])
    audit_record(action="code.update", subject=code, programme=code.codebook.programme)
    return code


@transaction.atomic
def code_delete(*, code: Code) -> int:
    """Delete a code and take it off every excerpt; excerpts left with no code go too.

    A code with sub-codes is not deleted: they would go with it, unseen. Returns how many
    excerpts were removed.
    """
    if code.children.exists():
        raise ValidationError(
            "This code has sub-codes. Move them to another code, or delete them, first."
        )
    excerpt_ids = list(code.assignments.values_list("excerpt_id", flat=True))
    audit_record(action="code.delete", subject=code, programme=code.codebook.programme)
    code.delete()
    orphans = Excerpt.objects.filter(pk__in=excerpt_ids, assignments__isnull=True)
    removed = orphans.count()
    orphans.delete()
    return removed


def _source_text(source: Answer | InterviewNote) -> str:
    return source.text


def _check_closed(wave: Wave) -> None:
    if not wave.has_closed():
        raise ValidationError(selectors.coding_closed_message(wave))


def _check_source(*, wave: Wave, source: Answer | InterviewNote) -> None:
    _check_closed(wave)
    if isinstance(source, InterviewNote):
        if source.wave_id != wave.pk:
            raise ValidationError("Those interview notes belong to another wave.")
        return
    invitation = source.invitation
    if invitation.wave_id != wave.pk or invitation.status != InvitationStatus.SUBMITTED:
        raise ValidationError("That answer is not a submitted answer of this wave.")
    if invitation.participant is not None and invitation.participant.role == Role.COMPARISON:
        raise ValidationError("That answer is a comparison respondent's; it is not coded.")
    if source.item_id not in {item.id for item in wave.instrument.open_items}:
        raise ValidationError("Only answers to open questions can be coded.")


def _check_codes(*, wave: Wave, codes: Sequence[Code]) -> None:
    if not codes:
        raise ValidationError({"codes": "Choose at least one code for this passage."})
    if any(code.codebook.programme_id != wave.programme_id for code in codes):
        raise ValidationError({"codes": "Those codes belong to another programme."})


def _excerpt_for_span(
    *, wave: Wave, source: Answer | InterviewNote, start: int, end: int, actor: Any
) -> Excerpt:
    text = _source_text(source)
    lookup: dict[str, Any] = (
        {"interview_note": source} if isinstance(source, InterviewNote) else {"answer": source}
    )
    excerpt, _ = Excerpt.objects.get_or_create(
        wave=wave,
        start=start,
        end=end,
        **lookup,
        defaults={"text": text[start:end], "created_by": _user(actor)},
    )
    return excerpt


def _assign(*, excerpt: Excerpt, codes: Sequence[Code], actor: Any) -> None:
    for code in codes:
        CodeAssignment.objects.get_or_create(
            excerpt=excerpt, code=code, defaults={"created_by": _user(actor)}
        )


def _whole(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip())


@transaction.atomic
def excerpt_code(
    *,
    wave: Wave,
    source: Answer | InterviewNote,
    quote: str,
    codes: Sequence[Code],
    actor: Any = None,
) -> Excerpt:
    """Code a passage of an answer or interview note, found from the words the lead pasted.

    An empty `quote` codes the whole text. Coding the same passage again adds the new codes to
    the excerpt already there. Raises ValidationError keyed by "quote" or "codes".
    """
    _check_source(wave=wave, source=source)
    _check_codes(wave=wave, codes=codes)
    text = _source_text(source)
    if quote.strip():
        try:
            start, end = locate_quote(text, quote)
        except QuoteError as exc:
            raise ValidationError({"quote": str(exc)}) from exc
    else:
        start, end = _whole(text)
        if end <= start:
            raise ValidationError({"quote": "There is no text here to code."})
    excerpt = _excerpt_for_span(wave=wave, source=source, start=start, end=end, actor=actor)
    _assign(excerpt=excerpt, codes=codes, actor=actor)
    audit_record(
        action="excerpt.code",
        subject=excerpt,
        actor=_user(actor),
        programme=wave.programme,
        extra={"codes": [c.pk for c in codes]},
    )
    return excerpt


@transaction.atomic
def excerpt_delete(*, excerpt: Excerpt) -> None:
    """Remove a coded passage and its codes (the answer or note itself is untouched)."""
    audit_record(action="excerpt.delete", subject=excerpt, programme=excerpt.wave.programme)
    excerpt.delete()


@transaction.atomic
def excerpt_approve(
    *,
    excerpt: Excerpt,
    actor: Any,
    release_text: str = "",
    also_redact: Sequence[str] = (),
) -> Excerpt:
    """Approve an excerpt for reports, storing the redacted text a report will quote.

    The lead may shorten or further anonymise the quotation (`release_text`), and name words or
    phrases to take out as well (`also_redact`, each replaced by "[redacted]" wherever it occurs).
    The automatic redaction runs on the lead's text again, so an edit cannot put a name back.
    The audit event records how many spans each step took out, never the words themselves.
    """
    preview = selectors.release_preview(
        programme=excerpt.wave.programme,
        text=excerpt.text,
        release_text=release_text,
        also_redact=also_redact,
    )
    excerpt.redacted_text = preview.text
    excerpt.status = ReviewStatus.APPROVED
    excerpt.reviewed_by = _user(actor)
    excerpt.reviewed_at = timezone.now()
    excerpt.save(update_fields=["redacted_text", "status", "reviewed_by", "reviewed_at"])
    audit_record(
        action="excerpt.approve",
        subject=excerpt,
        actor=_user(actor),
        programme=excerpt.wave.programme,
        extra={
            "edited": preview.edited,
            "redacted_automatically": preview.automatic_count,
            "redacted_by_lead": preview.lead_count,
        },
    )
    return excerpt


@transaction.atomic
def excerpt_reject(*, excerpt: Excerpt, actor: Any) -> Excerpt:
    """Keep the excerpt for the lead's own analysis, but never quote it in a report."""
    excerpt.redacted_text = ""
    excerpt.status = ReviewStatus.REJECTED
    excerpt.reviewed_by = _user(actor)
    excerpt.reviewed_at = timezone.now()
    excerpt.save(update_fields=["redacted_text", "status", "reviewed_by", "reviewed_at"])
    audit_record(
        action="excerpt.reject",
        subject=excerpt,
        actor=_user(actor),
        programme=excerpt.wave.programme,
    )
    return excerpt


@transaction.atomic
def theme_suggestions_generate(*, wave: Wave) -> list[ThemeSuggestion]:
    """Replace the wave's open suggestions with fresh ones from the answers not yet coded.

    A group of answers the lead has already rejected is not suggested again.
    """
    _check_closed(wave)
    answers = [(answer.pk, answer.text) for answer in selectors.uncoded_answers(wave=wave)]
    # Names, numbers and contact details are not themes: the answers are redacted before they
    # are grouped, and no redacted word ("okafor", "smith") or number ("07700") labels a theme.
    redactor = selectors.redactor_for(programme=wave.programme)
    suggestions = suggest_themes(answers, seed=THEME_SEED, redactor=redactor)
    ThemeSuggestion.objects.filter(wave=wave, status=SuggestionStatus.PENDING).delete()
    rejected = {
        frozenset(ids)
        for ids in ThemeSuggestion.objects.filter(
            wave=wave, status=SuggestionStatus.REJECTED
        ).values_list("answer_ids", flat=True)
    }
    created = [
        ThemeSuggestion(wave=wave, terms=list(s.terms), answer_ids=list(s.member_ids))
        for s in suggestions
        if frozenset(s.member_ids) not in rejected
    ]
    made = ThemeSuggestion.objects.bulk_create(created)
    audit_record(
        action="theme_suggestions.generate",
        subject=wave,
        programme=wave.programme,
        extra={"count": len(made)},
    )
    return made


@transaction.atomic
def theme_suggestion_accept(
    *,
    suggestion: ThemeSuggestion,
    name: str,
    parent: Code | None = None,
    description: str = "",
    colour: str = "",
    actor: Any = None,
) -> Code:
    """Turn a suggestion into a code, coding the whole of each of its answers with it."""
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValidationError("This suggestion has already been decided.")
    wave = suggestion.wave
    _check_closed(wave)
    code = code_create(programme=wave.programme, name=name, description=description, parent=parent)
    answers = Answer.objects.filter(
        pk__in=suggestion.answer_ids,
        invitation__wave=wave,
        invitation__status=InvitationStatus.SUBMITTED,
        item_id__in=[item.id for item in wave.instrument.open_items],
    ).exclude(invitation__participant__role=Role.COMPARISON)
    # In the order of their references: excerpts made in the order of the answers' ids would
    # carry that order (alphabetical by name) into every list sorted by excerpt.
    for answer in sorted(answers, key=lambda answer: selectors.answer_ref(answer.pk)):
        start, end = _whole(answer.text)
        if end > start:
            excerpt = _excerpt_for_span(wave=wave, source=answer, start=start, end=end, actor=actor)
            _assign(excerpt=excerpt, codes=[code], actor=actor)
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.code = code
    suggestion.decided_by = _user(actor)
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "code", "decided_by", "decided_at"])
    audit_record(
        action="theme_suggestion.accept",
        subject=suggestion,
        actor=_user(actor),
        programme=wave.programme,
        extra={"code_id": code.pk},
    )
    return code


@transaction.atomic
def theme_suggestion_reject(*, suggestion: ThemeSuggestion, actor: Any = None) -> ThemeSuggestion:
    if suggestion.status == SuggestionStatus.PENDING:
        suggestion.status = SuggestionStatus.REJECTED
        suggestion.decided_by = _user(actor)
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            action="theme_suggestion.reject",
            subject=suggestion,
            actor=_user(actor),
            programme=suggestion.wave.programme,
        )
    return suggestion
