"""What the surveys app holds about a person, for subject access and erasure."""

from __future__ import annotations

from typing import Any

from tandem.gdpr.builtin import ERASED_TEXT
from tandem.gdpr.mentions import replace_mentions
from tandem.gdpr.registry import GdprContext, Section
from tandem.gdpr.tables import rows


def export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.surveys.models import Answer, Invitation

    invitations = Invitation.objects.filter(participant__person=person).select_related("wave")
    answers = Answer.objects.filter(invitation__participant__person=person).select_related(
        "invitation__wave"
    )
    sections: dict[str, Section] = {
        "invitations": rows(
            invitations, ["wave__title", "status", "sent_at", "started_at", "submitted_at"]
        ),
    }
    # The lead may see who has responded, never what (docs/design.md): answers go only into the
    # export made for the person themselves.
    if context.include_confidential_notes:
        sections["answers"] = rows(
            answers, ["invitation__wave__title", "item_id", "value", "dont_know", "text", "source"]
        )
    elif answers.exists():
        context.notes.append(
            "Questionnaire answers are left out: nobody but the person may see them. The data "
            "protection officer's `tandem gdpr export` includes them."
        )
    return sections


def erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.surveys.models import Answer, InterviewNote

    # Numbers stay (the scale means and counts must not move); words go.
    mine = Answer.objects.filter(invitation__participant__person=person).exclude(text="")
    counts = {"open-text answers blanked": mine.update(text=ERASED_TEXT)}
    others = Answer.objects.exclude(invitation__participant__person=person)
    for found in (
        replace_mentions(person, others, ["text"]),
        replace_mentions(person, InterviewNote.objects.all(), ["text"]),
    ):
        for what, n in found.items():
            counts[what] = counts.get(what, 0) + n
    return counts
