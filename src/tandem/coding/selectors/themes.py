"""Theme suggestions: groups of uncoded answers waiting for the lead's decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.analysis.themes import (
    label_term_allowed,
)
from tandem.coding.models import (
    SuggestionStatus,
    ThemeSuggestion,
)
from tandem.coding.selectors.access import require_lead_of_closed
from tandem.coding.selectors.redaction import redactor_for
from tandem.coding.selectors.sources import answer_ref, open_answers
from tandem.programmes.selectors import (
    ProgrammeNotFound,
)
from tandem.surveys.models import Answer, Wave


@dataclass(frozen=True)
class SuggestionView:
    id: int
    terms: tuple[str, ...]
    label: str
    answers: tuple[str, ...]


def theme_suggestions_for(*, viewer: Any, wave: Wave) -> list[SuggestionView]:
    """Suggestions waiting for a decision, each with the texts of its answers (no identity).

    The answers in the order of their references, like everywhere else: a suggestion keeps its
    answers' ids in the order they were grouped, which must not show through.
    """
    require_lead_of_closed(viewer=viewer, wave=wave)
    suggestions = list(
        ThemeSuggestion.objects.filter(wave=wave, status=SuggestionStatus.PENDING).order_by("id")
    )
    texts = dict(open_answers(wave).values_list("pk", "text"))
    redactor = redactor_for(programme=wave.programme)

    def terms(suggestion: ThemeSuggestion) -> tuple[str, ...]:
        # Suggestions stored before labels were filtered may hold a number or a name.
        return tuple(t for t in suggestion.terms if label_term_allowed(str(t), redactor))

    return [
        SuggestionView(
            id=suggestion.pk,
            terms=terms(suggestion),
            label=", ".join(terms(suggestion)[:3]),
            answers=tuple(
                text
                for _, text in sorted(
                    (answer_ref(pk), texts[pk]) for pk in suggestion.answer_ids if pk in texts
                )
            ),
        )
        for suggestion in suggestions
    ]


def theme_suggestion_for(*, viewer: Any, wave: Wave, suggestion_id: int) -> ThemeSuggestion:
    require_lead_of_closed(viewer=viewer, wave=wave)
    suggestion = ThemeSuggestion.objects.filter(
        wave=wave, pk=suggestion_id, status=SuggestionStatus.PENDING
    ).first()
    if suggestion is None:
        raise ProgrammeNotFound("No such suggestion waiting for a decision.")
    return suggestion


def uncoded_answer_count(*, viewer: Any, wave: Wave) -> int:
    require_lead_of_closed(viewer=viewer, wave=wave)
    return open_answers(wave).exclude(excerpts__assignments__isnull=False).count()


def uncoded_answers(*, wave: Wave) -> list[Answer]:
    """Open answers with no coded excerpt yet, in the order of their references: what theme
    suggestions group (the grouping, and the order of each group's answers, start from it).

    No viewer: for services, which are reached only through views that checked the lead. None
    while the wave is open.
    """
    answers = open_answers(wave).exclude(excerpts__assignments__isnull=False)
    return sorted(answers, key=lambda answer: answer_ref(answer.pk))
