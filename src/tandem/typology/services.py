"""Writes for type profiling: each keyword-only and atomic (docs/style.md).

Who may call which is decided by the views through `selectors.person_for` /
`selectors.own_participant`; these functions keep the data consistent whoever calls them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.typology import ANSWER_MAX, ANSWER_MIN, parse_type, score_answers
from tandem.audit.services import audit_record
from tandem.programmes.models import Participant
from tandem.typology.indicator import Indicator, get_indicator
from tandem.typology.models import IndicatorResponse, TypeProfile, TypeSource

MAX_SOURCE_CHARS = 200


@transaction.atomic
def indicator_submit(
    *,
    participant: Participant,
    answers: Mapping[str, int],
    indicator: Indicator | None = None,
) -> TypeProfile:
    """Store a full set of answers, score them and make the result the participant's profile.

    Every item must be answered with a whole number 1–5. A new result must be confirmed and
    shared afresh: a best fit or consent given for an earlier result does not carry over.
    """
    indicator = indicator or get_indicator()
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for item in indicator.items:
        value = answers.get(item.id)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[item.id] = "Choose the answer that is closer to how you work."
        elif not ANSWER_MIN <= value <= ANSWER_MAX:
            errors[item.id] = f"Choose one of the {ANSWER_MAX} answers."
        else:
            clean[item.id] = value
    unknown = set(answers) - set(indicator.item_ids)
    if unknown:
        errors["__all__"] = f"Unknown items: {', '.join(sorted(unknown))}."
    if errors:
        raise ValidationError(errors)
    score = score_answers(clean, indicator.scoring_items)
    now = timezone.now()
    IndicatorResponse.objects.update_or_create(
        participant=participant,
        defaults={
            "instrument_version": indicator.version,
            "answers": clean,
            "submitted_at": now,
        },
    )
    profile, _ = TypeProfile.objects.update_or_create(
        participant=participant,
        defaults={
            "source": TypeSource.INDICATOR,
            "reported_type": score.reported_type,
            "best_fit_type": "",
            "scores": {
                p.pair: {"total": p.total, "answered": p.answered, "n_items": p.n_items}
                for p in score.preferences
            },
            "instrument_version": indicator.version,
            "external_source": "",
            "entered_by": None,
            "shared": False,
            "shared_at": None,
            "confirmed_at": None,
            "recorded_at": now,
        },
    )
    audit_record(action="type_indicator.submit", subject=profile, programme=participant.programme)
    return profile


def _type_or_error(code: str, field: str) -> str:
    try:
        return parse_type(code)
    except AnalysisInputError as error:
        raise ValidationError({field: str(error)}) from error


@transaction.atomic
def type_best_fit_confirm(*, profile: TypeProfile, best_fit: str) -> TypeProfile:
    """Record the four letters the person judges fit them best (after seeing the report).

    Confirming the same letters again changes nothing: `confirmed_at` dates the best fit itself,
    and the lead's indicator evidence waits for k more people after any change to it.
    """
    letters = _type_or_error(best_fit, "best_fit")
    if letters != profile.best_fit_type or profile.confirmed_at is None:
        profile.best_fit_type = letters
        profile.confirmed_at = timezone.now()
        profile.save(update_fields=["best_fit_type", "confirmed_at"])
    audit_record(
        action="type_best_fit.confirm", subject=profile, programme=profile.participant.programme
    )
    return profile


@transaction.atomic
def type_external_record(
    *, participant: Participant, type_code: str, source: str, actor: Any = None
) -> TypeProfile:
    """Record a type assessed elsewhere (e.g. a licensed MBTI® assessment), with its source.

    The entered type is taken as the best fit (the person may change it); consent to share
    starts off again, as for any new result.
    """
    code = _type_or_error(type_code, "type_code")
    source = source.strip()
    if not source:
        raise ValidationError(
            {"source": "Say where the type was assessed, for example “MBTI® Step I, 2023”."}
        )
    if len(source) > MAX_SOURCE_CHARS:
        raise ValidationError(
            {"source": f"Keep the source to {MAX_SOURCE_CHARS} characters or fewer."}
        )
    now = timezone.now()
    profile, _ = TypeProfile.objects.update_or_create(
        participant=participant,
        defaults={
            "source": TypeSource.EXTERNAL,
            "reported_type": code,
            "best_fit_type": code,
            "scores": {},
            "instrument_version": None,
            "external_source": source,
            "entered_by": actor if getattr(actor, "is_authenticated", False) else None,
            "shared": False,
            "shared_at": None,
            "confirmed_at": now,
            "recorded_at": now,
        },
    )
    audit_record(
        action="type_external.record",
        subject=profile,
        actor=actor,
        programme=participant.programme,
    )
    return profile


@transaction.atomic
def type_share_set(*, profile: TypeProfile, shared: bool) -> TypeProfile:
    """Turn the person's consent to share their best-fit type with the group on or off."""
    if shared and not profile.best_fit_type:
        raise ValidationError(
            "Confirm your best-fit type before you share it: the group sees the best fit."
        )
    profile.shared = shared
    profile.shared_at = timezone.now() if shared else None
    profile.save(update_fields=["shared", "shared_at"])
    # Consent is the record an information-governance review asks for first.
    audit_record(
        action="type_consent.share" if shared else "type_consent.withdraw",
        subject=profile,
        programme=profile.participant.programme,
    )
    return profile
