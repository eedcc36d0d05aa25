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
10. personal names that Tandem does not know (`_listed_names`): a capitalised word on the shipped
    lists of given names and surnames (data/names.yaml, with its sources), or an unknown
    capitalised word where only a person fits ("I asked Chidi", "Chidi said"), with the
    capitalised name words next to it ("Sarah Jenkins") → "[name]".

Rule 10 errs towards removing too much, within limits that keep the words the quotations are
about: a listed name that is also an English word ("Grace", "Long", "Winter") counts as a name in
the middle of a sentence unless it starts a proper-noun phrase ("Long Covid", "Winter Plan"), but
at the start of a sentence only before another name or a verb of saying ("Grace said"); a
capitalised word in all capitals is an acronym (NHS, CAMHS); organisational and group words
("the Trust", "Crisis Team", "Finance said", "Staff told me"), weekdays and months in a date
("in May") are never names on their own; a saint's name is a place ("St Mary's"). What it misses:
an unknown name with no title, outside the lists and with no verb of saying next to it, and
names written in lower case ("sarah told me") unless Tandem knows the person. The lead reviews
every excerpt before release, sees what was taken out, and can take out more.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Protocol

NAME_PLACEHOLDER = "[name]"
EMAIL_PLACEHOLDER = "[email]"
PHONE_PLACEHOLDER = "[phone]"
NHS_NUMBER_PLACEHOLDER = "[NHS number]"
DATE_PLACEHOLDER = "[date]"
POSTCODE_PLACEHOLDER = "[postcode]"
WARD_PLACEHOLDER = "[ward]"
# What the lead's own redactions become (`redact_phrases`).
LEAD_PLACEHOLDER = "[redacted]"
PLACEHOLDERS = (
    NAME_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    NHS_NUMBER_PLACEHOLDER,
    DATE_PLACEHOLDER,
    POSTCODE_PLACEHOLDER,
    WARD_PLACEHOLDER,
    LEAD_PLACEHOLDER,
)
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))

# Titles that may stand before a name in a roster or in what people write ("Dr Okafor").
TITLES = ("Dr", "Doctor", "Prof", "Professor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Sir", "Dame")
_TITLE_SET = {title.lower() for title in TITLES}
# Abbreviations are titles in any case ("dr smith"); the words below are titles only when
# capitalised and before a capitalised word, because they are also ordinary words ("my sister").
_ABBREVIATED_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "prof", "revd", "rev", "cllr", "sr", "mstr"}
)
_WORD_TITLES = frozenset(
    {
        "Doctor",
        "Professor",
        "Sister",
        "Nurse",
        "Matron",
        "Miss",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Father",
        "Reverend",
        "Mister",
        "Madam",
    }
)
_APOSTROPHES = "'’‘`"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_HYPHENS = "-‐‑–"

_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone-number-like run: optional +country code and (area code), then digits with single
# spaces, dots or hyphens between them. Only runs with 9–15 digits count (UK numbers have 10 or
# 11), so years and money are left alone.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d(?:[ .-]?\d){5,16}(?![\w])"
)
# Internal extensions and bleeps identify a person in a hospital as surely as a phone number.
_EXTENSION = re.compile(
    r"(?<!\w)(?:ext(?:ension|n)?|bleep|pager)\.?:?\s*(?:no\.?\s*)?\d{3,6}(?!\w)", re.I
)
_MIN_PHONE_DIGITS = 9
_MAX_PHONE_DIGITS = 15
_NHS_NUMBER = re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w])")

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATES = (
    # 12/03/1971, 12-03-71, 12.03.1971 (day and month in either order: both are checked below)
    re.compile(r"(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|\.\d)"),
    # 1971-03-12
    re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-]|\.\d)"),
    # 12 March 1971, 12th of March, 12 Mar. '71
    re.compile(
        rf"(?<!\w){_DAY}(?:\s+of)?\s+(?P<month>{_MONTHS})\.?(?:,?\s+(?:\d{{4}}|['’]\d{{2}}))?(?!\w)",
        re.I,
    ),
    # March 12, 1971 / March 12th
    re.compile(rf"(?<!\w)(?P<month>{_MONTHS})\.?\s+{_DAY}(?:,?\s+\d{{4}})?(?![\w%])", re.I),
    # born in 1971, DOB: 1971, date of birth 1971
    re.compile(
        r"(?:(?<=\bborn\s)|(?<=\bborn\sin\s)|(?<=\bdob\s)|(?<=\bdob:\s)|(?<=\bd\.o\.b\.\s)"
        r"|(?<=\bbirth\s)|(?<=\bbirth:\s))(?:19|20)\d{2}(?!\w)",
        re.I,
    ),
)
# Outward code, optional space, inward code (the inward code never uses C, I, K, M, O or V).
_POSTCODE = re.compile(r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}(?![\w])", re.I)

