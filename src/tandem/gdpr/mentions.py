"""Other people's words that name an erased person: the name goes (issue 14).

The full name and "title + surname" are replaced with "[name]" wherever others wrote them; a
surname alone may be a ward or a place, so those are only counted, for the lead to review. Each app
applies `replace_mentions` to the texts it keeps (surveys: open answers and interview notes;
coding: excerpts; workshops: feedback, observations, action updates).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

TITLES = ("dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sister", "nurse")
NAME_REMOVED = "[name]"
REPLACED = "texts by others naming them (name replaced)"
TO_REVIEW = "texts by others with their surname, left for the lead to review"


def mention_pattern(person: Any) -> re.Pattern[str] | None:
    """The person's full name, and a title with their surname ("Dr Hartley"), as whole words."""
    words = [w for w in re.split(r"\s+", person.name.strip()) if w]
    if words and words[0].rstrip(".").lower() in TITLES:
        words = words[1:]
    if not words:
        return None
    full = r"\s+".join(map(re.escape, words))
    titled = rf"(?:{'|'.join(TITLES)})\.?\s+{re.escape(words[-1])}"
    return re.compile(rf"\b(?:(?:{'|'.join(TITLES)})\.?\s+)?{full}\b|\b{titled}\b", re.I)


def surname(person: Any) -> str:
    words = person.name.split()
    return words[-1] if words else ""


def replace_mentions(person: Any, queryset: QuerySet[Any], fields: list[str]) -> dict[str, int]:
    """Replace the person's name in `fields` of the records; count bare surnames left for review.

    Candidates are found by the surname (portable across SQLite and PostgreSQL), then matched
    with the exact pattern in Python.
    """
    pattern = mention_pattern(person)
    last = surname(person)
    if pattern is None or not last:
        return {}
    candidates = Q()
    for name in fields:
        candidates |= Q(**{f"{name}__icontains": last})
    changed = possible = 0
    for record in queryset.filter(candidates):
        if any(pattern.search(getattr(record, name)) for name in fields):
            for name in fields:
                setattr(record, name, pattern.sub(NAME_REMOVED, getattr(record, name)))
            record.save(update_fields=fields)
            changed += 1
        if any(last.lower() in getattr(record, name).lower() for name in fields):
            possible += 1
    return {REPLACED: changed, TO_REVIEW: possible}
