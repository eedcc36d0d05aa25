"""A person's profile page: the reported type, the best fit and what each preference tends to mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.analysis.typology import PAIRS, PreferencePair, clarity_band
from tandem.programmes.models import Participant
from tandem.typology import guidance
from tandem.typology.models import TypeProfile
from tandem.typology.selectors.people import profile_of


@dataclass(frozen=True)
class PreferenceRow:
    """One pair on a personal profile: the reported result, the best fit and what it tends to mean."""

    pair: PreferencePair
    reported: str  # letter, X or ?
    best_fit: str  # letter, or "" until confirmed
    clarity: float | None
    band: str | None
    total: int | None
    answered: int | None
    guidance: guidance.PoleGuidance | None

    @property
    def changed(self) -> bool:
        return (
            bool(self.best_fit)
            and self.reported in self.pair.letters
            and (self.best_fit != self.reported)
        )


@dataclass(frozen=True)
class PersonalProfile:
    participant: Participant
    profile: TypeProfile
    rows: list[PreferenceRow]
    viewer_is_owner: bool


def personal_profile(*, viewer: Any, participant: Participant) -> PersonalProfile | None:
    """What the profile page shows, for the person or their coach; None before any result."""
    profile = profile_of(viewer=viewer, participant=participant)
    if profile is None:
        return None
    rows = []
    for index, pair in enumerate(PAIRS):
        reported = profile.reported_type[index]
        best_fit = profile.best_fit_type[index] if profile.best_fit_type else ""
        raw = profile.scores.get(pair.id) or {}
        total = raw.get("total")
        answered = raw.get("answered")
        clarity = band = None
        if total is not None and answered:
            clarity = abs(total) / (2 * answered)
            band = str(clarity_band(total, 2 * answered))
        shown = best_fit or (reported if reported in pair.letters else "")
        rows.append(
            PreferenceRow(
                pair=pair,
                reported=reported,
                best_fit=best_fit,
                clarity=clarity,
                band=band,
                total=total,
                answered=answered,
                guidance=guidance.POLES[shown] if shown else None,
            )
        )
    return PersonalProfile(
        participant=participant,
        profile=profile,
        rows=rows,
        viewer_is_owner=participant.person.user_id == viewer.pk,
    )
