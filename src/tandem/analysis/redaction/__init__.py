"""Redaction of people and contact details from free text, before it is quoted or exported.

`NameRedactor` replaces, in this order (an earlier rule's span is never cut by a later one):

1. placeholders already in the text ("[name]", …) are left as they are, so redacting twice
   changes nothing (idempotence, tested with hypothesis);
2. e-mail addresses → "[email]";
3. NHS numbers (10 digits as 3-3-4 or one run, passing the modulus 11 check) → "[NHS number]";
4. dates with a day and a month (12/03/1971, 1971-03-12, 12 March 1971, 12th of March, March 12,
   1971) and a year written after "born", "DOB" or "date of birth" → "[date]" (a date of birth
   cannot be told from another date by its form; a month and a year, "March 2025", stays);
5. UK postcodes (M1 1AE, SW1A 1AA) → "[postcode]";
6. extensions and bleeps, and phone numbers (9–15 digits with spaces, dots, hyphens, +44 and an
   area code in brackets: 07700 900123, +44 7700 900123, (01632) 960 001) → "[phone]";
7. the names of the people Tandem knows (the organisation's people and the programme's
   participants), in any case, with or without a title (`name_variants`) → "[name]";
8. a title or honorific and the name after it — Dr, Mr, Mrs, Ms, Mx, Prof, Revd, Cllr in any
   case and with or without a full stop ("dr smith", "Prof. Patel"); Doctor, Professor, Sister,
   Nurse, Matron, Miss, Sir, Dame, Lord, Lady, Father only capitalised and before a capitalised
   word ("Sister Mary", but not "my sister said") → "[name]";
9. named wards: a capitalised word before or after "Ward" ("Laurel Ward", "Ward Jenner") →
   "[ward]". Wards are often named after people (Jenner, Fleming, Nightingale), which no rule can
   tell from a person, and a ward places the writer in a small team; numbered wards ("Ward 7")
   stay;
10. personal names that Tandem does not know (`names.claim_names`): a capitalised word on the
    shipped lists of given names and surnames (`words.name_lists`: data/names.yaml, built by
    tools/build_name_lists.py, which names its sources), or an unknown
    capitalised word where only a person fits ("I asked Chidi", "Chidi said"), with the
    capitalised name words next to it ("Sarah Jenkins") → "[name]".

Rule 10 errs towards removing too much, within limits that keep the words the quotations are
about: a listed name that is also an English word ("Grace", "Long", "Winter") counts as a name in
the middle of a sentence unless it starts a proper-noun phrase ("Long Covid", "Winter Plan"), but
at the start of a sentence only before another name or a verb of saying ("Grace said"); a word
in capitals is an acronym (NHS, CAMHS, NICE) unless it is a listed name of four letters or more
that is no English word ("SARAH"); organisational and group words ("the Trust", "Crisis Team",
"Finance said", "Staff told me"), weekdays and months in a date ("in May", "June 2025") are never
names on their own; a saint's name is a place ("St Mary's"). What it over-redacts, knowingly:
capitalised words that are also names ("Bank staff", "Francis Report", "Devon"), wards, and
every date with a day in it. What it misses:
an unknown name with no title, outside the lists and with no verb of saying next to it, and
names written in lower case ("sarah told me") unless Tandem knows the person. The lead reviews
every excerpt before release, sees what was taken out, and can take out more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from tandem.analysis.redaction.names import claim_names, name_variants, variant_pattern
from tandem.analysis.redaction.patterns import claim_patterns, nhs_number_is_valid
from tandem.analysis.redaction.words import (
    APOSTROPHES,
    DATE_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    LEAD_PLACEHOLDER,
    NAME_PLACEHOLDER,
    NHS_NUMBER_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    PLACEHOLDER_PATTERN,
    PLACEHOLDERS,
    POSTCODE_PLACEHOLDER,
    TITLES,
    WARD_PLACEHOLDER,
    WORD_PATTERN,
    NameLists,
    fold_accents,
    fold_char,
    name_lists,
)

__all__ = [
    "DATE_PLACEHOLDER",
    "EMAIL_PLACEHOLDER",
    "LEAD_PLACEHOLDER",
    "NAME_PLACEHOLDER",
    "NHS_NUMBER_PLACEHOLDER",
    "PHONE_PLACEHOLDER",
    "PLACEHOLDERS",
    "POSTCODE_PLACEHOLDER",
    "TITLES",
    "WARD_PLACEHOLDER",
    "NameLists",
    "NameRedactor",
    "RedactedText",
    "RedactionSpan",
    "apply_redaction",
    "fold_accents",
    "name_lists",
    "name_variants",
    "nhs_number_is_valid",
    "phrase_spans",
    "placeholder_free",
    "redact",
    "redact_phrases",
    "redacted_name_words",
    "redaction_spans",
]


@dataclass(frozen=True)
class RedactionSpan:
    """Characters `start`–`end` (end exclusive) of the original text, to be replaced."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class NameRedactor:
    """Redacts people and their contact details from texts (the rules: the module docstring).

    `names` are the people Tandem knows (any title, any case). Build one per programme and reuse
    it: the names are compiled into one regular expression. The longest variant wins ("Dr Amara
    Okafor" becomes one "[name]", not three); a possessive ending is kept ("Okafor's" →
    "[name]'s").
    """

    names: tuple[str, ...] = ()

    @classmethod
    def for_names(cls, names: Iterable[str]) -> NameRedactor:
        return cls(names=tuple(sorted({name.strip() for name in names if name and name.strip()})))

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        variants: set[str] = set()
        for name in self.names:
            variants |= name_variants(name)
        if not variants:
            return None
        # Longest first, so that the alternation prefers "Amara Okafor" to "Amara".
        # Accents are folded on both sides: a roster's "Zoë" is often typed "Zoe", and vice versa.
        folded = {fold_accents(v) for v in variants}
        alternation = "|".join(
            variant_pattern(v) for v in sorted(folded, key=lambda v: (-len(v), v))
        )
        titles = "|".join(sorted(TITLES, key=len, reverse=True))
        return re.compile(
            rf"(?<!\w)(?:(?:{titles})\.?\s+)?(?:{alternation})"
            rf"(?P<possessive>[{APOSTROPHES}]s(?!\w)|(?<=[sS])[{APOSTROPHES}](?!\w))?(?!\w)",
            re.IGNORECASE,
        )

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word of the known people's names, lower case and folded: never a theme term."""
        found: set[str] = set()
        for name in self.names:
            for variant in name_variants(name):
                found.update(fold_accents(w).lower() for w in WORD_PATTERN.findall(variant))
        return frozenset(found)

    def spans(self, text: str) -> list[RedactionSpan]:
        """What to replace in `text`, in order and never overlapping."""
        spans: list[RedactionSpan] = []
        taken = bytearray(len(text))

        def claim(start: int, end: int, replacement: str | None) -> bool:
            if start >= end or any(taken[start:end]):
                return False
            taken[start:end] = b"\x01" * (end - start)
            if replacement is not None:
                spans.append(RedactionSpan(start, end, replacement))
            return True

        for match in PLACEHOLDER_PATTERN.finditer(text):
            claim(match.start(), match.end(), None)
        # E-mail addresses before names: they contain names ("amara.okafor@…") that would
        # otherwise be replaced piecemeal, leaving the domain behind.
        claim_patterns(text, claim)

        def masked() -> str:
            # Same length as the text, so offsets agree; the parts already claimed are blanked
            # out ("Amara okafor@trust.example" still loses "Amara").
            return "".join("\x00" if taken[i] else fold_char(c) for i, c in enumerate(text))

        pattern = self._pattern
        if pattern is not None:
            for match in pattern.finditer(masked()):
                possessive = match.group("possessive") or ""
                claim(match.start(), match.end(), NAME_PLACEHOLDER + possessive)
        claim_names(masked(), claim)
        return sorted(spans, key=lambda span: span.start)

    def redact(self, text: str) -> str:
        return apply_redaction(text, self.spans(text)).text

    def is_name_term(self, term: str) -> bool:
        """Whether a lower-case word (a theme term) is, or is part of, a name on the lists or of
        a person Tandem knows: such a word never labels a theme."""
        key = fold_accents(term).lower()
        lists = name_lists()
        return key in self.known_words or (lists.listed(key) and key not in lists.common)


