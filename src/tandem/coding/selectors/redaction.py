"""What approving an excerpt would release: the passage redacted, and what was taken out."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from tandem.analysis.redaction import (
    NameRedactor,
    RedactedText,
    apply_redaction,
    phrase_spans,
)
from tandem.programmes.models import Person, Programme


def redactor_for(*, programme: Programme) -> NameRedactor:
    """A redactor for the names of everyone in the programme's organisation.

    The whole organisation rather than the programme alone: answers name colleagues outside the
    programme too (executives, finance staff), and Tandem knows them from the import.
    """
    names = Person.objects.filter(
        Q(organisation=programme.organisation) | Q(participations__programme=programme)
    ).values_list("name", flat=True)
    return NameRedactor.for_names(names)


# How the review page names what each placeholder stands for.
REDACTION_KINDS = {
    "[name]": ("name", "names"),
    "[email]": ("e-mail address", "e-mail addresses"),
    "[phone]": ("phone number", "phone numbers"),
    "[NHS number]": ("NHS number", "NHS numbers"),
    "[date]": ("date", "dates"),
    "[postcode]": ("postcode", "postcodes"),
    "[ward]": ("ward", "wards"),
    "[redacted]": ("word or phrase you chose", "words or phrases you chose"),
}


@dataclass(frozen=True)
class ReleasePreview:
    """What approving an excerpt would release, and what was taken out on the way.

    `segments` are the released text in pieces, each with whether it is a placeholder (for
    marking them on the page); `automatic` is the automatic redaction of the text the lead
    started from (its `segments()` show the words taken out beside their placeholders).
    """

    text: str
    segments: tuple[tuple[str, bool], ...]
    automatic: RedactedText
    lead_count: int
    edited: bool

    @property
    def automatic_count(self) -> int:
        return len(self.automatic.spans)

    @property
    def summary(self) -> str:
        return redaction_summary(self.segments)


def redaction_summary(segments: Iterable[tuple[str, bool]]) -> str:
    """What was taken out, in words ("2 names and 1 phone number taken out"); "" for nothing."""
    counts: dict[str, int] = defaultdict(int)
    for part, is_placeholder in segments:
        if is_placeholder:
            counts[part[: part.index("]") + 1]] += 1
    parts = [
        f"{counts[placeholder]} {one if counts[placeholder] == 1 else many}"
        for placeholder, (one, many) in REDACTION_KINDS.items()
        if counts.get(placeholder)
    ]
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{joined} taken out"


_MARKED = re.compile(
    "(?:" + "|".join(re.escape(p) for p in REDACTION_KINDS) + ")(?:['’]s(?!\\w)|(?<=s\\])['’])?"
)


def marked_segments(text: str) -> tuple[tuple[str, bool], ...]:
    """`text` in pieces, each with whether it is a placeholder ("[name]'s" is one piece)."""
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for match in _MARKED.finditer(text):
        if match.start() > cursor:
            pieces.append((text[cursor : match.start()], False))
        pieces.append((match.group(), True))
        cursor = match.end()
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return tuple(pieces)


def release_preview(
    *,
    programme: Programme,
    text: str,
    release_text: str = "",
    also_redact: Iterable[str] = (),
    redactor: NameRedactor | None = None,
) -> ReleasePreview:
    """The text approving would release: the lead's edit (or the passage), redacted
    automatically, then with the lead's own words and phrases taken out as "[redacted]".

    No viewer: the caller has found the excerpt through `excerpt_for`, which checks the lead.
    """
    redactor = redactor or redactor_for(programme=programme)
    edited = bool(release_text.strip())
    source = " ".join(release_text.split()) if edited else text
    automatic = apply_redaction(source, redactor.spans(source))
    lead = apply_redaction(automatic.text, phrase_spans(automatic.text, also_redact))
    return ReleasePreview(
        text=lead.text,
        segments=marked_segments(lead.text),
        automatic=automatic,
        lead_count=len(lead.spans),
        edited=edited,
    )
