"""Names: the people Tandem knows (`name_variants`, matched by `NameRedactor`) and the rules for
titles, named wards and names Tandem does not know (7–10 of the package's docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tandem.analysis.redaction.words import (
    ABBREVIATED_TITLES,
    APOSTROPHES,
    BEFORE_PERSON,
    BEFORE_TO,
    DATE_WORDS,
    DETERMINERS,
    HYPHENS,
    KEEP_WORDS,
    MONTH_NAMES,
    NAME_PLACEHOLDER,
    PARTICLES,
    POSSESSIVE,
    SAYING,
    SENTENCE_END,
    STOP_WORDS,
    TITLE_SET,
    WARD_PLACEHOLDER,
    WARD_ROLES,
    WORD_PATTERN,
    WORD_TITLES,
    Claim,
    fold_accents,
    name_lists,
)


def name_variants(name: str) -> set[str]:
    """The ways a person's name may be written: full, without middle names, first name, surname.

    Titles are stripped ("Dr Amara Okafor" → "Amara Okafor", "Amara", "Okafor"); the matcher
    allows any title before any variant. Parts of a double-barrelled surname count on their own
    ("Smith-Jones" → "Smith", "Jones"). Single letters (initials) are not names to search for.
    """
    tokens = [token.strip(",;:()") for token in name.split()]
    tokens = [token for token in tokens if token.strip(".")]
    while tokens and tokens[0].rstrip(".").lower() in TITLE_SET:
        tokens = tokens[1:]
    if not tokens:
        return set()
    words = [token.strip(".") for token in tokens]
    variants = {" ".join(tokens), words[0], words[-1], *words[1:-1]}
    if len(words) > 2:
        variants.add(f"{words[0]} {words[-1]}")
    for token in list(variants):
        if " " not in token:
            variants.update(part for part in re.split(f"[{HYPHENS}]", token) if part)
    return {
        variant
        for variant in variants
        if len(variant) >= 2 and variant.rstrip(".").lower() not in TITLE_SET
    }


def variant_pattern(variant: str) -> str:
    parts = []
    for char in variant:
        if char.isspace():
            parts.append(r"\s+")
        elif char in APOSTROPHES:
            parts.append(f"[{APOSTROPHES}]")
        elif char in HYPHENS:
            parts.append(f"[{HYPHENS}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int  # the end of the word without a possessive ending
    stop: int  # the end including a possessive ending ("Okafor's")
    text: str  # the word without a possessive ending
    possessive: str

    @cached_property
    def key(self) -> str:
        return fold_accents(self.text).lower()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper() and not self.acronym

    @property
    def acronym(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()

    @property
    def initial(self) -> bool:
        return len(self.text) == 1 and self.text.isupper()


def _words(masked: str) -> list[_Word]:
    words = []
    for match in WORD_PATTERN.finditer(masked):
        text = match.group()
        possessive = ""
        found = POSSESSIVE.search(text)
        if found and len(text) > 3:
            possessive, text = text[found.start() :], text[: found.start()]
        elif masked[match.end() : match.end() + 1] in set(APOSTROPHES) and text[-1] in "sS":
            after = masked[match.end() + 1 : match.end() + 2]
            if not (after.isalnum() or after == "_"):
                possessive = masked[match.end()]
        start = match.start()
        words.append(
            _Word(start, start + len(text), start + len(text) + len(possessive), text, possessive)
        )
    return words


class _Sentence:
    """Questions about the words of one masked text: what is between them, where sentences start."""

    def __init__(self, masked: str, words: list[_Word]) -> None:
        self.masked = masked
        self.words = words

    def gap(self, left: int, right: int) -> str:
        return self.masked[self.words[left].stop : self.words[right].start]

    def joined(self, left: int, right: int, *, dot: bool = False) -> bool:
        """Whether two neighbouring words are written as one name: a space or a hyphen between."""
        if right >= len(self.words) or left < 0:
            return False
        gap = self.gap(left, right)
        if "\x00" in gap:
            return False
        pattern = rf"\.?\s+|\.|[{HYPHENS}]" if dot else rf"[ \t]+|\s|[{HYPHENS}]"
        return re.fullmatch(pattern, gap) is not None

    def starts_sentence(self, index: int) -> bool:
        position = self.words[index].start - 1
        saw_newline = False
        while position >= 0 and (
            self.masked[position].isspace() or self.masked[position] == "\x00"
        ):
            saw_newline = saw_newline or self.masked[position] == "\n"
            position -= 1
        if position < 0 or saw_newline:
            return True
        return self.masked[position] in SENTENCE_END

    def previous_key(self, index: int, steps: int = 1) -> str:
        target = index - steps
        if target < 0:
            return ""
        gap = self.masked[self.words[target].stop : self.words[index - steps + 1].start]
        if "\x00" in gap or not re.fullmatch(r"\s+|,\s*", gap):
            return ""
        return self.words[target].key

    def next_key(self, index: int) -> str:
        if index + 1 >= len(self.words):
            return ""
        gap = self.gap(index, index + 1)
        return self.words[index + 1].key if re.fullmatch(r"\s+", gap) else ""


def _join_listed_hyphenated(masked: str, words: list[_Word], lists: Any) -> list[_Word]:
    """One word for a hyphenated name the lists hold as one ("Qay-yoom", "Abdul-rahman"): a
    hyphen ends a word, so its second part, in lower case, would otherwise be left behind."""
    joined: list[_Word] = []
    for word in words:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and not previous.possessive
            and len(masked[previous.stop : word.start]) == 1
            and masked[previous.stop] in HYPHENS
            and lists.listed(f"{previous.key}-{word.key}")
        ):
            text = masked[previous.start : word.end]
            joined[-1] = _Word(previous.start, word.end, word.stop, text, word.possessive)
            continue
        joined.append(word)
    return joined


def claim_names(masked: str, claim: Claim) -> None:
    """Rules 8–10 of the module docstring, over the words of the text not yet claimed."""
    lists = name_lists()
    words = _join_listed_hyphenated(masked, _words(masked), lists)
    sentence = _Sentence(masked, words)
    used = [False] * len(words)

    def take(first: int, last: int, placeholder: str) -> None:
        if any(used[first : last + 1]):
            return
        if claim(words[first].start, words[last].stop, placeholder + words[last].possessive):
            for index in range(first, last + 1):
                used[index] = True

    def name_word(index: int) -> bool:
        word = words[index]
        return (word.capitalised or word.acronym) and word.key not in STOP_WORDS

    # 8. A title and the name after it.
    for index, word in enumerate(words):
        abbreviated = word.key in ABBREVIATED_TITLES and not word.possessive
        if not (abbreviated or (word.text in WORD_TITLES and not word.possessive)):
            continue
        last = None
        probe = index + 1
        while probe < len(words):
            # A full stop may follow the title or an initial ("Dr. A. Khan"), not a name.
            dot = probe - 1 == index or words[probe - 1].initial
            if not sentence.joined(probe - 1, probe, dot=dot):
                break
            candidate = words[probe]
            if candidate.initial or (candidate.key in PARTICLES and candidate.text.islower()):
                probe += 1
                continue
            if name_word(probe) and candidate.key not in KEEP_WORDS:
                last = probe
            elif (
                abbreviated
                and last is None
                and candidate.text.islower()
                and candidate.key not in STOP_WORDS
                and candidate.key not in SAYING
                and candidate.key not in KEEP_WORDS
            ):
                last = probe  # "dr smith": one lower-case word after an abbreviated title
                break
            else:
                break
            if candidate.possessive or probe - index >= 5:
                break
            probe += 1
        if last is not None:
            take(index, last, NAME_PLACEHOLDER)

    # 9. Named wards.
    for index, word in enumerate(words):
        if used[index] or word.text not in {"Ward", "WARD"} or word.possessive:
            continue
        first = last = index
        probe = index - 1
        while probe >= 0 and index - probe <= 3:
            candidate = words[probe]
            if (
                used[probe]
                or not sentence.joined(probe, probe + 1)
                or not name_word(probe)
                or candidate.key in ABBREVIATED_TITLES
                or candidate.key in KEEP_WORDS
            ):
                break
            if probe < index - 1 and (
                candidate.possessive
                or (sentence.starts_sentence(probe) and not lists.listed(candidate.key))
            ):
                break
            first = probe
            probe -= 1
        if (
            first == index
            and index + 1 < len(words)
            and not used[index + 1]
            and sentence.joined(index, index + 1)
            and name_word(index + 1)
            and words[index + 1].key not in WARD_ROLES
        ):
            last = index + 1
        if (first, last) != (index, index):
            take(first, last, WARD_PLACEHOLDER)

    # 10. Names not known to Tandem.
    def listed_name(index: int) -> bool:
        word = words[index]
        return word.capitalised and lists.listed(word.key) and word.key not in KEEP_WORDS

    def month_in_a_date(index: int) -> bool:
        previous = sentence.previous_key(index)
        following = sentence.next_key(index)
        return (
            previous in DATE_WORDS
            or following in DATE_WORDS
            or re.match(r"\s+\d", sentence.masked[words[index].stop :]) is not None
        )

    def saint(index: int) -> bool:
        return (
            index > 0
            and words[index - 1].key in {"st", "saint"}
            and sentence.joined(index - 1, index, dot=True)
        )

    def is_name(index: int) -> bool:
        word = words[index]
        if used[index] or word.key in KEEP_WORDS or saint(index):
            return False
        if word.acronym:
            # "SARAH SAID SO": a listed name in capitals, long enough not to be an acronym.
            return len(word.text) >= 4 and lists.listed(word.key) and word.key not in lists.common
        if not word.capitalised:
            return False
        if word.key in MONTH_NAMES and month_in_a_date(index):
            return False
        initial = sentence.starts_sentence(index)
        common = word.key in lists.common or word.key in STOP_WORDS
        following = index + 1 < len(words) and sentence.joined(index, index + 1)
        says = sentence.next_key(index) in SAYING
        if lists.listed(word.key):
            if not common or word.possessive:
                return True
            if initial:
                return says or (following and not word.possessive and listed_name(index + 1))
            # "Long Covid", "Winter Plan": a common word that starts a proper-noun phrase.
            next_capitalised = following and (
                words[index + 1].capitalised or words[index + 1].acronym
            )
            return not next_capitalised or listed_name(index + 1)
        before = sentence.previous_key(index)
        if common or word.key in TITLE_SET or before in DETERMINERS:
            return False
        after_to = before == "to" and sentence.previous_key(index, 2) in BEFORE_TO
        return says or before in BEFORE_PERSON or after_to

    def extends(index: int) -> bool:
        if index >= len(words) or used[index]:
            return False
        word = words[index]
        if word.key in PARTICLES:
            return index + 1 < len(words) and words[index + 1].capitalised
        return (
            word.capitalised
            and word.key not in KEEP_WORDS
            and word.key not in STOP_WORDS
            and word.key not in MONTH_NAMES
            and word.text not in {"Ward"}
        )

    index = 0
    while index < len(words):
        if not is_name(index):
            index += 1
            continue
        first = last = index
        # A capitalised word just before a surname is the given name ("Priya Jenkins").
        if (
            index > 0
            and not words[index - 1].possessive
            and sentence.joined(index - 1, index)
            and extends(index - 1)
            and not (
                sentence.starts_sentence(index - 1)
                and (words[index - 1].key in lists.common or not lists.listed(words[index - 1].key))
            )
        ):
            first = index - 1
        while (
            not words[last].possessive
            and sentence.joined(last, last + 1)
            and extends(last + 1)
            and (words[last + 1].key not in PARTICLES or extends(last + 2))
            and last - first < 3
        ):
            last += 1
        take(first, last, NAME_PLACEHOLDER)
        index = last + 1
