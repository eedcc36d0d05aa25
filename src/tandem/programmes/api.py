"""API: programmes, their people and their doctor–manager pairs (as the web pages show them)."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tandem.api.schemas import (
    ApiRequest,
    Page,
    id_path,
    optional_query,
    paged_list,
    responses,
    slug_path,
)
from tandem.programmes import selectors
from tandem.programmes.models import Pair, Participant, Programme, Role

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    slug: str
    name: str
    organisation: str
    description: str
    start_date: dt.date
    end_date: dt.date
    min_group_size: int = Field(description="k: no aggregate over fewer people is shown.")
    your_roles: list[str] = Field(description="Your roles in the programme.")


class MilestoneOut(Schema):
    kind: str
    title: str
    start_date: dt.date
    end_date: dt.date | None
    description: str


class ProgrammeDetailOut(ProgrammeOut):
    participant_count: int
    pair_count: int
    role_counts: dict[str, int] = Field(description="People in the programme by role.")
    milestones: list[MilestoneOut]


class ParticipantOut(Schema):
    id: int
    name: str
    role: str
    profession: str
    level: str
    job_title: str
    service: str | None
    locality: str | None


class PersonRef(Schema):
    id: int
    name: str
    profession: str


class PartnerOut(Schema):
    pair_id: int
    service: str
    partner: PersonRef


class ParticipantDetailOut(ParticipantOut):
    email: str | None = Field(description="Shown to the programme lead only, as on the web page.")
    pairs: list[PartnerOut]


class PairOut(Schema):
    id: int
    service: str
    locality: str
    doctor: PersonRef
    manager: PersonRef


def _participant(participant: Participant) -> dict[str, Any]:
    person = participant.person
    return {
        "id": participant.pk,
        "name": person.name,
        "role": participant.role,
        "profession": person.profession,
        "level": person.level,
        "job_title": person.job_title,
        "service": person.service.name if person.service else None,
        "locality": person.service.locality.name if person.service else None,
    }


def _ref(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.pk,
        "name": participant.person.name,
        "profession": participant.person.profession,
    }


def _programme(programme: Programme, roles: frozenset[str]) -> dict[str, Any]:
    return {
        "slug": programme.slug,
        "name": programme.name,
        "organisation": programme.organisation.name,
        "description": programme.description,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "min_group_size": programme.min_group_size,
        "your_roles": sorted(roles),
    }


@router.get(
    "/programmes", response=responses(list[ProgrammeOut]), summary="Programmes you take part in"
)
@paginate(Page)
def programme_list(request: ApiRequest) -> Any:
    roles = selectors.roles_by_programme(viewer=request.auth)
    return [
        _programme(programme, roles.get(programme.pk, frozenset()))
        for programme in selectors.programmes_for(viewer=request.auth)
    ]


@router.get("/programmes/{slug}", response=responses(ProgrammeDetailOut), summary="One programme")
def programme_detail(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = selectors.programme_for(viewer=request.auth, slug=slug)
    overview = selectors.programme_overview(viewer=request.auth, programme=programme)
    return {
        **_programme(programme, overview.roles_of_viewer),
        "participant_count": overview.participant_count,
        "pair_count": overview.pair_count,
        "role_counts": {value: overview.role_counts.get(value, 0) for value in Role.values},
        "milestones": [
            {
                "kind": m.kind,
                "title": m.title,
                "start_date": m.start_date,
                "end_date": m.end_date,
                "description": m.description,
            }
            for m in overview.milestones
        ],
    }


@router.get(
    "/programmes/{slug}/participants",
    response=responses(list[ParticipantOut]),
    summary="People in a programme",
)
@paginate(Page)
def participant_list(
    request: ApiRequest,
    slug: str = slug_path(),
    role: Role | None = optional_query(description="Only people with this role."),  # noqa: B008
    q: str | None = optional_query(max_length=100, description="Only names containing this."),
) -> Any:
    programme = selectors.programme_for(viewer=request.auth, slug=slug)
    participants = selectors.participants_for(
        viewer=request.auth, programme=programme, role=role, query=q
    )
    return [_participant(participant) for participant in participants]


@router.get(
    "/programmes/{slug}/participants/{participant_id}",
    response=responses(ParticipantDetailOut),
    summary="One person in a programme, with their pairs",
)
def participant_detail(
    request: ApiRequest,
    slug: str = slug_path(),
    participant_id: int = id_path("The participant's id within the programme."),
) -> Any:
    programme = selectors.programme_for(viewer=request.auth, slug=slug)
    participant = selectors.participant_for(
        viewer=request.auth, programme=programme, participant_id=participant_id
    )
    pairs = [(pair, pair.manager) for pair in participant.pairs_as_doctor.all()] + [
        (pair, pair.doctor) for pair in participant.pairs_as_manager.all()
    ]
    lead = selectors.can_manage(viewer=request.auth, programme=programme)
    return {
        **_participant(participant),
        "email": participant.person.email if lead else None,
        "pairs": [
            {"pair_id": pair.pk, "service": pair.service.name, "partner": _ref(partner)}
            for pair, partner in pairs
        ],
    }


@paged_list(
    router,
    "/programmes/{slug}/pairs",
    PairOut,
    summary="Doctor–manager pairs",
)
def pair_list(request: ApiRequest, programme: Programme) -> Any:
    pairs: list[Pair] = list(selectors.pairs_for(viewer=request.auth, programme=programme))
    return [
        {
            "id": pair.pk,
            "service": pair.service.name,
            "locality": pair.service.locality.name,
            "doctor": _ref(pair.doctor),
            "manager": _ref(pair.manager),
        }
        for pair in pairs
    ]
