"""The review before release: excerpts in one review state, in the order of the wave's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from tandem.coding.models import (
    Excerpt,
    ReviewStatus,
)
from tandem.coding.selectors.access import SourceKind, require_lead_of_closed
from tandem.coding.selectors.codebook import code_paths
from tandem.coding.selectors.redaction import (
    marked_segments,
    redaction_summary,
    redactor_for,
    release_preview,
)
from tandem.coding.selectors.sources import answer_ref
from tandem.programmes.selectors import (
    ProgrammeNotFound,
)
from tandem.surveys.models import Answer, Wave


@dataclass(frozen=True)
class ReviewExcerpt:
    excerpt_id: int
    source: SourceKind
    source_label: str
    text: str
    release_text: str
    status: str
    status_label: str
    codes: tuple[str, ...]
    reviewed_at: Any = None
    # The passage in pieces, each with the placeholder that replaces it (None: kept).
    passage: tuple[tuple[str, str | None], ...] = ()
    # The released (or to-be-released) text in pieces, each with whether it is a placeholder.
    release: tuple[tuple[str, bool], ...] = ()
    redaction_summary: str = ""


def review_counts(*, viewer: Any, wave: Wave) -> dict[str, int]:
    require_lead_of_closed(viewer=viewer, wave=wave)
    counts = dict(
        Excerpt.objects.filter(wave=wave)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ReviewStatus.values}


def excerpts_for_review(*, viewer: Any, wave: Wave, status: str) -> list[ReviewExcerpt]:
    """Excerpts in one review state, each with the redacted version a report would quote.

    Answers first, question by question and in the order of their references (as on the
    wave's page), then interview notes: never in the order excerpts were made, which for a
    suggestion accepted in one go would follow the answers' ids.
    """
    require_lead_of_closed(viewer=viewer, wave=wave)
    paths = code_paths(programme=wave.programme)
    redactor = redactor_for(programme=wave.programme)
    questions = {item.id: item.text for item in wave.instrument.open_items}
    question_order = {item.id: index for index, item in enumerate(wave.instrument.open_items)}
    excerpts = list(
        Excerpt.objects.filter(wave=wave, status=status)
        .select_related("interview_note")
        .prefetch_related("assignments")
    )
    answer_items = dict(
        Answer.objects.filter(excerpts__wave=wave)
        .order_by()
        .values_list("pk", "item_id")
        .distinct()
    )

    def place(excerpt: Excerpt) -> tuple[int, int, str, int, int]:
        if excerpt.answer_id is None:
            return (1, 0, f"{excerpt.interview_note_id or 0:012d}", excerpt.start, excerpt.end)
        item_id = answer_items.get(excerpt.answer_id, "")
        return (
            0,
            question_order.get(item_id, len(question_order)),
            answer_ref(excerpt.answer_id),
            excerpt.start,
            excerpt.end,
        )

    excerpts.sort(key=place)
    rows = []
    for excerpt in excerpts:
        preview = release_preview(programme=wave.programme, text=excerpt.text, redactor=redactor)
        if excerpt.status == ReviewStatus.APPROVED:
            # What was stored at approval, with anything a later rule finds marked too.
            release_text = redactor.redact(excerpt.redacted_text)
            release = marked_segments(release_text)
        else:
            release_text, release = preview.text, preview.segments
        if excerpt.interview_note is not None:
            source: SourceKind = "interview"
            label = f"Interview: {excerpt.interview_note.title}"
        else:
            source = "answer"
            item_id = answer_items.get(excerpt.answer_id or 0, "")
            label = questions.get(item_id, item_id)
        rows.append(
            ReviewExcerpt(
                excerpt_id=excerpt.pk,
                source=source,
                source_label=label,
                text=excerpt.text,
                release_text=release_text,
                status=excerpt.status,
                status_label=excerpt.get_status_display(),
                codes=tuple(sorted(paths[a.code_id] for a in excerpt.assignments.all())),
                reviewed_at=excerpt.reviewed_at,
                passage=tuple(preview.automatic.segments()),
                release=release,
                redaction_summary=redaction_summary(release),
            )
        )
    return rows


def excerpt_for(*, viewer: Any, wave: Wave, excerpt_id: int) -> Excerpt:
    require_lead_of_closed(viewer=viewer, wave=wave)
    excerpt = Excerpt.objects.filter(wave=wave, pk=excerpt_id).first()
    if excerpt is None:
        raise ProgrammeNotFound("No such excerpt in this wave.")
    return excerpt
