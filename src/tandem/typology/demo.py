"""Types for the demo programme's participants, so the team table and pair cards have content.

Deterministic: each person's answers are built from a reported type and a clarity level per
pair (0 = no clear preference … 4 = very clear), then scored by the real indicator. Most share
their best fit; Dr Ben Hartley has not shared, Carla Mendes has not confirmed her best fit yet
and Leon Marsh has no result, so three pairs have no card. Three people changed a letter at best
fit, one settled a tie, and Dr Kavita Shah's type comes from a licensed MBTI® assessment.
"""

from __future__ import annotations

from typing import Final

from django.db import transaction

from tandem.analysis.typology import PAIR_BY_ID, PAIRS
from tandem.programmes.models import Participant, Programme, Role
from tandem.typology import services
from tandem.typology.indicator import Indicator, get_indicator

# Item scores toward the preferred pole for eight items, by clarity level; sums 0, 3, 6, 11, 14
# (of 16): no clear preference, slight, moderate, clear, very clear.
_PATTERNS: Final = {
    0: (1, -1, 0, 0, 1, -1, 0, 0),
    1: (1, 1, 0, 0, 1, 0, -1, 1),
    2: (1, 1, 1, 0, 1, 1, 1, 0),
    3: (2, 1, 1, 2, 1, 1, 2, 1),
    4: (2, 2, 2, 1, 2, 2, 1, 2),
}

EXTERNAL_SOURCE: Final = "Licensed MBTI® Step I assessment with a qualified practitioner, 2022"

# name: (reported type, clarity per pair, best fit, shared). X in the type: no clear preference.
INDICATOR_RESULTS: Final[dict[str, tuple[str, str, str | None, bool]]] = {
    "Dr Amara Okafor": ("ENTJ", "2322", "ENTJ", True),
    "Dr Ben Hartley": ("ISTJ", "3323", "ISTJ", False),
    "Dr Chloe Whitfield": ("INFP", "2231", "INFJ", True),
    "Dr Dev Raman": ("ISTJ", "3233", "ISTJ", True),
    "Dr Eleanor Voss": ("ESTJ", "2332", "ESTJ", True),
    "Dr Farid Haddad": ("INTJ", "2232", "INTJ", True),
    "Dr Grace Llewellyn": ("ENFJ", "3122", "ENFJ", True),
    "Dr Hugo Brennan": ("ISTP", "1221", "ISTP", True),
    "Dr Isla McBride": ("XSTJ", "0223", "ISTJ", True),
    "Dr James Okoro": ("ESTJ", "2224", "ESTJ", True),
    "Dr Liam Fairbairn": ("ENTP", "1322", "INTP", True),
    "Anna Kowalski": ("ESFJ", "3223", "ESFJ", True),
    "Brian Doyle": ("ESTJ", "3333", "ESTJ", True),
    "Carla Mendes": ("ENFP", "2222", None, False),
    "Dan Thornton": ("ISFJ", "2323", "ISFJ", True),
    "Esther Lamb": ("ESTJ", "2212", "ESFJ", True),
    "Femi Adeyemi": ("ENFJ", "3222", "ENFJ", True),
    "Gail Horsfield": ("ISTJ", "2333", "ISTJ", True),
    "Harriet Quinn": ("ESFP", "2221", "ESFP", True),
    "Imran Qureshi": ("ESTP", "3212", "ESTP", True),
    "Jo Pritchard": ("ISFJ", "2222", "ISFJ", True),
    "Karen Ellis": ("ENTJ", "2233", "ENTJ", True),
}
EXTERNAL_RESULTS: Final[dict[str, tuple[str, bool]]] = {"Dr Kavita Shah": ("INTJ", True)}


def answers_for(
    indicator: Indicator, reported: str, clarity: str, *, rotation: int = 0
) -> dict[str, int]:
    """Answers (1…5) that score as `reported`, with the given clarity level on each pair."""
    answers: dict[str, int] = {}
    for index, pair in enumerate(PAIRS):
        letter = reported[index]
        pattern = _PATTERNS[int(clarity[index])]
        items = [item for item in indicator.items if item.pair == pair.id]
        for position, item in enumerate(items):
            toward = pattern[(position + rotation) % len(pattern)]
            toward_first = toward if letter in (pair.first, "X") else -toward
            first_in_a = item.a_pole == PAIR_BY_ID[pair.id].first
            answers[item.id] = 3 - toward_first if first_in_a else 3 + toward_first
    return answers


@transaction.atomic
def seed_types(*, programme: Programme) -> None:
    """Give the demo's participants their types (see the module docstring)."""
    indicator = get_indicator()
    participants = {
        p.person.name: p
        for p in Participant.objects.filter(
            programme=programme, role=Role.PARTICIPANT
        ).select_related("person")
    }
    for rotation, (name, (reported, clarity, best_fit, shared)) in enumerate(
        INDICATOR_RESULTS.items()
    ):
        participant = participants.get(name)
        if participant is None:
            continue
        profile = services.indicator_submit(
            participant=participant,
            answers=answers_for(indicator, reported, clarity, rotation=rotation),
            indicator=indicator,
        )
        if best_fit is not None:
            services.type_best_fit_confirm(profile=profile, best_fit=best_fit)
        if shared:
            services.type_share_set(profile=profile, shared=True)
    for name, (code, shared) in EXTERNAL_RESULTS.items():
        participant = participants.get(name)
        if participant is None:
            continue
        profile = services.type_external_record(
            participant=participant, type_code=code, source=EXTERNAL_SOURCE
        )
        if shared:
            services.type_share_set(profile=profile, shared=True)
