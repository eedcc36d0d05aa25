"""The words redaction knows: placeholders, titles, organisational and group words, verbs of
saying, and the shipped lists of given names and surnames (`name_lists`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
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
PLACEHOLDER_PATTERN = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))

# Titles that may stand before a name in a roster or in what people write ("Dr Okafor").
TITLES = ("Dr", "Doctor", "Prof", "Professor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Sir", "Dame")
TITLE_SET = {title.lower() for title in TITLES}
# Abbreviations are titles in any case ("dr smith"); the words below are titles only when
# capitalised and before a capitalised word, because they are also ordinary words ("my sister").
ABBREVIATED_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "prof", "revd", "rev", "cllr", "sr", "mstr"}
)
WORD_TITLES = frozenset(
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
APOSTROPHES = "'’‘`"


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


HYPHENS = "-‐‑–"

WORD_PATTERN = re.compile(rf"[^\W\d_]+(?:[{APOSTROPHES}][^\W\d_]+)*")
POSSESSIVE = re.compile(rf"[{APOSTROPHES}]s$", re.I)
SENTENCE_END = set('.!?;:"“”‘’([*•–—')
PARTICLES = frozenset(
    {"de", "da", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "al", "el", "ap"}
)
MONTH_NAMES = frozenset(
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
DATE_WORDS = frozenset(
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
KEEP_WORDS = word_set(
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
SAYING = word_set(
    """
    said says told tells asked asks thinks thought explained explains agreed agrees wants wanted
    felt feels suggested suggests mentioned mentions emailed emails rang rings phoned phones
    called calls replied replies insisted insists decided decides believes believed argued argues
    noted notes claimed claims admitted admits complained complains shouted reckons reckoned
    promised promises refused refuses
    """
)
# Verbs after which a capitalised word is a person ("I asked Chidi", "we spoke to Chidi").
BEFORE_PERSON = word_set(
    "told asked thanked emailed rang phoned met messaged texted contacted ask tell thank email ring phone meet message text contact asking telling emailing"
)
BEFORE_TO = word_set(
    "spoke speak speaks speaking spoken talked talk talks talking according thanks wrote write writes listened listen"
)
# An unknown capitalised word after these is a thing ("the Report said"), not a person.
DETERMINERS = word_set("the a an this that these those our their his her my your its")
# After "Ward" these are roles, not the ward's name ("Ward Sister Mary": the title rule).
WARD_ROLES = word_set(
    "sister sisters manager managers clerk clerks round rounds staff nurse nurses matron"
)
STOP_WORDS = word_set(
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


def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0] if decomposed else char


def fold_accents(text: str) -> str:
    """`text` with accents removed, one character for one ("Siobhán" → "Siobhan"), so that
    positions in the folded text are positions in the original."""
    return "".join(fold_char(char) for char in text)


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
    # libyaml's loader when PyYAML has it (the wheels do): 6,000 names in ~0.1 s instead of ~1 s,
    # which the first report a process draws would otherwise wait for.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or Python

    def lowered(key: str) -> frozenset[str]:
        return frozenset(fold_accents(str(name)).lower() for name in data[key])

    return NameLists(
        given=lowered("given_names"),
        surnames=lowered("surnames"),
        common=lowered("common_words"),
        source=str(data["source"]),
    )


class Claim(Protocol):
    """How a rule takes characters `start`–`end`: False when some are taken already; a None
    replacement keeps them as they are (placeholders already in the text)."""

    def __call__(self, start: int, end: int, replacement: str | None) -> bool: ...
