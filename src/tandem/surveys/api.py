"""API: questionnaire waves and how many have responded (programme lead only, as on the web).

Counts of invitations by status, overall and by profession — never what anyone answered, and
not even who has responded: the web page has that, for chasing replies; an API has no need of it.
"""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tandem.api.schemas import ApiRequest, Page, id_path, responses, slug_path
from tandem.programmes.selectors import programme_for
from tandem.surveys import selectors
from tandem.surveys.models import InvitationStatus, Wave

router = Router(tags=["questionnaire waves"])


class CompletionOut(Schema):
    invited: int
    not_started: int
    in_progress: int
    submitted: int
    response_rate: float = Field(description="Submitted ÷ invited, from 0 to 1.")


class WaveOut(Schema):
    id: int
    title: str
    kind: str
    instrument_id: str
    instrument_version: int
    opens_on: dt.date
    closes_on: dt.date
    status: str = Field(description='"not_yet_open", "open" or "closed".')
    released: bool = Field(description="Whether its feedback report is released to everyone.")
    completion: CompletionOut


class GroupRateOut(Schema):
    profession: str
    invited: int
    submitted: int
    response_rate: float
    low: bool = Field(description="Below 60%: results may not represent the group.")


class WaveDetailOut(WaveOut):
    low_response: bool
    by_profession: list[GroupRateOut]
    unmatched_responses: int = Field(
        description="Responses imported from an anonymous export: in no count above (no invitee)."
    )


def _status(wave: Wave) -> str:
    if wave.has_closed():
        return "closed"
    return "open" if wave.is_open() else "not_yet_open"


def _completion(counts: dict[str, int]) -> dict[str, Any]:
    invited = sum(counts.values())
    submitted = counts.get(InvitationStatus.SUBMITTED, 0)
    return {
        "invited": invited,
        "not_started": counts.get(InvitationStatus.NOT_STARTED, 0),
        "in_progress": counts.get(InvitationStatus.IN_PROGRESS, 0),
        "submitted": submitted,
        "response_rate": submitted / invited if invited else 0.0,
    }


def _wave(wave: Wave, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "title": wave.title,
        "kind": wave.kind,
        "instrument_id": wave.instrument_id,
        "instrument_version": wave.instrument_version,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "status": _status(wave),
        "released": wave.released_at is not None,
        "completion": _completion(counts),
    }


@router.get(
    "/programmes/{slug}/waves",
    response=responses(list[WaveOut]),
    summary="Questionnaire waves with response counts (programme lead)",
)
@paginate(Page)
def wave_list(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug, manage=True)
    counts = selectors.completion_counts(viewer=request.auth, programme=programme)
    return [
        _wave(wave, counts.get(wave.pk, {}))
        for wave in selectors.waves_for(viewer=request.auth, programme=programme)
    ]


@router.get(
    "/programmes/{slug}/waves/{wave_id}",
    response=responses(WaveDetailOut),
    summary="One wave's response counts, overall and by profession (programme lead)",
)
def wave_detail(
    request: ApiRequest,
    slug: str = slug_path(),
    wave_id: int = id_path("The wave's id within the programme."),
) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.auth, programme=programme, wave_id=wave_id)
    completion = selectors.wave_completion(viewer=request.auth, wave=wave)
    return {
        **_wave(wave, completion.counts),
        "low_response": completion.is_low,
        "by_profession": [
            {
                "profession": group.label,
                "invited": group.invited,
                "submitted": group.submitted,
                "response_rate": group.rate,
                "low": group.is_low,
            }
            for group in completion.by_profession
        ],
        "unmatched_responses": completion.unmatched,
    }
