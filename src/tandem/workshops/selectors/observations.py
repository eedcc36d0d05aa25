"""Pair observations: only the members of the two pairs involved."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tandem.audit.services import audit_record_many
from tandem.programmes.models import Pair, Programme
from tandem.workshops.models import PairObservation
from tandem.workshops.selectors.rules import WorkshopsAccessDenied, member_access


def observations_for(*, viewer: Any, programme: Programme) -> list[PairObservation]:
    """The observations that involve the viewer's pair; each read is audited."""
    pair_ids = member_access(viewer=viewer, programme=programme).pair_ids
    if not pair_ids:
        raise WorkshopsAccessDenied(
            "Pair observations are shown only to the members of the two pairs involved."
        )
    observations = list(
        PairObservation.objects.filter(
            Q(observing_pair_id__in=pair_ids) | Q(observed_pair_id__in=pair_ids),
            observing_pair__programme=programme,
        ).select_related(
            "observing_pair__service",
            "observed_pair__service",
            "away_day",
        )
    )
    audit_record_many(
        actor=viewer,
        action="workshops.observation.read",
        subjects=list(observations),
        programme=programme,
    )
    return observations


def observer_pair_for(*, viewer: Any, programme: Programme) -> Pair:
    """The pair the viewer writes observations for (their own)."""
    pair_ids = member_access(viewer=viewer, programme=programme).pair_ids
    if not pair_ids:
        raise WorkshopsAccessDenied("Only a member of a pair records an observation.")
    return Pair.objects.select_related("service").get(pk=min(pair_ids))
