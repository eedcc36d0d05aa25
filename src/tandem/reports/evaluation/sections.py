"""The evaluation's sections read from the programme and from other apps (through their selectors,
with the same viewer, so the report never shows more than their own pages): participation,
coaching attendance, the stock takes compared, away days and actions, KPI shifts, networks."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tandem.programmes.models import Programme, Role
from tandem.reports.evaluation.report import (
    AwayDayParticipation,
    CoachingParticipation,
    ImpactSection,
    MeetingChange,
    OutcomeSection,
    PulseParticipation,
    WaveParticipation,
    WorkshopSection,
)
from tandem.surveys.models import InvitationStatus, Wave, WaveKind

# The programme's own respondents: a comparison group's invitations are not the programme's.
PROGRAMME_GROUP = ~Q(invitations__participant__role=Role.COMPARISON)


def _participation(
    programme: Programme,
) -> tuple[list[WaveParticipation], PulseParticipation | None]:
    waves = (
        Wave.objects.filter(programme=programme)
        .annotate(
            invited=Count("invitations", filter=PROGRAMME_GROUP),
            submitted=Count(
                "invitations",
                filter=PROGRAMME_GROUP & Q(invitations__status=InvitationStatus.SUBMITTED),
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


STOCK_TAKE_DID = (
    "A comparison group of colleagues outside the programme answered both stock takes. For each "
    "scale, the programme group's mean change (people who answered both) is set against the "
    "comparison group's: a difference in differences, with Welch's 95% confidence interval. The "
    "groups were not chosen at random, so this too is an association, not proof."
)
NO_STOCK_TAKE_COMPARISON = (
    "No comparison group answered the stock takes, so the stock-take change is a before/after of "
    "the same people with nothing to compare it with."
)


def _impact(*, viewer: Any, programme: Programme, comparison: Any) -> ImpactSection | None:
    from tandem.analysis.impact import power_sentence
    from tandem.outcomes.selectors import programme_impacts
    from tandem.reports.evaluation.did import stock_take_did

    impacts = programme_impacts(viewer=viewer, programme=programme)
    power = None
    if comparison is not None:
        shown = [row.n_matched for row in comparison.rows if row.n_matched is not None]
        power = (
            power_sentence(max(shown))
            if shown
            else "Too few people were matched across the two stock takes to say what the study "
            "could detect."
        )
    if not impacts and power is None:
        return None
    did = stock_take_did(comparison) if comparison is not None else None
    return ImpactSection(
        impacts=impacts,
        power=power,
        stock_take_comparison=NO_STOCK_TAKE_COMPARISON if did is None else STOCK_TAKE_DID,
        did=did,
    )
