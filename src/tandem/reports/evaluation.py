"""The programme evaluation report: the programme's story in one document, for a board or a journal.

Built only from aggregates that already pass suppression elsewhere (the comparison report, coaching
attendance counts, network indices, action counts, KPI shifts) plus one association — coaching dose
against each person's change — shown only as a correlation over at least k people. No person's
answers or change score leave this module.

Sections from other apps (networks, workshops, outcomes) are read through their selectors with the
same viewer, so the evaluation report can never show more than those apps' own pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Count, Q
from django.utils import timezone

from tandem.analysis.association import Association, association
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.scoring import score_items
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.programmes.models import Milestone, Programme, Role
from tandem.programmes.selectors import ProgrammeAccessDenied, ProgrammeNotFound, viewer_roles
from tandem.reports.data import wave_data
from tandem.reports.feedback import BELOW_K, ComparisonReport, build_comparison
from tandem.surveys.models import InvitationStatus, Wave, WaveKind
from tandem.surveys.selectors import wave_scope

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
    summary: list[SummaryLine] = field(default_factory=list)


def evaluation_viewer_check(*, viewer: Any, programme: Programme) -> None:
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    if not roles & EVALUATION_ROLES:
        raise EvaluationAccessDenied(
            "Only the programme lead and sponsors can read the programme evaluation report."
        )


def _participation(
    programme: Programme,
) -> tuple[list[WaveParticipation], PulseParticipation | None]:
    waves = (
        Wave.objects.filter(programme=programme)
        .annotate(
            invited=Count("invitations"),
            submitted=Count(
                "invitations", filter=Q(invitations__status=InvitationStatus.SUBMITTED)
            ),
        )
        .order_by("opens_on", "id")
    )
    stock_takes: list[WaveParticipation] = []
    pulse_waves = pulse_invited = pulse_submitted = 0
    for wave in waves:
        if wave.kind == WaveKind.PULSE:
            pulse_waves += 1
            pulse_invited += wave.invited
            pulse_submitted += wave.submitted
            continue
        stock_takes.append(
            WaveParticipation(
                title=wave.title,
                kind=wave.get_kind_display(),
                opens_on=wave.opens_on,
                invited=wave.invited,
                submitted=wave.submitted,
            )
        )
    pulses = (
        PulseParticipation(waves=pulse_waves, invited=pulse_invited, submitted=pulse_submitted)
        if pulse_waves
        else None
    )
    return stock_takes, pulses


def _coaching(dose_rows: dict[int, Any]) -> CoachingParticipation | None:
    if not dose_rows:
        return None
    rows = list(dose_rows.values())
    return CoachingParticipation(
        people=len(rows),
        planned=sum(row.planned for row in rows),
        attended=sum(row.dose.sessions_attended for row in rows),
        cancelled=sum(row.cancelled for row in rows),
        no_show=sum(row.no_show for row in rows),
        completed=sum(1 for row in rows if row.dose.sessions_attended >= row.planned > 0),
    )


def stock_take_pair(programme: Programme) -> tuple[Wave, Wave] | None:
    """The first and the latest closed stock takes of the same questionnaire, if there are two."""
    today = timezone.localdate()
    closed = [
        wave
        for wave in Wave.objects.filter(programme=programme)
        .exclude(kind=WaveKind.PULSE)
        .order_by("opens_on", "id")
        if wave.has_closed(today)
    ]
    for first in closed:
        later = [w for w in closed if w.instrument_id == first.instrument_id and w.pk != first.pk]
        if later:
            return first, later[-1]
    return None


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


def _workshops(*, viewer: Any, programme: Programme) -> WorkshopSection | None:
    from tandem.workshops.models import AwayDay, RecurringMeeting
    from tandem.workshops.selectors import action_status_counts, actions_for, charter_for
    from tandem.workshops.trends import meeting_trend

    away_days = [
        AwayDayParticipation(
            title=day.title,
            date=day.date,
            invited=day.invited,
            attended=day.came,
        )
        for day in AwayDay.objects.filter(programme=programme)
        .annotate(
            invited=Count("invitations"),
            came=Count("invitations", filter=Q(invitations__attended=True)),
        )
        .order_by("date", "id")
    ]
    actions = actions_for(viewer=viewer, programme=programme)
    meetings = []
    for meeting in RecurringMeeting.objects.filter(programme=programme).order_by("name"):
        trend = meeting_trend(meeting, surface="reports.evaluation")
        shown = trend.shown_months
        if len(shown) < 2:
            continue
        meetings.append(
            MeetingChange(
                name=meeting.name,
                scale_title=trend.scale_title,
                first_month=shown[0].label,
                first_mean=shown[0].mean or 0.0,
                last_month=shown[-1].label,
                last_mean=shown[-1].mean or 0.0,
                months_shown=len(shown),
                months_hidden=len(trend.months) - len(shown),
            )
        )
    practices = len(charter_for(viewer=viewer, programme=programme))
    if not (away_days or actions or practices or meetings):
        return None
    return WorkshopSection(
        away_days=away_days,
        practices=practices,
        actions=action_status_counts(actions, timezone.localdate()),
        meetings=meetings,
    )


def _outcomes(*, viewer: Any, programme: Programme) -> OutcomeSection | None:
    from tandem.outcomes.selectors import kpi_shifts_for

    # Charts are left out: one per KPI would swamp the report; each KPI's page has its chart.
    shifts = kpi_shifts_for(viewer=viewer, programme=programme, draw=False)
    if not shifts:
        return None
    return OutcomeSection(
        shifts=shifts,
        improved=sum(1 for shift in shifts if shift.improvement_after_start),
        concern=sum(1 for shift in shifts if shift.concern_after_start),
    )


def _network(pair: tuple[Wave, Wave] | None) -> Any:
    """The comparison report's network section for the two stock takes compared (k-suppressed)."""
    if pair is None:
        return None
    from tandem.networks.reports import comparison_network_section

    return comparison_network_section(*pair)


