"""What people tell each other about an away day: pair observations and the day's feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import audit_record
from tandem.programmes.models import Pair, Participant
from tandem.workshops.models import (
    USEFULNESS_MAX,
    USEFULNESS_MIN,
    AwayDay,
    Evaluation,
    PairObservation,
)
from tandem.workshops.services.checks import clean


@transaction.atomic
def observation_record(
    *,
    observing_pair: Pair,
    observed_pair: Pair,
    situation: str,
    notes: str,
    away_day: AwayDay | None = None,
    actor: Any = None,
) -> PairObservation:
    if observed_pair.pk == observing_pair.pk:
        raise ValidationError({"observed_pair": "Choose another pair than your own."})
    if observed_pair.programme_id != observing_pair.programme_id:
        raise ValidationError({"observed_pair": "That pair belongs to another programme."})
    observation = PairObservation.objects.create(
        observing_pair=observing_pair,
        observed_pair=observed_pair,
        away_day=away_day,
        situation=clean(situation, "situation", "the situation you watched"),
        notes=clean(notes, "notes", "your notes"),
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="pair_observation.record",
        subject=observation,
        programme=observing_pair.programme,
        extra={"observing_pair": observing_pair.pk, "observed_pair": observed_pair.pk},
    )
    return observation


@transaction.atomic
def evaluation_submit(
    *,
    away_day: AwayDay,
    participant: Participant,
    usefulness: int,
    keep: str = "",
    change: str = "",
    today: dt.date | None = None,
) -> Evaluation:
    """One person's feedback, taken from the day itself until the window closes (inclusive).

    `today` is for building a programme's history (the demo gives its feedback on the day).
    """
    # Read again under the lock: the window is checked against the stored dates, not against a
    # copy that an edit may have changed since.
    current = AwayDay.objects.select_for_update().get(pk=away_day.pk)
    closed = current.evaluation_window_message(today)
    if closed:
        raise ValidationError(closed)
    if not USEFULNESS_MIN <= usefulness <= USEFULNESS_MAX:
        raise ValidationError(
            {"usefulness": f"Choose from {USEFULNESS_MIN} to {USEFULNESS_MAX}, not {usefulness}."}
        )
    if Evaluation.objects.filter(away_day=away_day, participant=participant).exists():
        raise ValidationError("You have already given feedback on this away day.")
    # Not audited, like a respondent's own stock-take answers: evaluations are only ever shown
    # in aggregate, and an event saying who gave feedback when would let anyone reading the log
    # difference the aggregate before and after and so recover one person's answers.
    return Evaluation.objects.create(
        away_day=away_day,
        participant=participant,
        usefulness=usefulness,
        keep=(keep or "").strip(),
        change=(change or "").strip(),
    )
