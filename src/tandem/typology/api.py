"""API: the team type table — shared best-fit types only, and nothing below k sharers."""

from typing import Any

from ninja import Field, Router, Schema

from tandem.api.schemas import ApiRequest, responses, slug_path
from tandem.programmes.selectors import programme_for
from tandem.typology import selectors

router = Router(tags=["type profiling"])


class TypeCountOut(Schema):
    type: str
    count: int


class ProfessionPreferencesOut(Schema):
    profession: str
    people: int
    by_preference: dict[str, int]


class TeamTableOut(Schema):
    k: int
    shown: bool = Field(description="False until at least k people have shared their type.")
    hidden: str | None
    people: int | None = Field(description="People counted (null while the table is hidden).")
    external: int | None = Field(description="Of those, types assessed outside Tandem.")
    grid: list[list[TypeCountOut]] = Field(
        description="The 4×4 type table: rows IJ, IP, EP, EJ; columns ST, SF, NF, NT."
    )
    by_preference: dict[str, int]
    by_profession: list[ProfessionPreferencesOut]
    shared_preferences: list[str] = Field(description="Held by at least two thirds of the team.")
    blind_spots: list[str]


@router.get(
    "/programmes/{slug}/types/team",
    response=responses(TeamTableOut),
    summary="Team type table of shared types",
)
def team_table(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    view = selectors.team_table_for(viewer=request.auth, programme=programme)
    table = view.table
    if table is None:
        return {
            "k": view.k,
            "shown": False,
            "hidden": f"No table yet: it appears once at least {view.k} people have shared their type.",
            "people": None,
            "external": None,
            "grid": [],
            "by_preference": {},
            "by_profession": [],
            "shared_preferences": [],
            "blind_spots": [],
        }
    return {
        "k": view.k,
        "shown": True,
        "hidden": None,
        "people": table.n,
        "external": view.external_count,
        "grid": [
            [{"type": cell.type_code, "count": cell.count} for cell in row] for row in view.rows
        ],
        "by_preference": dict(table.by_preference),
        "by_profession": [
            {"profession": group, "people": size, "by_preference": dict(counts)}
            for group, size, counts in view.professions
        ],
        "shared_preferences": list(table.shared),
        "blind_spots": list(table.blind_spots),
    }
