"""Reads for type profiling, with the consent rule built in.

- A person's type, clarity and profile: the person and their coach only.
- Once the person shares it (a switch they can turn off again), their best-fit type counts in the
  team type table and appears on their pair's contrast card — if their partner shares too.
- The team table counts shared types only, and is not shown at all below k sharers.
- The programme lead sees how the indicator performs (alpha per pair, letters changed at best fit)
  and who has a result, never anyone's type. Those figures move as each person answers or
  confirms, and there is no wave to close, so they go through the disclosure ledger over time:
  a reading is shown only over a population equal to, or at least k people away from, every
  population already shown (and not when someone in it has changed their answers since); in
  between, the last reading shown stays as it was.
"""

# The rule above is applied in these modules; callers import from `tandem.typology.selectors`.
from tandem.typology.selectors.evidence import (
    BEST_FIT_CHANGES,
    EVIDENCE_SURFACE,
    RELIABILITY,
    IndicatorEvidence,
    indicator_evidence,
    indicator_scope,
)
from tandem.typology.selectors.people import (
    TypeAccessDenied,
    coach_of,
    coachees_for,
    is_coach_of,
    own_participant,
    own_type,
    person_for,
    profile_of,
    require_member,
)
from tandem.typology.selectors.profile import PersonalProfile, PreferenceRow, personal_profile
from tandem.typology.selectors.team import (
    PairCard,
    PairCards,
    PartnerNeeds,
    TeamTableView,
    TypeTableCell,
    pair_cards_for,
    team_table_for,
)

__all__ = [
    "BEST_FIT_CHANGES",
    "EVIDENCE_SURFACE",
    "RELIABILITY",
    "IndicatorEvidence",
    "PairCard",
    "PairCards",
    "PartnerNeeds",
    "PersonalProfile",
    "PreferenceRow",
    "TeamTableView",
    "TypeAccessDenied",
    "TypeTableCell",
    "coach_of",
    "coachees_for",
    "indicator_evidence",
    "indicator_scope",
    "is_coach_of",
    "own_participant",
    "own_type",
    "pair_cards_for",
    "person_for",
    "personal_profile",
    "profile_of",
    "require_member",
    "team_table_for",
]
