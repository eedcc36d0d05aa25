"""The quotations a report may show (`released_excerpts`): approved excerpts, redacted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from tandem.coding.models import (
    Excerpt,
    ReviewStatus,
)
from tandem.coding.selectors.access import SourceKind
from tandem.coding.selectors.wave_themes import WaveThemes, wave_respondents
from tandem.programmes.models import Role
from tandem.surveys.models import InvitationStatus, Wave


@dataclass(frozen=True)
class ReleasedExcerpt:
    excerpt_id: int
    source: SourceKind
    item_id: str
    question: str
    text: str
    codes: tuple[str, ...]


class ExcerptRelease(list[ReleasedExcerpt]):
    """The quotations a report may show: a list, with why it is empty when it is."""

    def __init__(
        self,
        excerpts: Iterable[ReleasedExcerpt] = (),
        *,
        reason: str = "",
        respondents: int = 0,
        k_text: int = 0,
    ) -> None:
        super().__init__(excerpts)
        self.reason = reason
        self.respondents = respondents
        self.k_text = k_text


def released_excerpts(*, wave: Wave, group_size: int | None = None) -> ExcerptRelease:
    """Approved excerpts as redacted text, only when the group reaches k_text (see module doc)."""
    return release_of(WaveThemes(wave), group_size)


def release_of(themes: WaveThemes, group_size: int | None) -> ExcerptRelease:
    wave = themes.wave
    k_text = wave.programme.min_text_group_size
    respondents = wave_respondents(wave=wave)
    if not themes.scope.frozen:
        return ExcerptRelease(reason=themes.scope.pending, respondents=respondents, k_text=k_text)
    size = respondents if group_size is None else min(group_size, respondents)
    if size < k_text:
        return ExcerptRelease(
            reason=(
                f"Quotations are shown only for groups of at least {k_text} respondents; "
                f"this group has fewer, so none are shown."
            ),
            respondents=respondents,
            k_text=k_text,
        )
    questions = {item.id: item.text for item in wave.instrument.open_items}
    order = {item.id: index for index, item in enumerate(wave.instrument.open_items)}
    # Only answers of submitted responses: a response withdrawn from the count leaves no quotes.
    submitted = Q(answer__invitation__status=InvitationStatus.SUBMITTED) & ~Q(
        answer__invitation__participant__role=Role.COMPARISON
    ) | Q(interview_note__isnull=False)
    excerpts = (
        Excerpt.objects.filter(wave=wave, status=ReviewStatus.APPROVED)
        .filter(submitted)
        .exclude(redacted_text="")
        .select_related("answer")
        .prefetch_related("assignments")
    )
    released = [
        ReleasedExcerpt(
            excerpt_id=excerpt.pk,
            source="answer" if excerpt.answer is not None else "interview",
            item_id=excerpt.answer.item_id if excerpt.answer is not None else "",
            question=(
                questions.get(excerpt.answer.item_id, excerpt.answer.item_id)
                if excerpt.answer is not None
                else "Interviews"
            ),
            # Redacted again on the way out: an excerpt approved before a rule was added (or a
            # person was imported) is quoted under today's rules. Idempotent, so no change else.
            text=themes.redactor.redact(excerpt.redacted_text),
            codes=tuple(sorted(themes.paths[a.code_id] for a in excerpt.assignments.all())),
        )
        for excerpt in excerpts
    ]
    if not released:
        return ExcerptRelease(respondents=respondents, k_text=k_text)
    # The set of quotations is a reading over everyone who wrote: beside another reading over a
    # population one person larger or smaller, the quotations that differ would be theirs.
    if themes.everyone_refused is not None:
        return ExcerptRelease(
            reason=themes.everyone_refused, respondents=respondents, k_text=k_text
        )
    released.sort(
        key=lambda e: (
            e.source != "answer",
            order.get(e.item_id, 0),
            e.text.casefold(),
            e.excerpt_id,
        )
    )
    return ExcerptRelease(released, respondents=respondents, k_text=k_text)