@dataclass(frozen=True)
class RedactedText:
    """A redacted text and the spans replaced, to move positions from the original into it."""

    original: str
    text: str
    spans: tuple[RedactionSpan, ...]

    def position(self, original_position: int, *, is_end: bool = False) -> int:
        """Where a position of the original text falls in the redacted text.

        A position inside a replaced span moves to the span's start (or, for the end of a
        selection, its end), so a coded passage that began or ended inside a name still covers
        the whole "[name]".
        """
        shift = 0
        for span in self.spans:
            new_start = span.start + shift
            if original_position <= span.start:
                break
            if original_position < span.end:
                return new_start + len(span.replacement) if is_end else new_start
            shift += len(span.replacement) - (span.end - span.start)
        return original_position + shift

    def segments(self) -> list[tuple[str, str | None]]:
        """The original text in pieces, each with its replacement (None where it is kept): for
        a page that shows what was taken out and what replaced it."""
        pieces: list[tuple[str, str | None]] = []
        cursor = 0
        for span in self.spans:
            if span.start > cursor:
                pieces.append((self.original[cursor : span.start], None))
            pieces.append((self.original[span.start : span.end], span.replacement))
            cursor = span.end
        if cursor < len(self.original):
            pieces.append((self.original[cursor:], None))
        return pieces


