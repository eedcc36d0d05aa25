"""The programme evaluation report: the programme's story in one document, for a board or a journal.

Built only from aggregates that already pass suppression elsewhere (the comparison report, coaching
attendance counts, network indices, action counts, KPI shifts) plus one association — coaching dose
against each person's change — shown only as a correlation over at least k people. No person's
answers or change score leave this module.

Sections from other apps (networks, workshops, outcomes) are read through their selectors with the
same viewer, so the evaluation report can never show more than those apps' own pages.

A package: `report` (what the report holds, who reads it), `sections` (each section's figures),
`dose` (coaching against change, frozen once), `summary` (the summary lines); `build_evaluation`
puts them together here, and every name stays importable from `tandem.reports.evaluation`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tandem.programmes.models import Programme
from tandem.reports.evaluation.dose import (
    NOT_FROZEN,
    DoseResult,
    _frozen_dose,
    dose_association,
)
from tandem.reports.evaluation.report import (
    EVALUATION_ROLES,
    AwayDayParticipation,
    CoachingParticipation,
    EvaluationAccessDenied,
    EvaluationReport,
    ImpactSection,
    MeetingChange,
    OutcomeSection,
    PulseParticipation,
    SummaryLine,
    WaveParticipation,
    WorkshopSection,
    evaluation_viewer_check,
)
from tandem.reports.evaluation.sections import (
    _coaching,
    _impact,
    _outcomes,
    _participation,
    _workshops,
    stock_take_pair,
)
from tandem.reports.evaluation.summary import _summary
from tandem.reports.feedback import BELOW_K, ComparisonReport, build_comparison

__all__ = [
    "BELOW_K",
    "EVALUATION_ROLES",
    "NOT_FROZEN",
    "AwayDayParticipation",
    "CoachingParticipation",
    "ComparisonReport",
    "DoseResult",
    "EvaluationAccessDenied",
    "EvaluationReport",
    "ImpactSection",
    "MeetingChange",
    "OutcomeSection",
    "PulseParticipation",
    "SummaryLine",
    "WaveParticipation",
    "WorkshopSection",
    "build_comparison",
    "build_evaluation",
    "dose_association",
    "evaluation_viewer_check",
    "stock_take_pair",
]


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
        # The comparison report's own network section: the same two waves, drawn once.
        network=comparison.network if comparison is not None else None,
        workshops=_workshops(viewer=viewer, programme=programme),
        outcomes=_outcomes(viewer=viewer, programme=programme),
        impact=_impact(viewer=viewer, programme=programme, comparison=comparison),
    )
    report.summary = _summary(report)
    return report