@dataclass(frozen=True)
class SummaryLine:
    """One line of the summary. `counts` lines say who took part (responses, sessions, actions):
    they move as the programme runs, and say nothing about anyone's answers."""

    text: str
    counts: bool = False

    def __str__(self) -> str:
        return self.text


def _summary(report: EvaluationReport) -> list[SummaryLine]:
    lines: list[SummaryLine] = []
    if report.waves:
        rates = [w.rate for w in report.waves if w.rate is not None]
        if rates:
            lines.append(
                SummaryLine(
                    f"{len(report.waves)} stock takes were run; between {min(rates):.0%} and "
                    f"{max(rates):.0%} of those invited answered.",
                    counts=True,
                )
            )
    if report.comparison is not None:
        improved = [r.title for r in report.comparison.rows if r.verdict == "improved"]
        declined = [r.title for r in report.comparison.rows if r.verdict == "declined"]
        unclear = [
            r.title
            for r in report.comparison.rows
            if not r.hidden and r.verdict not in ("improved", "declined")
        ]
        if improved:
            lines.append(
                SummaryLine(
                    "Clear improvement between the stock takes: " + ", ".join(improved) + "."
                )
            )
        if declined:
            lines.append(
                SummaryLine("Clear decline between the stock takes: " + ", ".join(declined) + ".")
            )
        if unclear:
            lines.append(SummaryLine("No clear evidence of change: " + ", ".join(unclear) + "."))
    if report.coaching is not None:
        c = report.coaching
        lines.append(
            SummaryLine(
                f"{c.people} people had coaching: {c.attended} of {c.planned} planned sessions "
                f"were attended, and {c.completed} people completed all their sessions.",
                counts=True,
            )
        )
    if report.dose.association is not None:
        lines.append(SummaryLine(report.dose.association.sentence))
    if report.network is not None and report.network.sentences:
        lines.append(SummaryLine(report.network.sentences[0]))
    if report.workshops is not None:
        w = report.workshops
        total = sum(count for label, count in w.actions.items() if label != "Overdue")
        if total:
            lines.append(
                SummaryLine(
                    f"{len(w.away_days)} away days agreed {w.practices} practices and {total} "
                    f"actions: {w.actions.get('Done', 0)} done, "
                    f"{w.actions.get('In progress', 0)} in progress, "
                    f"{w.actions.get('Overdue', 0)} overdue.",
                    counts=True,
                )
            )
        for meeting in w.meetings:
            lines.append(
                SummaryLine(
                    f"{meeting.name}: the meeting score went from {meeting.first_mean:.1f} "
                    f"({meeting.first_month}) to {meeting.last_mean:.1f} ({meeting.last_month})."
                )
            )
    if report.outcomes is not None:
        o = report.outcomes
        lines.append(
            SummaryLine(
                f"Of {len(o.shifts)} service KPIs, {o.improved} showed special-cause improvement "
                f"after the programme started and {o.concern} showed special-cause concern."
            )
        )
    return lines


def build_evaluation(*, viewer: Any, programme: Programme) -> EvaluationReport:
    evaluation_viewer_check(viewer=viewer, programme=programme)
    from tandem.coaching.selectors import coaching_dose_for

    k = programme.min_group_size
    waves, pulses = _participation(programme)
    dose_rows = coaching_dose_for(viewer=viewer, programme=programme)
    comparison = None
    missing = None
    pair = stock_take_pair(programme)
    if pair is None:
        missing = "There are not yet two closed stock takes of the same questionnaire to compare."
    else:
        comparison = build_comparison(*pair)
    report = EvaluationReport(
        programme=programme,
        k=k,
        generated=timezone.now(),
        milestones=list(programme.milestones.all()),
        waves=waves,
        pulses=pulses,
        coaching=_coaching(dose_rows),
        comparison=comparison,
        comparison_missing=missing,
        dose=_frozen_dose(programme),
        can_freeze=pair is not None,
        network=_network(pair),
        workshops=_workshops(viewer=viewer, programme=programme),
        outcomes=_outcomes(viewer=viewer, programme=programme),
    )
    report.summary = _summary(report)
    return report


__all__ = ["BELOW_K", "EvaluationReport", "build_evaluation"]
