"""Who may read which report.

The programme lead may open a wave's report at any time (to check it before release); everyone
else in the programme only once the lead has released it. A comparison needs both waves released.
Nobody outside the programme learns that it exists. What a report *shows* is decided by the
builders and the disclosure ledger, not here: while a wave is open its report has no figures, for
the lead too (`reports.feedback`, docs/design.md "over time too").
"""

from __future__ import annotations

from typing import Any

from tandem.programmes.models import Programme
from tandem.programmes.selectors import (
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    can_manage,
    viewer_roles,
)
from tandem.surveys.models import Wave, WaveKind


class ReportNotReleased(ProgrammeAccessDenied):
    """The report exists but the programme lead has not released it yet."""


def report_wave_for(*, viewer: Any, programme: Programme, wave_id: int) -> Wave:
    if not viewer_roles(viewer=viewer, programme=programme):
        raise ProgrammeNotFound("No such programme.")
    wave = (
        Wave.objects.filter(programme=programme, pk=wave_id)
        .select_related("programme__organisation")
        .first()
    )
    if wave is None:
        raise ProgrammeNotFound("No such questionnaire wave in this programme.")
    if wave.released_at is None and not can_manage(viewer=viewer, programme=programme):
        raise ReportNotReleased("This report has not been released yet.")
    return wave


def reports_for(*, viewer: Any, programme: Programme) -> list[Wave]:
    """The waves whose reports the viewer may read, newest first."""
    if not viewer_roles(viewer=viewer, programme=programme):
        raise ProgrammeNotFound("No such programme.")
    waves = Wave.objects.filter(programme=programme).order_by("-opens_on", "-id")
    if not can_manage(viewer=viewer, programme=programme):
        waves = waves.filter(released_at__isnull=False)
    return list(waves)


NOT_THE_SAME_QUESTIONNAIRE = (
    "Those two waves are not of the same questionnaire in the same programme."
)


def comparable(before: Wave, after: Wave) -> str | None:
    """Why these two waves cannot be compared before and after, or None when they can.

    The one statement of the rule: two different waves of the same questionnaire in the same
    programme, neither of them a pulse (a pulse follows a trend over months, not a change
    between two stock takes). Either order; callers put the earlier wave first.
    """
    if before.programme_id != after.programme_id or before.instrument_id != after.instrument_id:
        return NOT_THE_SAME_QUESTIONNAIRE
    if before.pk == after.pk:
        return "A wave cannot be compared with itself: give two different waves."
    if WaveKind.PULSE in (before.kind, after.kind):
        return "Pulse waves are not compared before and after; compare two stock takes."
    return None


class WavesNotComparable(ProgrammeNotFound):
    """A comparison asked for two waves that `comparable` refuses, or the later wave first."""


def comparable_pairs(waves: list[Wave]) -> list[tuple[Wave, Wave]]:
    """(earlier, later) pairs of the waves that `comparable` allows, for comparison reports."""
    ordered = sorted(waves, key=lambda wave: (wave.opens_on, wave.pk))
    return [
        (earlier, later)
        for index, later in enumerate(ordered)
        for earlier in ordered[:index]
        if comparable(earlier, later) is None
    ]


def comparison_waves_for(
    *, viewer: Any, programme: Programme, before_id: int, after_id: int
) -> tuple[Wave, Wave]:
    """The two waves of a comparison report, each readable by the viewer, earlier first.

    The one refusal for the page, its PDF and the API: 404 with `comparable`'s reason when the
    two cannot be compared, or when the later wave is given first.
    """
    before = report_wave_for(viewer=viewer, programme=programme, wave_id=before_id)
    after = report_wave_for(viewer=viewer, programme=programme, wave_id=after_id)
    reason = comparable(before, after)
    if reason is None and before.opens_on > after.opens_on:
        reason = "Give the earlier wave first: it is compared with the later one."
    if reason is not None:
        raise WavesNotComparable(reason)
    return before, after
