"""API: working-relationship networks, pseudonymised and suppressed exactly as the pages show them.

The programme lead and sponsors get the network waves and, per wave and relation, the indices and
the change between the two latest waves — from `network_overview`, the selector behind the
overview page. Nobody is named and no person's figures are given: only whole-network indices, and
bonding per profession (null with a reason below k). A wave with fewer than k roster respondents
has no indices at all. Every figure passes through the disclosure ledger as on the page: a
relation's indices or change that it refuses comes back as nulls with `hidden`, the reason in
words. A participant gets their own ego-network (`/networks/me`), from the same
selector as their page, which records every read (`networks.ego_network.read`).
"""

import datetime as dt
import math
from typing import Any

from ninja import Field, Router, Schema

from tandem.api.schemas import ApiRequest, paged_list, responses, slug_path
from tandem.networks import selectors
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for
from tandem.surveys.models import Wave

router = Router(tags=["networks"])

HIDDEN = "Why the figure is hidden, when it is; its numbers are then null."


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


class NetworkWaveOut(Schema):
    id: int
    title: str
    kind: str
    opens_on: dt.date
    closes_on: dt.date
    released: bool = Field(
        description="Sponsors see only released waves; the lead also sees closed, unreleased ones."
    )


class DyadCensusOut(Schema):
    mutual: int
    asymmetric: int
    null: int


class EiIndexOut(Schema):
    value: float | None = Field(description="−1: all ties within a profession; +1: all between.")
    expected: float | None = Field(description="The value expected by chance.")
    p_value: float | None = Field(description="Permutation p (1000 permutations).")


class BondingOut(Schema):
    profession: str
    density: float | None
    hidden: str | None = Field(description=HIDDEN)


class RelationIndicesOut(Schema):
    relation: str = Field(description="The relation's id in the roster, e.g. “talk”.")
    text: str
    name: str
    hidden: str | None = Field(description=HIDDEN)
    nodes: int | None
    edges: int | None
    density: float | None
    reciprocity: float | None
    dyad_census: DyadCensusOut | None
    bridging_density: float | None = Field(description="Density of doctor–manager ties.")
    ei_index: EiIndexOut | None = Field(description="E-I index by profession.")
    linking_share: float | None = Field(description="Share of ties across levels.")
    bonding: list[BondingOut] = Field(description="Density of ties within each profession.")


class WaveIndicesOut(Schema):
    wave: NetworkWaveOut
    respondents: int = Field(description="People who submitted the roster.")
    hidden: str | None = Field(description="Why there are no indices (fewer than k respondents).")
    relations: list[RelationIndicesOut]


class RelationChangeOut(Schema):
    relation: str
    text: str
    hidden: str | None = Field(description=HIDDEN)
    matched: int | None = Field(description="People in both networks.")
    gained: int | None
    lost: int | None
    jaccard: float | None
    qap_correlation: float | None
    qap_p: float | None
    sentences: list[str] = Field(description="The change in plain English, as on the page.")


class NetworkChangeOut(Schema):
    before: NetworkWaveOut
    after: NetworkWaveOut
    relations: list[RelationChangeOut]


class NetworkIndicesOut(Schema):
    k: int = Field(description="The programme's minimum group size.")
    waves: list[WaveIndicesOut]
    change: NetworkChangeOut | None = Field(
        description="Between the two latest waves shown (null with fewer than two)."
    )


class EgoTieOut(Schema):
    name: str
    profession: str
    service: str
    answers: dict[str, int] = Field(description="Relation id → your answer's value.")
    labels: dict[str, str] = Field(description="Relation id → your answer in words.")


class EgoConfirmedOut(Schema):
    relation: str
    text: str
    named: int | None = Field(description="Colleagues you named (null when not shown).")
    named_back: int | None = Field(
        description="How many of them named you back; null when it would show one person's answer."
    )


class EgoWaveOut(Schema):
    wave: NetworkWaveOut
    ties: list[EgoTieOut]
    confirmed: list[EgoConfirmedOut]


class EgoNetworkOut(Schema):
    k: int
    waves: list[EgoWaveOut]


def _wave(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "title": wave.title,
        "kind": wave.kind,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "released": wave.released_at is not None,
    }


