"""What the typology app holds about a person, for subject access and erasure."""

from __future__ import annotations

from typing import Any

from tandem.gdpr.registry import GdprContext, Section
from tandem.gdpr.tables import rows


def export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.typology.models import IndicatorResponse, TypeProfile

    # A person's type is theirs (and their coach's, if they share it); not the lead's.
    if not context.include_confidential_notes:
        if TypeProfile.objects.filter(participant__person=person).exists():
            context.notes.append(
                "The type profile and type-indicator answers are left out: only the person (and "
                "a coach they share it with) may see them. The data protection officer's "
                "`tandem gdpr export` includes them."
            )
        return {}
    return {
        "type_profile": rows(
            TypeProfile.objects.filter(participant__person=person),
            [
                "participant__programme__name",
                "source",
                "reported_type",
                "best_fit_type",
                "scores",
                "external_source",
                "shared",
                "recorded_at",
            ],
        ),
        "indicator_answers": rows(
            IndicatorResponse.objects.filter(participant__person=person),
            ["participant__programme__name", "instrument_version", "answers", "submitted_at"],
        ),
    }


def erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.typology.models import TypeProfile

    return {
        "type sources blanked": TypeProfile.objects.filter(participant__person=person)
        .exclude(external_source="")
        .update(external_source="")
    }
