"""Coaching dose against change: worked out once when the lead freezes the evaluation, kept, and
shown from then on only over at least k people (and hidden if k is later raised above its n)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tandem.analysis.association import Association, association
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.scoring import score_items
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.programmes.models import Programme
from tandem.reports.data import wave_data
from tandem.surveys.models import Wave
from tandem.surveys.selectors import wave_scope


@dataclass(frozen=True)
class DoseResult:
    association: Association | None
    hidden: str | None
    scales: list[str] = field(default_factory=list)
    frozen_at: dt.datetime | None = None  # when the lead froze it; None: not frozen yet

    def as_json(self) -> dict[str, Any]:
        """What is kept when the evaluation is frozen: the shown figures, nobody's values."""
        a = self.association
        return {
            "association": None
            if a is None
            else {
                "n": a.n,
                "r": a.r,
                "r_ci_low": a.r_ci_low,
                "r_ci_high": a.r_ci_high,
                "r_p": a.r_p,
                "rho": a.rho,
                "rho_p": a.rho_p,
                "sentence": a.sentence,
            },
            "hidden": self.hidden,
            "scales": self.scales,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], frozen_at: dt.datetime) -> DoseResult:
        found = data.get("association")
        return cls(
            association=Association(**found) if found else None,
            hidden=data.get("hidden"),
            scales=list(data.get("scales") or []),
            frozen_at=frozen_at,
        )


NOT_FROZEN = (
    "The association between coaching and change is worked out once, when the programme lead "
    "freezes the evaluation after the repeat stock take has closed, and never moves afterwards: "
    "a figure that moved each time someone's session was recorded would let anyone who knew "
    "whose session it was work out their change."
)


def _person_change(before: Wave, after: Wave, scales: list[str]) -> pd.Series:
    """Each matched person's change in their mean score over the scales compared (after − before)."""
    first, second = wave_data(before), wave_data(after)
    definitions = [s for s in first.scales if s.id in scales]
    if first.items.empty or second.items.empty or not definitions:
        return pd.Series(dtype=float)
    mean_before = score_items(first.items, definitions).mean(axis=1, skipna=True)
    mean_after = score_items(second.items, definitions).mean(axis=1, skipna=True)
    both = mean_before.index.intersection(mean_after.index)
    return (mean_after.loc[both] - mean_before.loc[both]).dropna()


def dose_association(
    *, programme: Programme, before: Wave, after: Wave, scales: list[str], dose_rows: dict[int, Any]
) -> DoseResult:
    """Coaching sessions attended against each matched person's change, over at least k people.

    Called once, by `reports.services.evaluation_freeze`; the result is kept and shown from then
    on. Its population goes through the disclosure ledger like any other figure.
    """
    k = programme.min_group_size
    change = _person_change(before, after, scales)
    people = [int(pid) for pid in change.index if pid in dose_rows]
    ledger = Disclosure(programme=programme, surface="reports.evaluation.dose")
    ledger.add(
        "dose",
        piece(wave_scope(before), "mean-change-over-shared-scales", people),
        piece(wave_scope(after), "mean-change-over-shared-scales", people),
        piece(Scope(key="coaching", frozen=True), "sessions-attended", people),
    )
    refused = ledger.decide().reason("dose")
    if refused:
        if len(people) < k:
            refused = (
                f"Not shown: fewer than {k} people had both a coaching plan and answers in both "
                "stock takes."
            )
        return DoseResult(association=None, hidden=refused)
    try:
        result = association(
            [dose_rows[pid].dose.sessions_attended for pid in people],
            [float(change.loc[pid]) for pid in people],
            x_label="coaching sessions",
            y_label="change in their stock-take scores",
        )
    except AnalysisInputError as exc:
        return DoseResult(association=None, hidden=f"Not worked out: {exc}")
    return DoseResult(association=result, hidden=None, scales=scales)


def _frozen_dose(programme: Programme) -> DoseResult:
    from tandem.reports.models import FrozenEvaluation

    frozen = FrozenEvaluation.objects.filter(programme=programme).first()
    if frozen is None:
        return DoseResult(association=None, hidden=NOT_FROZEN)
    dose = DoseResult.from_json(frozen.dose, frozen.frozen_at)
    k = programme.min_group_size
    if dose.association is not None and dose.association.n < k:
        # k was raised after freezing: a stricter rule hides what the old one allowed.
        return DoseResult(
            association=None,
            hidden=f"Not shown: fewer than {k} people had both a coaching plan and answers in "
            "both stock takes.",
            frozen_at=frozen.frozen_at,
        )
    return dose
