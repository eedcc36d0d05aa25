"""A wave's answers as the analysis library's plain inputs.

This is the only place that reads individual answers for reporting. What leaves it goes straight
into `tandem.analysis` and comes out as suppressed aggregates; nothing here is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tandem.analysis.scoring import ScaleDefinition
from tandem.programmes.models import Profession
from tandem.surveys.instruments import Instrument
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave
from tandem.surveys.scales import scale_definitions

# The groups a report breaks results down by, in the order they are shown.
PROFESSION_GROUPS: tuple[tuple[str, str], ...] = (
    (Profession.DOCTOR, "Doctors"),
    (Profession.MANAGER, "Managers"),
    (Profession.OTHER_CLINICIAN, "Other clinicians"),
    (Profession.OTHER, "Others"),
)


@dataclass(frozen=True)
class WaveData:
    """One wave's submitted answers (rows = participant ids) and who was invited."""

    wave: Wave
    instrument: Instrument
    scales: list[ScaleDefinition]
    items: pd.DataFrame  # Likert answers, NaN where missing or "don't know"
    respondents: pd.DataFrame  # index participant id; columns profession, locality
    invited: pd.DataFrame  # index participant id; columns profession, submitted (bool)


def wave_data(wave: Wave) -> WaveData:
    """Read the wave's submitted responses into frames. Two queries whatever the size."""
    instrument = wave.instrument
    likert = [item.id for item in instrument.likert_items]
    # By participant: a stable order, so that sums come out the same to the last bit whatever
    # happens to names (an erasure renames a person; figures must not move by a rounding).
    invitations = list(
        Invitation.objects.filter(wave=wave)
        .order_by("participant_id")
        .values_list(
            "participant_id",
            "participant__person__profession",
            "participant__person__service__locality__name",
            "status",
        )
    )
    invited = pd.DataFrame(
        [
            (pid, profession, status == InvitationStatus.SUBMITTED)
            for pid, profession, _, status in invitations
        ],
        columns=["participant", "profession", "submitted"],
    ).set_index("participant")
    respondents = pd.DataFrame(
        [
            (pid, profession, locality or "")
            for pid, profession, locality, status in invitations
            if status == InvitationStatus.SUBMITTED
        ],
        columns=["participant", "profession", "locality"],
    ).set_index("participant")
    rows = Answer.objects.filter(
        invitation__wave=wave,
        invitation__status=InvitationStatus.SUBMITTED,
        item_id__in=likert,
        dont_know=False,
        value__isnull=False,
    ).values_list("invitation__participant_id", "item_id", "value")
    long = pd.DataFrame(list(rows), columns=["participant", "item", "value"])
    items = (
        long.pivot(index="participant", columns="item", values="value").astype(float)
        if not long.empty
        else pd.DataFrame(dtype=float)
    )
    items = items.reindex(index=respondents.index, columns=likert).astype(float)
    items.index.name = "participant"
    return WaveData(
        wave=wave,
        instrument=instrument,
        scales=scale_definitions(instrument),
        items=items.replace({None: np.nan}),
        respondents=respondents,
        invited=invited,
    )
