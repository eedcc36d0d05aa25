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
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave, respondent_key
from tandem.surveys.scales import scale_definitions

# The group of responses imported from an anonymous export: whose they are, and so the
# respondent's profession, is not known.
UNMATCHED = "unmatched"

# The groups a report breaks results down by, in the order they are shown. Unmatched responses
# are a group of their own, so that the in-table suppression treats them like any other group:
# with fewer than k of them, they cannot be worked out by subtracting the professions from the
# total.
PROFESSION_GROUPS: tuple[tuple[str, str], ...] = (
    (Profession.DOCTOR, "Doctors"),
    (Profession.MANAGER, "Managers"),
    (Profession.OTHER_CLINICIAN, "Other clinicians"),
    (Profession.OTHER, "Others"),
    (UNMATCHED, "Unmatched responses"),
)


@dataclass(frozen=True)
class WaveData:
    """One wave's submitted answers (rows = respondents) and who was invited.

    Rows are keyed by `respondent_key`: a participant's id, or minus the invitation's id for an
    unmatched response (profession `UNMATCHED`). Unmatched responses are respondents but never
    invitees, so response rates count people only.
    """

    wave: Wave
    instrument: Instrument
    scales: list[ScaleDefinition]
    items: pd.DataFrame  # Likert answers, NaN where missing or "don't know"
    respondents: pd.DataFrame  # index respondent key; columns profession, locality
    invited: pd.DataFrame  # index participant id; columns profession, submitted (bool)

    @property
    def unmatched(self) -> int:
        """How many of the respondents are unmatched responses."""
        return int((self.respondents["profession"] == UNMATCHED).sum())


def wave_data(wave: Wave, *, comparison: bool = False) -> WaveData:
    """Read the wave's submitted responses into frames. Two queries whatever the size.

    The programme's own respondents; with `comparison`, the comparison group's instead (people
    of the organisation outside the programme, read only by the difference in differences)."""
    group = (
        Invitation.objects.comparison_group()
        if comparison
        else Invitation.objects.programme_group()
    )
    instrument = wave.instrument
    likert = [item.id for item in instrument.likert_items]
    # By participant: a stable order, so that sums come out the same to the last bit whatever
    # happens to names (an erasure renames a person; figures must not move by a rounding).
    invitations = sorted(
        (respondent_key(pid, pk), pid, profession, locality, status)
        for pk, pid, profession, locality, status in group.filter(wave=wave)
        .order_by()
        .values_list(
            "pk",
            "participant_id",
            "participant__person__profession",
            "participant__person__service__locality__name",
            "status",
        )
    )
    invited = pd.DataFrame(
        [
            (pid, profession, status == InvitationStatus.SUBMITTED)
            for _, pid, profession, _, status in invitations
            if pid is not None
        ],
        columns=["participant", "profession", "submitted"],
    ).set_index("participant")
    respondents = pd.DataFrame(
        [
            (key, profession if pid is not None else UNMATCHED, locality or "")
            for key, pid, profession, locality, status in invitations
            if status == InvitationStatus.SUBMITTED
        ],
        columns=["participant", "profession", "locality"],
    ).set_index("participant")
    rows = Answer.objects.filter(
        invitation__in=group.filter(wave=wave),
        invitation__status=InvitationStatus.SUBMITTED,
        item_id__in=likert,
        dont_know=False,
        value__isnull=False,
    ).values_list("invitation_id", "invitation__participant_id", "item_id", "value")
    long = pd.DataFrame(
        [(respondent_key(pid, pk), item, value) for pk, pid, item, value in rows],
        columns=["participant", "item", "value"],
    )
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
