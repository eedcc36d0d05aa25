"""`pair_ties`: who in each doctor–manager pair names whom, relation by relation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tandem.analysis.networks.rows import Network


def pair_ties(
    net_by_relation: Mapping[str, Network], pairs: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    """For each (doctor, manager) pair and each relation (e.g. "advice", "talk"): who named whom.

    One dict per pair per relation: {"doctor", "manager", "relation", "in_network" (both are
    people of that relation's network), "doctor_names_manager", "manager_names_doctor",
    "mutual", "weight_doctor_to_manager", "weight_manager_to_doctor"} — weights as given (e.g.
    talk frequency), None where there is no tie. In an undirected network a tie counts both ways.
    """
    lookups: dict[str, tuple[set[str], dict[tuple[str, str], float]]] = {}
    for relation, net in net_by_relation.items():
        weights: dict[tuple[str, str], float] = {}
        for source, target, weight in net.edges:
            weights[(source, target)] = weight
            if not net.directed:
                weights[(target, source)] = weight
        lookups[relation] = (set(net.nodes), weights)
    rows: list[dict[str, Any]] = []
    for doctor, manager in pairs:
        for relation, (people, weights) in lookups.items():
            forward = weights.get((doctor, manager))
            backward = weights.get((manager, doctor))
            rows.append(
                {
                    "doctor": doctor,
                    "manager": manager,
                    "relation": relation,
                    "in_network": doctor in people and manager in people,
                    "doctor_names_manager": forward is not None,
                    "manager_names_doctor": backward is not None,
                    "mutual": forward is not None and backward is not None,
                    "weight_doctor_to_manager": forward,
                    "weight_manager_to_doctor": backward,
                }
            )
    return rows