# Words: letters with apostrophes inside (O'Neill, Okafor's); hyphens end a word, so that
# "Smith-Jones" is two words joined and "Smith-led" loses "Smith".
_WORD = re.compile(rf"[^\W\d_]+(?:[{_APOSTROPHES}][^\W\d_]+)*")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$", re.I)
_SENTENCE_END = set('.!?;:"“”‘’([*•–—')
_PARTICLES = frozenset(
    {"de", "da", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "al", "el", "ap"}
)
_MONTH_NAMES = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
# Before a month, these make it a month ("in May", "by June 2026") rather than a person.
_DATE_WORDS = frozenset(
    {
        "in",
        "on",
        "of",
        "since",
        "until",
        "till",
        "by",
        "from",
        "during",
        "early",
        "mid",
        "late",
        "last",
        "next",
        "this",
        "end",
        "before",
        "after",
        "every",
        "each",
        "through",
        "to",
        "and",
        "or",
        "between",
    }
)
# Organisational and group words: never a person on their own, even capitalised or before "said"
# ("Finance said", "the Trust", "Crisis Team"). A title before them still makes a name.
_KEEP_WORDS = _word_set(
    """
    trust trusts team teams board boards service services unit units department departments
    directorate directorates division divisions committee committees group groups finance estates
    hr pharmacy hospital hospitals practice practices centre centres center clinic clinics
    executive executives council government management commissioners governance audit quality
    safety operations workforce corporate clinical medical nursing surgery surgical medicine
    crisis community outpatients theatres theatre radiology pathology emergency acute mental
    health care social primary secondary staff consultant consultants doctors managers manager
    nurses colleagues colleague people patients patient clinicians clinician juniors seniors
    registrars registrar leadership partners partner admin reception everyone everybody nobody
    somebody someone they we i you he she it our my their your his her leads lead director
    directors chair chief officer officers sponsor sponsors coach coaches programme network
    monday tuesday wednesday thursday friday saturday sunday january february march july
    september october november december christmas easter covid england wales scotland ireland
    british english irish welsh scottish nhs god yes no ok okay thanks thank dear hello hi
    """
)
_SAYING = _word_set(
    """
    said says told tells asked asks thinks thought explained explains agreed agrees wants wanted
    felt feels suggested suggests mentioned mentions emailed emails rang rings phoned phones
    called calls replied replies insisted insists decided decides believes believed argued argues
    noted notes claimed claims admitted admits complained complains shouted reckons reckoned
    promised promises refused refuses
    """
)
# Verbs after which a capitalised word is a person ("I asked Chidi", "we spoke to Chidi").
_BEFORE_PERSON = _word_set(
    "told asked thanked emailed rang phoned met messaged texted contacted ask tell thank email ring phone meet message text contact asking telling emailing"
)
_BEFORE_TO = _word_set(
    "spoke speak speaks speaking spoken talked talk talks talking according thanks wrote write writes listened listen"
)
# An unknown capitalised word after these is a thing ("the Report said"), not a person.
_DETERMINERS = _word_set("the a an this that these those our their his her my your its")
# After "Ward" these are roles, not the ward's name ("Ward Sister Mary": the title rule).
_WARD_ROLES = _word_set(
    "sister sisters manager managers clerk clerks round rounds staff nurse nurses matron"
)
_STOP_WORDS = _word_set(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand behind
    being below beside besides between beyond both bottom but by can cannot could do done down
    due during each either else elsewhere enough etc even ever every everyone everything
    everywhere except few first for former formerly from further get give go had has have he hence
    her here hers herself him himself his how however i ie if in indeed into is it its itself keep
    last latter least less made many may me meanwhile might more moreover most mostly move much
    must my myself namely neither never nevertheless next no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out
    over own part per perhaps please put rather re same see seem seemed seeming seems several she
    should since so some somehow someone something sometime sometimes somewhere still such take
    than that the their them themselves then there thereafter thereby therefore therein these they
    this those though through throughout thus to together too toward towards under until up upon
    us very via was we well were what whatever when whenever where whereas whether which while who
    whoever whole whom whose why will with within without would yet you your yours yourself
    yourselves what's it's i'm we're don't didn't doesn't can't won't isn't wasn't
    """
)


@dataclass(frozen=True)
class RedactionSpan:
    """Characters `start`–`end` (end exclusive) of the original text, to be replaced."""

    start: int
    end: int
    replacement: str


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0] if decomposed else char


def fold_accents(text: str) -> str:
    """`text` with accents removed, one character for one ("Siobhán" → "Siobhan"), so that
    positions in the folded text are positions in the original."""
    return "".join(_fold_char(char) for char in text)


@dataclass(frozen=True)
class NameLists:
    given: frozenset[str]
    surnames: frozenset[str]
    common: frozenset[str]
    source: str

    def listed(self, word: str) -> bool:
        return word in self.given or word in self.surnames


@cache
def name_lists() -> NameLists:
    """The shipped lists (lower case, accents folded): `data/names.yaml`, built by
    `tools/build_name_lists.py`, which says where each list comes from."""
    import yaml

    text = resources.files("tandem.analysis").joinpath("data/names.yaml").read_text("utf-8")
    data = yaml.safe_load(text)

    def lowered(key: str) -> frozenset[str]:
        return frozenset(fold_accents(str(name)).lower() for name in data[key])

    return NameLists(
        given=lowered("given_names"),
        surnames=lowered("surnames"),
        common=lowered("common_words"),
        source=str(data["source"]),
    )


def name_variants(name: str) -> set[str]:
    """The ways a person's name may be written: full, without middle names, first name, surname.

    Titles are stripped ("Dr Amara Okafor" → "Amara Okafor", "Amara", "Okafor"); the matcher
    allows any title before any variant. Parts of a double-barrelled surname count on their own
    ("Smith-Jones" → "Smith", "Jones"). Single letters (initials) are not names to search for.
    """
    tokens = [token.strip(",;:()") for token in name.split()]
    tokens = [token for token in tokens if token.strip(".")]
    while tokens and tokens[0].rstrip(".").lower() in _TITLE_SET:
        tokens = tokens[1:]
    if not tokens:
        return set()
    words = [token.strip(".") for token in tokens]
    variants = {" ".join(tokens), words[0], words[-1], *words[1:-1]}
    if len(words) > 2:
        variants.add(f"{words[0]} {words[-1]}")
    for token in list(variants):
        if " " not in token:
            variants.update(part for part in re.split(f"[{_HYPHENS}]", token) if part)
    return {
        variant
        for variant in variants
        if len(variant) >= 2 and variant.rstrip(".").lower() not in _TITLE_SET
    }


def _variant_pattern(variant: str) -> str:
    parts = []
    for char in variant:
        if char.isspace():
            parts.append(r"\s+")
        elif char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]")
        elif char in _HYPHENS:
            parts.append(f"[{_HYPHENS}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number check digit (modulus 11): weights 10 down to 2 on the first nine digits,
    check = 11 − (sum mod 11), 11 → 0, and 10 never issued (NHS Data Dictionary, "NHS Number")."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _valid_numeric_date(match: re.Match[str]) -> bool:
    groups = match.groups()
    if len(groups) == 4:  # d/m/y or m/d/y
        first, second = int(groups[0]), int(groups[2])
        return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)
    _, month, day = (int(g) for g in groups)
    return 1 <= month <= 12 and 1 <= day <= 31


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
    for match in _WORD.finditer(masked):
        text = match.group()
        possessive = ""
        found = _POSSESSIVE.search(text)
        if found and len(text) > 3:
            possessive, text = text[found.start() :], text[: found.start()]
        elif masked[match.end() : match.end() + 1] in set(_APOSTROPHES) and text[-1] in "sS":
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
        pattern = rf"\.?\s+|\.|[{_HYPHENS}]" if dot else rf"[ \t]+|\s|[{_HYPHENS}]"
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
        return self.masked[position] in _SENTENCE_END

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
            _variant_pattern(v) for v in sorted(folded, key=lambda v: (-len(v), v))
        )
        titles = "|".join(sorted(TITLES, key=len, reverse=True))
        return re.compile(
            rf"(?<!\w)(?:(?:{titles})\.?\s+)?(?:{alternation})"
            rf"(?P<possessive>[{_APOSTROPHES}]s(?!\w)|(?<=[sS])[{_APOSTROPHES}](?!\w))?(?!\w)",
            re.IGNORECASE,
        )

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word of the known people's names, lower case and folded: never a theme term."""
        found: set[str] = set()
        for name in self.names:
            for variant in name_variants(name):
                found.update(fold_accents(w).lower() for w in _WORD.findall(variant))
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

        for match in _PLACEHOLDER.finditer(text):
            claim(match.start(), match.end(), None)
        # E-mail addresses before names: they contain names ("amara.okafor@…") that would
        # otherwise be replaced piecemeal, leaving the domain behind.
        for match in _EMAIL.finditer(text):
            claim(match.start(), match.end(), EMAIL_PLACEHOLDER)
        for match in _NHS_NUMBER.finditer(text):
            if nhs_number_is_valid(re.sub(r"\D", "", match.group())):
                claim(match.start(), match.end(), NHS_NUMBER_PLACEHOLDER)
        for number, date_pattern in enumerate(_DATES):
            for match in date_pattern.finditer(text):
                if number < 2 and not _valid_numeric_date(match):
                    continue
                if "month" in date_pattern.groupindex and match.group("month") == "may":
                    continue  # "12 may attend": the verb, not the month
                claim(match.start(), match.end(), DATE_PLACEHOLDER)
        for match in _POSTCODE.finditer(text):
            claim(match.start(), match.end(), POSTCODE_PLACEHOLDER)
        for match in _EXTENSION.finditer(text):
            claim(match.start(), match.end(), PHONE_PLACEHOLDER)
        for match in _PHONE.finditer(text):
            digits = sum(char.isdigit() for char in match.group())
            if _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
                claim(match.start(), match.end(), PHONE_PLACEHOLDER)

        def masked() -> str:
            # Same length as the text, so offsets agree; the parts already claimed are blanked
            # out ("Amara okafor@trust.example" still loses "Amara").
            return "".join("\x00" if taken[i] else _fold_char(c) for i, c in enumerate(text))

        pattern = self._pattern
        if pattern is not None:
            for match in pattern.finditer(masked()):
                possessive = match.group("possessive") or ""
                claim(match.start(), match.end(), NAME_PLACEHOLDER + possessive)
        _rule_spans(masked(), claim)
        return sorted(spans, key=lambda span: span.start)

    def redact(self, text: str) -> str:
        return apply_redaction(text, self.spans(text)).text

    def is_name_term(self, term: str) -> bool:
        """Whether a lower-case word (a theme term) is, or is part of, a name on the lists or of
        a person Tandem knows: such a word never labels a theme."""
        key = fold_accents(term).lower()
        lists = name_lists()
        return key in self.known_words or (lists.listed(key) and key not in lists.common)


class _Claim(Protocol):
    def __call__(self, start: int, end: int, replacement: str | None) -> bool: ...


def _rule_spans(masked: str, claim: _Claim) -> None:
    """Rules 8–10 of the module docstring, over the words of the text not yet claimed."""
    words = _words(masked)
    sentence = _Sentence(masked, words)
    lists = name_lists()
    used = [False] * len(words)

    def take(first: int, last: int, placeholder: str) -> None:
        if any(used[first : last + 1]):
            return
        if claim(words[first].start, words[last].stop, placeholder + words[last].possessive):
            for index in range(first, last + 1):
                used[index] = True

    def name_word(index: int) -> bool:
        word = words[index]
        return (word.capitalised or word.acronym) and word.key not in _STOP_WORDS

    # 8. A title and the name after it.
    for index, word in enumerate(words):
        abbreviated = word.key in _ABBREVIATED_TITLES and not word.possessive
        if not (abbreviated or (word.text in _WORD_TITLES and not word.possessive)):
            continue
        last = None
        probe = index + 1
        while probe < len(words):
            # A full stop may follow the title or an initial ("Dr. A. Khan"), not a name.
            dot = probe - 1 == index or words[probe - 1].initial
            if not sentence.joined(probe - 1, probe, dot=dot):
                break
            candidate = words[probe]
            if candidate.initial or (candidate.key in _PARTICLES and candidate.text.islower()):
                probe += 1
                continue
            if name_word(probe) and candidate.key not in _KEEP_WORDS:
                last = probe
            elif (
                abbreviated
                and last is None
                and candidate.text.islower()
                and candidate.key not in _STOP_WORDS
                and candidate.key not in _SAYING
                and candidate.key not in _KEEP_WORDS
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
                or candidate.key in _ABBREVIATED_TITLES
                or candidate.key in _KEEP_WORDS
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
            and words[index + 1].key not in _WARD_ROLES
        ):
            last = index + 1
        if (first, last) != (index, index):
            take(first, last, WARD_PLACEHOLDER)

    # 10. Names not known to Tandem.
    def listed_name(index: int) -> bool:
        word = words[index]
        return word.capitalised and lists.listed(word.key) and word.key not in _KEEP_WORDS

    def month_in_a_date(index: int) -> bool:
        previous = sentence.previous_key(index)
        following = sentence.next_key(index)
        return (
            previous in _DATE_WORDS
            or following in _DATE_WORDS
            or (
                index + 1 < len(words)
                and re.match(r"\s+\d", sentence.gap(index, index + 1)) is not None
            )
        )

    def saint(index: int) -> bool:
        return (
            index > 0
            and words[index - 1].key in {"st", "saint"}
            and sentence.joined(index - 1, index, dot=True)
        )

    def is_name(index: int) -> bool:
        word = words[index]
        if used[index] or not word.capitalised or word.key in _KEEP_WORDS or saint(index):
            return False
        if word.key in _MONTH_NAMES and month_in_a_date(index):
            return False
        initial = sentence.starts_sentence(index)
        common = word.key in lists.common or word.key in _STOP_WORDS
        following = index + 1 < len(words) and sentence.joined(index, index + 1)
        says = sentence.next_key(index) in _SAYING
        if lists.listed(word.key):
            if not common or word.possessive:
                return True
            if initial:
                return says or (following and not word.possessive and listed_name(index + 1))
            # "Long Covid", "Winter Plan": a common word that starts a proper-noun phrase.
            next_capitalised = following and words[index + 1].capitalised
            return not next_capitalised or listed_name(index + 1)
        before = sentence.previous_key(index)
        if common or word.key in _TITLE_SET or before in _DETERMINERS:
            return False
        after_to = before == "to" and sentence.previous_key(index, 2) in _BEFORE_TO
        return says or before in _BEFORE_PERSON or after_to

    def extends(index: int) -> bool:
        if index >= len(words) or used[index]:
            return False
        word = words[index]
        if word.key in _PARTICLES:
            return index + 1 < len(words) and words[index + 1].capitalised
        return (
            word.capitalised
            and word.key not in _KEEP_WORDS
            and word.key not in _STOP_WORDS
            and word.key not in _MONTH_NAMES
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
            and (words[last + 1].key not in _PARTICLES or extends(last + 2))
            and last - first < 3
        ):
            last += 1
        take(first, last, NAME_PLACEHOLDER)
        index = last + 1


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
        r"(?<!\w)(?:" + "|".join(_variant_pattern(fold_accents(p)) for p in wanted) + r")(?!\w)",
        re.IGNORECASE,
    )
    folded = fold_accents(text)
    spans = []
    for match in pattern.finditer(folded):
        if _PLACEHOLDER.fullmatch(text[match.start() : match.end()]):
            continue
        spans.append(RedactionSpan(match.start(), match.end(), LEAD_PLACEHOLDER))
    return spans


def redact_phrases(text: str, phrases: Iterable[str]) -> str:
    """`text` with each of the lead's phrases replaced by "[redacted]"."""
    return apply_redaction(text, phrase_spans(text, phrases)).text


def placeholder_free(text: str) -> str:
    """`text` with the placeholders blanked out (for counting words: "[name]" is not a word)."""
    return _PLACEHOLDER.sub(" ", text)


def redacted_name_words(text: str, spans: Iterable[RedactionSpan]) -> set[str]:
    """The words (lower case, accents folded) that `spans` took out of `text` as names or wards."""
    found: set[str] = set()
    for span in spans:
        if span.replacement.startswith((NAME_PLACEHOLDER, WARD_PLACEHOLDER)):
            found.update(
                fold_accents(w).lower() for w in _WORD.findall(text[span.start : span.end])
            )
    return found
