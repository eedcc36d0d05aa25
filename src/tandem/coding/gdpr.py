"""What the coding app holds about a person, for subject access and erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tandem.gdpr.mentions import NAME_REMOVED, REPLACED, mention_pattern, surname
from tandem.gdpr.registry import GdprContext, Section
from tandem.gdpr.tables import rows


def export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.coding.models import Excerpt

    excerpts = Excerpt.objects.filter(answer__invitation__participant__person=person)
    if not context.include_confidential_notes:
        # The lead codes written answers without knowing who wrote them; a list of this person's
        # coded passages would tie their anonymous words to their name.
        if excerpts.exists():
            context.notes.append(
                "Coded passages of their written answers are left out: the programme lead codes "
                "answers without knowing who wrote them. The data protection officer's "
                "`tandem gdpr export` includes them."
            )
        return {}
    return {"coded_excerpts": rows(excerpts, ["wave__title", "text", "status", "redacted_text"])}


def erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.coding.models import Excerpt

    # The passages' words go; the excerpts and their codes stay, so the theme counts that
    # reports have shown do not move (a count that dropped would say which themes were theirs).
    mine = Excerpt.objects.filter(answer__invitation__participant__person=person)
    counts = {"coded excerpts blanked": mine.update(text="", redacted_text="")}
    # Others' passages that name them: the name goes, and the passage is found again in its
    # source (whose name surveys replaced first), so that exports keep it.
    pattern, last = mention_pattern(person), surname(person)
    changed = 0
    if pattern is not None and last:
        for excerpt in Excerpt.objects.filter(
            Q(text__icontains=last) | Q(redacted_text__icontains=last)
        ).select_related("answer", "interview_note"):
            if not (pattern.search(excerpt.text) or pattern.search(excerpt.redacted_text)):
                continue
            excerpt.text = pattern.sub(NAME_REMOVED, excerpt.text)
            excerpt.redacted_text = pattern.sub(NAME_REMOVED, excerpt.redacted_text)
            origin = excerpt.answer or excerpt.interview_note
            source = origin.text if origin is not None else ""
            start = source.find(excerpt.text) if excerpt.text else -1
            if start >= 0:
                excerpt.start, excerpt.end = start, start + len(excerpt.text)
            excerpt.save(update_fields=["text", "redacted_text", "start", "end"])
            changed += 1
    counts[REPLACED] = changed
    return counts
