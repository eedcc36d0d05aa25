"""What the evaluation report holds, section by section, and who may read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tandem.programmes.models import Milestone, Programme, Role
from tandem.programmes.selectors import ProgrammeAccessDenied, ProgrammeNotFound, viewer_roles
from tandem.reports.evaluation.dose import DoseResult
from tandem.reports.feedback import ComparisonReport

EVALUATION_ROLES = frozenset({Role.PROGRAMME_LEAD, Role.SPONSOR})


class EvaluationAccessDenied(ProgrammeAccessDenied):
    """Only the programme lead and sponsors read the evaluation report."""


@dataclass(frozen=True)
class WaveParticipation:
    title: str
    kind: str
    opens_on: dt.date
    invited: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


@dataclass(frozen=True)
class PulseParticipation:
    waves: int
    invited: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


@dataclass(frozen=True)
class CoachingParticipation:
    people: int
    planned: int
    attended: int
    cancelled: int
    no_show: int
    completed: int  # people who attended every planned session

    @property
    def attendance_rate(self) -> float | None:
        held = self.attended + self.cancelled + self.no_show
        return self.attended / held if held else None


@dataclass(frozen=True)
class AwayDayParticipation:
    title: str
    date: dt.date
    invited: int
    attended: int


@dataclass(frozen=True)
class MeetingChange:
    name: str
    scale_title: str
    first_month: str
    first_mean: float
    last_month: str
    last_mean: float
    months_shown: int
    months_hidden: int


@dataclass(frozen=True)
class WorkshopSection:
    away_days: list[AwayDayParticipation]
    practices: int
    actions: dict[str, int]  # status label → count, plus "Overdue"
    meetings: list[MeetingChange]


@dataclass(frozen=True)
class OutcomeSection:
    shifts: list[Any]  # tandem.outcomes.selectors.KpiShift, drawn without charts
    improved: int
    concern: int


@dataclass(frozen=True)
class ImpactSection:
    """ "Did the programme make a difference?": each KPI's interrupted time series (and controlled
    ITS) and what the stock-take comparison could have detected."""

    impacts: list[Any]  # tandem.outcomes.impact.KpiImpact, drawn without charts
    power: str | None  # the stock take's power statement, or None with no comparison yet
    stock_take_comparison: str  # why there is no stock-take difference in differences, or it
    did: Any = None  # tandem.reports.evaluation.did.StockTakeDid, when a comparison group answered


@dataclass
class EvaluationReport:
    programme: Programme
    k: int
    generated: dt.datetime
    milestones: list[Milestone]
    waves: list[WaveParticipation]
    pulses: PulseParticipation | None
    coaching: CoachingParticipation | None
    comparison: ComparisonReport | None
    comparison_missing: str | None
    dose: DoseResult
    can_freeze: bool = False  # two closed stock takes exist, so the lead may freeze the evaluation
    network: Any = None  # tandem.networks.reports.ReportNetworkSection
    workshops: WorkshopSection | None = None
    outcomes: OutcomeSection | None = None
    impact: ImpactSection | None = None
    summary: list[SummaryLine] = field(default_factory=list)


def evaluation_viewer_check(*, viewer: Any, programme: Programme) -> None:
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    if not roles & EVALUATION_ROLES:
        raise EvaluationAccessDenied(
            "Only the programme lead and sponsors can read the programme evaluation report."
        )


@dataclass(frozen=True)
class SummaryLine:
    """One line of the summary. `counts` lines say who took part (responses, sessions, actions):
    they move as the programme runs, and say nothing about anyone's answers."""

    text: str
    counts: bool = False

    def __str__(self) -> str:
        return self.text
