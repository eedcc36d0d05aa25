"""Away-day feedback: given by the participants invited, read in aggregate by the lead and
sponsors once the feedback window has closed (figures need k people, written answers k_text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.programmes.models import Participant, Programme
from tandem.workshops.models import USEFULNESS_MAX, USEFULNESS_MIN, AwayDay, Evaluation
from tandem.workshops.selectors.rules import (
    LEAD,
    PARTICIPANT,
    SPONSOR,
    WorkshopsAccessDenied,
    member_access,
    require_role,
)


def evaluation_scope(away_day: AwayDay) -> Scope:
    """The disclosure scope of an away day's feedback: frozen once its window has passed.

    Until then nothing worked out from the feedback is shown to anyone, the lead included: a
    reading before and after one person gives feedback (at the away day, on their phone) would
    give their answers away.
    """
    key = f"away-day:{away_day.pk}:evaluation"
    if away_day.evaluation_has_closed():
        return Scope(key=key, frozen=True)
    return Scope(
        key=key,
        frozen=False,
        pending=(
            f"Results appear when feedback closes on {away_day.evaluation_closes_on:%-d %B %Y}, "
            "so that no one's answers can be worked out from changes."
        ),
    )


def feedback_window_text(*, away_day: AwayDay, today: dt.date | None = None) -> str:
    """When people can give feedback on the day, in words, for the away day's page."""
    today = today or timezone.localdate()
    closes = f"{away_day.evaluation_closes_on:%-d %B %Y}"
    if away_day.evaluation_has_closed(today):
        return f"Closed on {closes}."
    if today < away_day.date:
        return f"Open from the day itself, {away_day.date:%-d %B %Y}, until the end of {closes}."
    return f"Open until the end of {closes}."


@dataclass(frozen=True)
class EvaluationSummary:
    """What the feedback page shows. While the window is open (`pending`), only how many people
    have given feedback; afterwards the figures and written answers the ledger allows."""

    away_day: AwayDay
    respondents: int
    k: int
    k_text: int
    mean_usefulness: float | None
    distribution: list[tuple[int, int]] | None
    keep: list[str] | None
    change: list[str] | None
    reason: str
    text_reason: str
    pending: str = ""


EVALUATION_SURFACE = "workshops.evaluation"


def evaluation_summary_for(
    *, viewer: Any, programme: Programme, away_day: AwayDay
) -> EvaluationSummary:
    """Usefulness (mean and counts) and the written answers, never per person, and only once
    feedback has closed.

    Through the disclosure ledger: measure "usefulness" for the mean and the distribution,
    "written" for the written answers (which also need k_text people); each over the people
    who gave feedback.
    """
    access = member_access(viewer=viewer, programme=programme)
    require_role(access, LEAD, SPONSOR, message="Evaluation results are for the lead and sponsors.")
    rows = list(
        Evaluation.objects.filter(away_day=away_day).values_list(
            "participant_id", "usefulness", "keep", "change"
        )
    )
    n = len(rows)
    k, k_text = programme.min_group_size, programme.min_text_group_size
    scope = evaluation_scope(away_day)
    text_reason = f"Written answers are shown only when at least {k_text} people answered."
    disclosure = Disclosure(programme=programme, surface=EVALUATION_SURFACE)
    if n or not scope.frozen:
        members = [r[0] for r in rows]
        disclosure.add("usefulness", piece(scope, "usefulness", members))
        # Below k_text the written answers are not offered to the ledger at all (nothing to
        # record); while feedback is open they are, so that the page says when they appear.
        if n >= k_text or not scope.frozen:
            disclosure.add("written", piece(scope, "written", members))
    decisions = disclosure.decide()
    numbers, texts = decisions.shown("usefulness"), decisions.shown("written")
    if n == 0 and scope.frozen:
        reason = text_reason = "No one gave feedback on this day."
    else:
        reason = decisions.reason("usefulness") or ""
        text_reason = decisions.reasons.get("written", text_reason)
    # Shuffled by sorting: the order of submission would say who wrote what to someone who watched.
    keep = sorted(r[2].strip() for r in rows if r[2].strip()) if texts else None
    change = sorted(r[3].strip() for r in rows if r[3].strip()) if texts else None
    return EvaluationSummary(
        away_day=away_day,
        respondents=n,
        k=k,
        k_text=k_text,
        mean_usefulness=(sum(r[1] for r in rows) / n) if numbers else None,
        distribution=(
            [
                (score, sum(1 for r in rows if r[1] == score))
                for score in range(USEFULNESS_MIN, USEFULNESS_MAX + 1)
            ]
            if numbers
            else None
        ),
        keep=keep,
        change=change,
        reason="" if numbers else reason,
        text_reason="" if texts else text_reason,
        pending=scope.pending,
    )


def evaluation_form_for(*, viewer: Any, programme: Programme, away_day: AwayDay) -> Participant:
    """The participant who may evaluate this away day (any programme participant, once)."""
    participant = member_access(viewer=viewer, programme=programme).participant
    if participant is None or participant.role != PARTICIPANT:
        raise WorkshopsAccessDenied("Participants evaluate away days.")
    if not away_day.invitations.filter(participant=participant).exists():
        raise WorkshopsAccessDenied("Only people invited to this away day give feedback on it.")
    return participant


def may_evaluate(
    *, participant: Participant, away_day: AwayDay, today: dt.date | None = None
) -> bool:
    """Invited, not yet evaluated, and feedback open today: the page offers the feedback form."""
    return (
        away_day.evaluation_is_open(today)
        and away_day.invitations.filter(participant=participant).exists()
        and not Evaluation.objects.filter(away_day=away_day, participant=participant).exists()
    )
