"""API: coaching dose for the evaluation — counts and weeks, no content (as the CSV export)."""

from typing import Any

from django.db import transaction
from ninja import Router, Schema

from tandem.api.auth import audit_extra
from tandem.api.schemas import ApiRequest, paged_list
from tandem.audit.services import audit_record
from tandem.coaching import selectors
from tandem.programmes.models import Programme

router = Router(tags=["coaching"])


class DoseOut(Schema):
    participant_id: int
    name: str
    profession: str
    coach: str
    sessions_planned: int
    sessions_attended: int
    cancelled: int
    did_not_attend: int
    weeks_in_coaching: float


@paged_list(
    router,
    "/programmes/{slug}/coaching/dose",
    DoseOut,
    summary="Coaching dose per participant (programme lead and sponsors)",
)
def dose(request: ApiRequest, programme: Programme) -> Any:
    with transaction.atomic():
        rows = selectors.coaching_dose_for(viewer=request.auth, programme=programme)
        audit_record(
            actor=request.auth,
            action="api.coaching_dose.read",
            programme=programme,
            subject_type="programmes.programme",
            subject_id=programme.pk,
            extra=audit_extra(request, rows=len(rows)),
        )
    return [
        {
            "participant_id": row.participant.pk,
            "name": row.participant.person.name,
            "profession": row.participant.person.profession,
            "coach": row.coach_name,
            "sessions_planned": row.planned,
            "sessions_attended": row.dose.sessions_attended,
            "cancelled": row.cancelled,
            "did_not_attend": row.no_show,
            "weeks_in_coaching": row.dose.weeks_in_coaching,
        }
        for row in sorted(rows.values(), key=lambda r: r.participant.person.name)
    ]