def _relation(item: selectors.RelationIndices, k: int) -> dict[str, Any]:
    if item.hidden is not None:
        return {
            "relation": item.relation.id,
            "text": item.relation.text,
            "name": item.relation.name,
            "hidden": item.hidden,
            "nodes": None,
            "edges": None,
            "density": None,
            "reciprocity": None,
            "dyad_census": None,
            "bridging_density": None,
            "ei_index": None,
            "linking_share": None,
            "bonding": [],
        }
    summary = item.summary
    census = summary.get("dyad_census")
    ei = summary.get("ei_index")
    return {
        "relation": item.relation.id,
        "text": item.relation.text,
        "name": item.relation.name,
        "hidden": None,
        "nodes": summary["nodes"],
        "edges": summary["edges"],
        "density": _num(summary.get("density")),
        "reciprocity": _num(summary.get("reciprocity")),
        "dyad_census": census,
        "bridging_density": _num((summary.get("bridging") or {}).get("density_between")),
        "ei_index": None
        if not ei
        else {
            "value": _num(ei.get("value")),
            "expected": _num(ei.get("expected")),
            "p_value": _num(ei.get("p_value")),
        },
        "linking_share": _num((summary.get("linking") or {}).get("share_cross_level")),
        "bonding": [
            {
                "profession": label,
                "density": None if suppressed else _num(density),
                "hidden": f"Fewer than {k} people in this profession." if suppressed else None,
            }
            for label, density, suppressed in item.bonding
        ],
    }


@paged_list(
    router,
    "/programmes/{slug}/networks/waves",
    NetworkWaveOut,
    summary="Waves with a network (programme lead and sponsors)",
    url_name="network_waves",
)
def network_waves(request: ApiRequest, programme: Programme) -> Any:
    return [_wave(w) for w in selectors.network_waves(viewer=request.auth, programme=programme)]


@router.get(
    "/programmes/{slug}/networks/indices",
    response=responses(NetworkIndicesOut),
    summary="Network indices per wave and relation, and their change (lead and sponsors)",
    url_name="network_indices",
)
def network_indices(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    overview = selectors.network_overview(viewer=request.auth, programme=programme)
    k = overview.k
    change = None
    if overview.before is not None and overview.after is not None:
        change = {
            "before": _wave(overview.before),
            "after": _wave(overview.after),
            "relations": [
                {
                    "relation": item.relation.id,
                    "text": item.relation.text,
                    "hidden": item.hidden,
                    "matched": item.facts.matched,
                    "gained": item.facts.gained,
                    "lost": item.facts.lost,
                    "jaccard": _num(item.facts.jaccard),
                    "qap_correlation": _num(item.facts.qap_correlation),
                    "qap_p": _num(item.facts.qap_p),
                    "sentences": item.sentences,
                }
                for item in overview.changes
            ],
        }
    return {
        "k": k,
        "waves": [
            {
                "wave": _wave(w.wave),
                "respondents": w.respondents,
                "hidden": (
                    f"{w.respondents} answered the roster, fewer than {k}."
                    if w.suppressed
                    else None
                ),
                "relations": [_relation(item, k) for item in w.relations],
            }
            for w in overview.waves
        ],
        "change": change,
    }


@router.get(
    "/programmes/{slug}/networks/me",
    response=responses(EgoNetworkOut),
    summary="Your own working relationships, as you reported them (participants; audited)",
    url_name="network_me",
)
def network_me(request: ApiRequest, slug: str = slug_path()) -> Any:
    programme = programme_for(viewer=request.auth, slug=slug)
    # The selector records the read (`networks.ego_network.read`) as the page does.
    ego = selectors.ego_network(viewer=request.auth, programme=programme)
    return {
        "k": ego.k,
        "waves": [
            {
                "wave": _wave(w.wave),
                "ties": [
                    {
                        "name": tie.name,
                        "profession": tie.profession,
                        "service": tie.service,
                        "answers": {
                            r.id: tie.answers[r.id]
                            for r in w.relations
                            if isinstance(tie.answers.get(r.id), int)
                        },
                        "labels": {
                            r.id: "Yes"
                            if r.is_tick_box
                            else w.labels.get(r.id, {}).get(
                                tie.answers[r.id], str(tie.answers[r.id])
                            )
                            for r in w.relations
                            if isinstance(tie.answers.get(r.id), int)
                        },
                    }
                    for tie in w.ties
                ],
                "confirmed": [
                    {
                        "relation": r.id,
                        "text": r.text,
                        "named": (w.confirmed.get(r.id) or (None, None))[0],
                        "named_back": (w.confirmed.get(r.id) or (None, None))[1],
                    }
                    for r in w.relations
                ],
            }
            for w in ego.waves
        ],
    }
