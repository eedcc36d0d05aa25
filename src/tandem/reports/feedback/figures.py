"""What a feedback report holds: each figure as shown or hidden with its reason, and the rows,
scales and questions built from them. Every other module of the report builds these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tandem.analysis.anonymity import (
    SuppressionReason,
)
from tandem.analysis.groups import describe
from tandem.reports.data import PROFESSION_GROUPS, UNMATCHED, WaveData
from tandem.surveys.models import Wave

LOW_RESPONSE_RATE = 0.6
STRENGTHS_SHOWN = 3

BELOW_K = "Hidden: fewer than {k} people answered."
REASON_TEXT = {
    SuppressionReason.FEWER_THAN_K: BELOW_K,
    SuppressionReason.SUBTRACTION: "Hidden so that a smaller group cannot be worked out by subtraction.",
    SuppressionReason.ACROSS_WAVES: "Hidden in every wave so that the change cannot reveal a hidden group.",
    SuppressionReason.DIFFERENCING: "Hidden so that figures shown elsewhere cannot reveal a small group by difference.",
}
# In each cell of a report whose questionnaire is still open; the page says why once, in full.
PENDING_CELL = "Appears when the questionnaire closes."


def _reason(reason: SuppressionReason | None, k: int) -> str:
    return REASON_TEXT.get(reason, BELOW_K).format(k=k) if reason else BELOW_K.format(k=k)


@dataclass(frozen=True)
class Figure:
    """A number as the report may show it: its value, or why it is hidden."""

    value: float | None = None
    n: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    hidden: str | None = None

    @property
    def shown(self) -> bool:
        return self.hidden is None and self.value is not None


@dataclass(frozen=True)
class ResponseRow:
    label: str
    invited: int
    responded: int | None
    hidden: str | None = None

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited

    @property
    def is_low(self) -> bool:
        return self.rate is not None and self.rate < LOW_RESPONSE_RATE


@dataclass(frozen=True)
class ScaleResult:
    id: str
    title: str
    description: str
    overall: Figure
    by_group: dict[str, Figure]
    difference: dict[str, Figure]  # each group's mean minus the whole group's
    alpha: float | None = None
    alpha_ci: tuple[float, float] | None = None
    omega: float | None = None
    reliability_n: int | None = None
    reliability_warning: str | None = None
    reliability_hidden: str | None = None


@dataclass(frozen=True)
class ItemDistribution:
    id: str
    text: str
    scale_title: str
    reverse: bool
    n: int
    percentages: dict[str, float]  # option label → % of those who gave an answer on the scale
    dont_know: int
    hidden: str | None = None


@dataclass
class FeedbackReport:
    wave: Wave
    k: int
    response: list[ResponseRow]
    response_total: ResponseRow
    groups: list[str]
    scales: list[ScaleResult]
    strengths: list[ScaleResult]
    development: list[ScaleResult]
    items: list[ItemDistribution]
    option_labels: list[str]
    notes: list[str] = field(default_factory=list)
    # Set while the wave is open: why no figure is shown yet and when they will be (docs/design.md).
    pending: str = ""
    themes: Any = None  # tandem.coding.selectors.CodeFrequencies
    excerpts: Any = None  # tandem.coding.selectors.ExcerptRelease
    network: Any = None  # tandem.networks.reports.ReportNetworkSection
    # Responses imported from an anonymous export: counted in the figures above, in no response
    # rate (they have no invitee). How many there are is no aggregate of answers; the lead knows
    # it from the import, and the scales' n already differ from the responses counted by it.
    unmatched: int = 0

    @property
    def unmatched_note(self) -> str:
        """What the report says of its unmatched responses (the API's note; the page says it too)."""
        return (
            f"Also {self.unmatched} {'response' if self.unmatched == 1 else 'responses'} imported "
            "unmatched (collected anonymously, with no e-mail address): counted in the results as "
            "“Unmatched responses”, in no response rate, and left out of before/after comparisons."
        )

    @property
    def suppressed_anything(self) -> bool:
        return (
            any(not s.overall.shown for s in self.scales)
            or any(f.hidden for s in self.scales for f in s.by_group.values())
            or any(r.hidden for r in self.response)
            or any(i.hidden for i in self.items)
        )


def _group_labels(data: WaveData) -> list[tuple[str, str]]:
    """The groups a report's tables break results down by: the professions invited, and the
    unmatched responses when the wave has any."""
    present = set(data.invited["profession"]) if not data.invited.empty else set()
    if data.unmatched:
        present.add(UNMATCHED)
    return [(value, label) for value, label in PROFESSION_GROUPS if value in present]


def _figure(values: pd.Series, shown: bool, reason: str | None) -> Figure:
    if not shown:
        return Figure(hidden=reason)
    summary = describe(values.to_numpy(dtype=float))
    return Figure(value=summary.mean, n=summary.n, ci_low=summary.ci_low, ci_high=summary.ci_high)
