"""A small codebook for the demo, with the baseline's open answers coded and approved.

Codes are applied by the phrases the synthetic answers use, the way an analyst would after
reading them; every excerpt is approved so that the feedback report's themes section has content.
"""

from __future__ import annotations

from django.db import transaction

from tandem.coding import selectors, services
from tandem.coding.models import Code
from tandem.coding.selectors.sources import open_answers
from tandem.surveys.models import Wave

# (code, parent, description, phrases that mark it)
CODES: tuple[tuple[str, str | None, str, tuple[str, ...]], ...] = (
    ("Working together", None, "How doctors and managers work as partners.", ()),
    (
        "Joint decisions",
        "Working together",
        "Decisions made, or not made, together.",
        ("agree the agenda", "decisions get made", "decides what", "who decides"),
    ),
    (
        "Honest communication",
        "Working together",
        "Speaking openly and early.",
        ("honest", "huddle", "told about"),
    ),
    ("Meetings", None, "How meetings run and what comes of them.", ("meeting", "meetings")),
    (
        "Pressures on the service",
        None,
        "Money, staffing and time.",
        ("budget", "agency", "staffing", "protected time"),
    ),
    (
        "Link to executives",
        None,
        "Contact with the executive team and the wider trust.",
        ("executive",),
    ),
)


@transaction.atomic
def seed_coding(*, wave: Wave) -> int:
    """Code and approve the wave's open answers; returns the number of excerpts made."""
    programme = wave.programme
    codes: dict[str, Code] = {}
    for name, parent, description, _ in CODES:
        codes[name] = services.code_create(
            programme=programme,
            name=name,
            description=description,
            parent=codes.get(parent) if parent else None,
        )
    # What the coding pages offer: the programme's own written answers (not a comparison group's).
    answers = open_answers(wave=wave)
    made = 0
    # As a lead would meet them on the coding pages: in the order of their references.
    for answer in sorted(answers, key=lambda answer: selectors.answer_ref(answer.pk)):
        lowered = answer.text.lower()
        chosen = [
            codes[name] for name, _, _, phrases in CODES if any(p in lowered for p in phrases)
        ]
        if not chosen:
            continue
        excerpt = services.excerpt_code(wave=wave, source=answer, quote="", codes=chosen)
        services.excerpt_approve(excerpt=excerpt, actor=None)
        made += 1
    return made