def apply_redaction(text: str, spans: Sequence[RedactionSpan]) -> RedactedText:
    pieces = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor : span.start])
        pieces.append(span.replacement)
        cursor = span.end
    pieces.append(text[cursor:])
    return RedactedText(original=text, text="".join(pieces), spans=tuple(spans))


def redaction_spans(text: str, names: Iterable[str]) -> list[RedactionSpan]:
    """The spans `redact` replaces. See `NameRedactor` for the rules."""
    return NameRedactor.for_names(names).spans(text)


def redact(text: str, names: Iterable[str]) -> str:
    """`text` with people, e-mail addresses, phone and NHS numbers, dates, postcodes and named
    wards replaced (see the module docstring). For many texts, build a `NameRedactor` once."""
    return NameRedactor.for_names(names).redact(text)


def phrase_spans(text: str, phrases: Iterable[str]) -> list[RedactionSpan]:
    """Where the lead's own phrases occur in `text` (any case, whole words, any spacing)."""
    wanted = sorted(
        {" ".join(p.split()) for p in phrases if p and p.strip()}, key=lambda p: (-len(p), p)
    )
    wanted = [p for p in wanted if p not in PLACEHOLDERS]
    if not wanted:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(variant_pattern(fold_accents(p)) for p in wanted) + r")(?!\w)",
        re.IGNORECASE,
    )
    folded = fold_accents(text)
    spans = []
    for match in pattern.finditer(folded):
        if PLACEHOLDER_PATTERN.fullmatch(text[match.start() : match.end()]):
            continue
        spans.append(RedactionSpan(match.start(), match.end(), LEAD_PLACEHOLDER))
    return spans


def redact_phrases(text: str, phrases: Iterable[str]) -> str:
    """`text` with each of the lead's phrases replaced by "[redacted]"."""
    return apply_redaction(text, phrase_spans(text, phrases)).text


def placeholder_free(text: str) -> str:
    """`text` with the placeholders blanked out (for counting words: "[name]" is not a word)."""
    return PLACEHOLDER_PATTERN.sub(" ", text)


def redacted_name_words(text: str, spans: Iterable[RedactionSpan]) -> set[str]:
    """The words (lower case, accents folded) that `spans` took out of `text` as names or wards."""
    found: set[str] = set()
    for span in spans:
        if span.replacement.startswith((NAME_PLACEHOLDER, WARD_PLACEHOLDER)):
            found.update(
                fold_accents(w).lower() for w in WORD_PATTERN.findall(text[span.start : span.end])
            )
    return found
