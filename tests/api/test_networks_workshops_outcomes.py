"""The networks, workshops and outcomes endpoints: every caller, privacy, suppression and budgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem import demo as demo_module
from tandem.audit.models import AuditEvent
from tandem.outcomes.models import Kpi
from tandem.programmes.models import Person, Service
from tandem.surveys.models import Wave
from tandem.workshops.models import Action, ActionStatus

from .test_permissions import CALLERS, LEAD_AND_SPONSOR, MEMBERS

pytestmark = pytest.mark.django_db

SLUG = demo_module.DEMO_SLUG
ROOT = f"programmes/{SLUG}"
PARTICIPANT_ONLY = {"lead": 403, "sponsor": 403, "coach": 403, "participant": 200, "outsider": 404}
NOT_COACH = {"lead": 200, "sponsor": 200, "coach": 403, "participant": 200, "outsider": 404}
NOT_COACH_NOR_PARTICIPANT = LEAD_AND_SPONSOR

# The participant caller (Dr Amara Okafor) leads this service with Anna Kowalski.
OWN_SERVICE = "North Community Mental Health Team"
OTHER_SERVICE = "Acute Inpatient Wards"

ENDPOINTS: tuple[tuple[str, dict[str, int]], ...] = (
    (f"{ROOT}/networks/waves", LEAD_AND_SPONSOR),
    (f"{ROOT}/networks/indices", LEAD_AND_SPONSOR),
    (f"{ROOT}/networks/me", PARTICIPANT_ONLY),
    (f"{ROOT}/actions", LEAD_AND_SPONSOR),
    (f"{ROOT}/actions/mine", MEMBERS),
    (f"{ROOT}/charter", MEMBERS),
    (f"{ROOT}/away-days", NOT_COACH),
    (f"{ROOT}/outcomes/services", NOT_COACH),
    (f"{ROOT}/outcomes/services/{{own}}/kpis", NOT_COACH),
    (
        f"{ROOT}/outcomes/services/{{other}}/kpis",
        {"lead": 200, "sponsor": 200, "coach": 403, "participant": 403, "outsider": 404},
    ),
)


def _path(template: str) -> str:
    return template.format(
        own=Service.objects.get(name=OWN_SERVICE).pk,
        other=Service.objects.get(name=OTHER_SERVICE).pk,
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("template", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_endpoint_answers_each_caller_as_the_web_rules_say(
    template: str,
    expected: dict[str, int],
    caller: str,
    call: Callable[..., Any],
    tokens: dict[str, str | None],
) -> None:
    response = call(_path(template), tokens[caller])
    assert response.status_code == expected.get(caller, 401), response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if response.status_code != 200:
        assert set(response.json()) == {"detail"}
        assert response.json()["detail"]


# ---------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------


def _names(demo: demo_module.DemoProgramme) -> list[str]:
    return list(
        Person.objects.filter(participations__programme=demo.programme)
        .distinct()
        .values_list("name", flat=True)
    )


@pytest.mark.parametrize("caller", ["lead", "sponsor"])
def test_network_endpoints_name_nobody(
    caller: str,
    call: Callable[..., Any],
    tokens: dict[str, str | None],
    demo: demo_module.DemoProgramme,
) -> None:
    names = _names(demo)
    assert len(names) > 20
    for path in ("networks/waves", "networks/indices"):
        response = call(f"{ROOT}/{path}", tokens[caller])
        assert response.status_code == 200
        body = response.content.decode()
        for name in names:
            assert name not in body, (path, name)
            assert name.split()[-1] not in body, (path, name)


def test_network_indices_per_wave_and_relation_with_change(
    call: Callable[..., Any], lead_token: str, demo: demo_module.DemoProgramme
) -> None:
    body = call(f"{ROOT}/networks/indices", lead_token).json()
    assert body["k"] == demo.programme.min_group_size
    shown = [w for w in body["waves"] if w["hidden"] is None]
    assert len(shown) >= 2
    relation = shown[0]["relations"][0]
    assert 0 <= relation["density"] <= 1
    assert set(relation["dyad_census"]) == {"mutual", "asymmetric", "null"}
    census = relation["dyad_census"]
    assert census["mutual"] * 2 + census["asymmetric"] == relation["edges"]
    assert relation["ei_index"]["p_value"] is not None
    assert {b["profession"] for b in relation["bonding"]} >= {"Doctor", "Manager"}
    change = body["change"]
    assert change["before"]["id"] == shown[-2]["wave"]["id"]
    assert change["after"]["id"] == shown[-1]["wave"]["id"]
    assert change["relations"]
    assert all(r["sentences"] for r in change["relations"])


def test_sponsors_see_only_released_network_waves(
    call: Callable[..., Any], tokens: dict[str, str | None], waves: dict[str, Wave]
) -> None:
    Wave.objects.filter(pk=waves["repeat"].pk).update(released_at=None)
    lead = call(f"{ROOT}/networks/waves", tokens["lead"]).json()
    sponsor = call(f"{ROOT}/networks/waves", tokens["sponsor"]).json()
    assert waves["repeat"].pk in [w["id"] for w in lead["items"]]
    assert waves["repeat"].pk not in [w["id"] for w in sponsor["items"]]
    indices = call(f"{ROOT}/networks/indices", tokens["sponsor"]).json()
    assert waves["repeat"].pk not in [w["wave"]["id"] for w in indices["waves"]]


def test_network_waves_of_fewer_than_k_respondents_have_no_indices(
    call: Callable[..., Any], lead_token: str, demo: demo_module.DemoProgramme
) -> None:
    programme = demo.programme
    programme.min_group_size = 10_000
    programme.save(update_fields=["min_group_size"])
    body = call(f"{ROOT}/networks/indices", lead_token).json()
    assert body["waves"]
    for wave in body["waves"]:
        assert wave["relations"] == []
        assert "fewer than 10000" in wave["hidden"]
    assert body["change"] is None


def test_network_bonding_of_a_profession_below_k_is_absent(
    call: Callable[..., Any], lead_token: str, demo: demo_module.DemoProgramme
) -> None:
    body = call(f"{ROOT}/networks/indices", lead_token).json()
    respondents = min(w["respondents"] for w in body["waves"] if w["hidden"] is None)
    # The largest k at which every wave is still shown: professions smaller than that (there are
    # fewer doctors than people) lose their bonding figure.
    programme = demo.programme
    programme.min_group_size = respondents
    programme.save(update_fields=["min_group_size"])
    body = call(f"{ROOT}/networks/indices", lead_token).json()
    bonding = [
        b for w in body["waves"] for r in w["relations"] for b in r["bonding"] if b["hidden"]
    ]
    assert bonding
    assert all(b["density"] is None for b in bonding)


def test_ego_network_is_the_participants_own_and_audited_like_the_page(
    call: Callable[..., Any], tokens: dict[str, str | None]
) -> None:
    before = AuditEvent.objects.filter(action="networks.ego_network.read").count()
    response = call(f"{ROOT}/networks/me", tokens["participant"])
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="networks.ego_network.read").count() == before + 1
    body = response.json()
    assert body["waves"]
    tie = body["waves"][0]["ties"][0]
    assert set(tie["labels"]) == set(tie["answers"])
    # Never who named the participant: only counts, and only when shown on the page.
    for confirmed in body["waves"][0]["confirmed"]:
        assert set(confirmed) == {"relation", "text", "named", "named_back"}


# ---------------------------------------------------------------------------------------------
# Workshops
# ---------------------------------------------------------------------------------------------


def test_action_log_filters_as_the_page(
    call: Callable[..., Any], lead_token: str, demo: demo_module.DemoProgramme
) -> None:
    everything = call(f"{ROOT}/actions", lead_token, page_size=100).json()
    assert everything["count"] == Action.objects.filter(programme=demo.programme).count()
    done = call(f"{ROOT}/actions", lead_token, status="done", page_size=100).json()
    assert (
        done["count"]
        == Action.objects.filter(programme=demo.programme, status=ActionStatus.DONE).count()
    )
    assert {a["status"] for a in done["items"]} == {"done"}
    action = Action.objects.filter(programme=demo.programme, pair__isnull=False).first()
    assert action is not None
    for name, value, field in (
        ("owner", action.owner_id, "owner_id"),
        ("pair", action.pair_id, "pair_id"),
        ("away_day", action.away_day_id, "away_day_id"),
    ):
        if value is None:
            continue
        found = call(f"{ROOT}/actions", lead_token, page_size=100, **{name: value}).json()
        assert found["count"] >= 1
        assert {a[field] for a in found["items"]} == {value}
    locality = action.pair.service.locality  # type: ignore[union-attr]
    found = call(f"{ROOT}/actions", lead_token, page_size=100, locality=locality.pk).json()
    assert {a["locality"] for a in found["items"]} == {locality.name}
    assert call(f"{ROOT}/actions", lead_token, status="nonsense").status_code == 422


def test_my_actions_are_the_callers_own(
    call: Callable[..., Any], tokens: dict[str, str | None], demo: demo_module.DemoProgramme
) -> None:
    mine = call(f"{ROOT}/actions/mine", tokens["participant"], page_size=100).json()
    owner = demo.programme.participants.get(person__name="Dr Amara Okafor")
    assert mine["count"] == Action.objects.filter(owner=owner).count()
    assert {a["owner_id"] for a in mine["items"]} <= {owner.pk}
    assert call(f"{ROOT}/actions/mine", tokens["coach"]).json()["count"] == 0


def test_charter_has_current_versions_and_away_days_no_attendance(
    call: Callable[..., Any], tokens: dict[str, str | None], demo: demo_module.DemoProgramme
) -> None:
    charter = call(f"{ROOT}/charter", tokens["coach"]).json()
    assert charter["practices"]
    for practice in charter["practices"]:
        assert practice["current"] == practice["versions"][-1]
        assert not practice["current"]["retired"]
    days = call(f"{ROOT}/away-days", tokens["participant"]).json()
    assert days["count"] >= 2
    for day in days["items"]:
        assert set(day) == {
            "id",
            "title",
            "date",
            "venue",
            "objectives",
            "outcomes",
            "evaluation_closes_on",
        }


# ---------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------


def test_participant_sees_only_their_own_services(
    call: Callable[..., Any], tokens: dict[str, str | None]
) -> None:
    body = call(f"{ROOT}/outcomes/services", tokens["participant"]).json()
    assert [s["name"] for s in body["items"]] == [OWN_SERVICE]
    lead = call(f"{ROOT}/outcomes/services", tokens["lead"], page_size=100).json()
    assert {OWN_SERVICE, OTHER_SERVICE} <= {s["name"] for s in lead["items"]}


def test_kpis_carry_values_and_the_spc_result_without_svg(
    call: Callable[..., Any], tokens: dict[str, str | None]
) -> None:
    service = Service.objects.get(name=OWN_SERVICE)
    response = call(f"{ROOT}/outcomes/services/{service.pk}/kpis", tokens["participant"])
    assert response.status_code == 200
    assert "<svg" not in response.content.decode()
    body = response.json()
    own = Kpi.objects.filter(service=service).count()
    assert body["count"] >= own >= 1
    charted = [k for k in body["items"] if k["spc"] is not None]
    assert charted
    kpi = charted[0]
    spc = kpi["spc"]
    assert len(spc["points"]) == len(kpi["values"])
    assert spc["lower"] <= spc["mean"] <= spc["upper"]
    assert spc["variation"] in {
        "common cause",
        "special cause improvement",
        "special cause concern",
        "special cause neither",
    }
    special = [p for k in charted for p in k["spc"]["points"] if p["special_cause"]]
    assert special
    assert all(p["rules"] and p["label"] != "common cause" for p in special)


def test_a_service_of_another_organisation_is_not_found(
    call: Callable[..., Any], lead_token: str
) -> None:
    from tandem.programmes.services import locality_get_or_create, service_get_or_create

    from ..factories import ProgrammeFactory

    other = ProgrammeFactory()
    locality = locality_get_or_create(organisation=other.organisation, name="Elsewhere")
    service = service_get_or_create(locality=locality, name="Elsewhere ward")
    response = call(f"{ROOT}/outcomes/services/{service.pk}/kpis", lead_token)
    assert response.status_code == 404
    assert "Elsewhere" not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Query budgets
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "budget"),
    [
        (f"{ROOT}/networks/waves", 6),
        # The first reading writes its populations to the disclosure ledger (read, lock, read
        # again, insert): 5 queries more than a later one.
        (f"{ROOT}/networks/indices", 22),
        (f"{ROOT}/charter", 10),
        (f"{ROOT}/actions", 8),
        (f"{ROOT}/actions/mine", 8),
        (f"{ROOT}/away-days", 8),
        (f"{ROOT}/outcomes/services", 10),
        (f"{ROOT}/outcomes/services/{{own}}/kpis", 12),
    ],
)
def test_list_stays_within_its_query_budget(
    template: str,
    budget: int,
    call: Callable[..., Any],
    lead_token: str,
    django_assert_max_num_queries: Any,
) -> None:
    path = _path(template)
    call("me", lead_token)  # last_used_at is written on the first call only
    with django_assert_max_num_queries(budget):
        response = call(path, lead_token, page_size=100)
    assert response.status_code == 200
