"""API: actions, the charter and away days, from the same selectors as the workshops pages.

- the action log with the web page's filters (owner, pair, locality, away day, status): the
  programme lead and sponsors; `actions/mine`: anyone with a role (their own actions; none for a
  coach, who owns none);
- the charter (agreed practices, current version and every earlier one, and the mission): every
  member of the programme;
- away days (no attendance: only the lead sees who came, on the attendance page): the lead,
  sponsors and participants.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tandem.api.schemas import (
    ApiRequest,
    Page,
    optional_query,
    paged_list,
    responses,
    slug_path,
)
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for
from tandem.workshops import selectors
from tandem.workshops.models import Action, ActionStatus, AwayDay, PracticeVersion

router = Router(tags=["workshops"])

STATUSES = "|".join(status.value for status in ActionStatus)


class ActionOut(Schema):
    id: int
    title: str
    owner_id: int = Field(description="The owner's participant id.")
    owner: str
    pair_id: int | None
    service: str | None = Field(description="The pair's service, if the action is a pair's.")
    locality: str | None
    away_day_id: int | None
    due_on: dt.date
    status: str
    status_label: str
    overdue: bool


class PracticeVersionOut(Schema):
    number: int
    title: str
    description: str
    why_it_matters: str
    how_we_know: str
    owner: str | None = Field(description="Null: the whole group.")
    away_day_id: int
    away_day: str
    retired: bool


class PracticeOut(Schema):
    id: int
    current: PracticeVersionOut
    versions: list[PracticeVersionOut] = Field(description="Every version, oldest first.")


class MissionOut(Schema):
    text: str
    away_day_id: int
    away_day: str


class CharterOut(Schema):
    mission: MissionOut | None = Field(description="The current mission, if one was agreed.")
    practices: list[PracticeOut] = Field(description="Agreed practices in force.")


class AwayDayOut(Schema):
    id: int
    title: str
    date: dt.date
    venue: str
    objectives: str
    outcomes: str
    evaluation_closes_on: dt.date = Field(
        description="The last day people can give feedback on the day; its results are shown "
        "(on the web pages, to the lead and sponsors) only after it."
    )


def _action(action: Action, today: dt.date) -> dict[str, Any]:
    pair = action.pair
    locality = (
        pair.service.locality
        if pair is not None
        else (action.owner.person.service.locality if action.owner.person.service else None)
    )
    return {
        "id": action.pk,
        "title": action.title,
        "owner_id": action.owner_id,
        "owner": action.owner.person.name,
        "pair_id": action.pair_id,
        "service": pair.service.name if pair is not None else None,
        "locality": locality.name if locality is not None else None,
        "away_day_id": action.away_day_id,
        "due_on": action.due_on,
        "status": action.status,
        "status_label": ActionStatus(action.status).label,
        "overdue": action.is_overdue(today),
    }


def _version(version: PracticeVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "description": version.description,
        "why_it_matters": version.why_it_matters,
        "how_we_know": version.how_we_know,
        "owner": version.owner.person.name if version.owner is not None else None,
        "away_day_id": version.away_day_id,
        "away_day": version.away_day.title,
        "retired": version.retired,
    }


def _id_query(description: str) -> Any:
    return optional_query(description=description, ge=1, le=2**63 - 1)


@router.get(
    "/programmes/{slug}/actions",
    response=responses(list[ActionOut]),
    summary="The action log, filtered as on the page (programme lead and sponsors)",
    url_name="actions",
)
@paginate(Page)
def actions(
    request: ApiRequest,
    slug: str = slug_path(),
    owner: int | None = _id_query("Only this participant's actions."),
    pair: int | None = _id_query("Only this pair's actions."),
    locality: int | None = _id_query("Only actions of this locality's pairs or people."),
    away_day: int | None = _id_query("Only actions agreed at this away day."),
    status: str | None = optional_query(
        description=f"Only actions with this status: {STATUSES.replace('|', ', ')}.",
        pattern=f"^({STATUSES})$",
    ),
) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    filters = selectors.ActionFilters(
        owner=owner, pair=pair, locality=locality, away_day=away_day, status=status
    )
    today = timezone.localdate()
    found = selectors.actions_for(viewer=request.auth, programme=programme, filters=filters)
    return [_action(action, today) for action in found]


@paged_list(
    router,
    "/programmes/{slug}/actions/mine",
    ActionOut,
    summary="Your own actions (anyone in the programme)",
    url_name="my_actions",
)
def my_actions(request: ApiRequest, programme: Programme) -> Any:
    today = timezone.localdate()
    found = selectors.my_actions_for(viewer=request.auth, programme=programme)
    return [_action(action, today) for action in found]


@router.get(
    "/programmes/{slug}/charter",
    response=responses(CharterOut),
    summary="The charter: the mission and the agreed practices in force (every member)",
    url_name="charter",
)
def charter(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    entries = selectors.charter_for(viewer=request.auth, programme=programme)
    missions = selectors.missions_for(viewer=request.auth, programme=programme)
    mission = missions[-1] if missions else None
    return {
        "mission": None
        if mission is None
        else {
            "text": mission.text,
            "away_day_id": mission.away_day_id,
            "away_day": mission.away_day.title,
        },
        "practices": [
            {
                "id": entry.practice.pk,
                "current": _version(entry.current),
                "versions": [_version(v) for v in entry.versions],
            }
            for entry in entries
        ],
    }


def _away_day(day: AwayDay) -> dict[str, Any]:
    return {
        "id": day.pk,
        "title": day.title,
        "date": day.date,
        "venue": day.venue,
        "objectives": day.objectives,
        "outcomes": day.outcomes,
        "evaluation_closes_on": day.evaluation_closes_on,
    }


@paged_list(
    router,
    "/programmes/{slug}/away-days",
    AwayDayOut,
    summary="Away days (programme lead, sponsors and participants; no attendance)",
    url_name="away_days",
)
def away_days(request: ApiRequest, programme: Programme) -> Any:
    return [_away_day(d) for d in selectors.away_days_for(viewer=request.auth, programme=programme)]
