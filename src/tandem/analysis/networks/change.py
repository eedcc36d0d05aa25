"""`network_change`: what changed between two waves, on the people present in both."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks._arrays import (
    PERMUTATION_CHUNK,
    FloatArray,
    Indexed,
    index_network,
    ratio,
)
from tandem.analysis.networks.paths import Backend
from tandem.analysis.networks.rows import Network
from tandem.analysis.networks.summary import network_summary


def subnetwork(net: Network, keep: Sequence[str]) -> Network:
    wanted = set(keep)
    return Network(
        nodes=tuple(keep),
        edges=tuple(e for e in net.edges if e[0] in wanted and e[1] in wanted),
        directed=net.directed,
        attributes={p: net.attributes.get(p, {}) for p in keep},
    )


def qap_correlation(
    before: Indexed, after: Indexed, *, permutations: int, seed: int
) -> dict[str, float | None]:
    """Pearson correlation of two binary adjacency matrices over the off-diagonal cells (QAP).

    From the edge lists: with N cells, x = Σ cells of the first, y of the second and b cells in
    both, r = (N·b − x·y) / √((N·x − x²)(N·y − y²)). The p-value permutes the people of the
    second matrix (rows and columns together; Krackhardt 1987): two-sided, the share of
    permutations with |r| at least the observed, (hits + 1) / (perms + 1). The second network's
    ties are looked up in a packed bit set of n² bits, so 10,000 people need 12.5 MB.
    """
    cells = before.pairs
    x, y = before.m, after.m
    codes_after = after.codes()
    overlap = int(np.isin(before.codes(), codes_after).sum())

    def correlation(both: FloatArray | float) -> Any:
        spread = (cells * x - x * x) * (cells * y - y * y)
        return (cells * both - x * y) / math.sqrt(spread)

    if cells == 0 or x in (0, cells) or y in (0, cells):
        return {"correlation": None, "p_value": None}
    observed = float(correlation(float(overlap)))
    p_value: float | None = None
    if permutations > 0:
        n = before.n
        bits = np.zeros(n * n, dtype=bool)
        bits[codes_after] = True
        packed = np.packbits(bits)
        del bits
        rng = np.random.default_rng(seed)
        hits = 0
        for begin in range(0, permutations, PERMUTATION_CHUNK):
            size = min(PERMUTATION_CHUNK, permutations - begin)
            moved = rng.permuted(np.tile(np.arange(n, dtype=np.int64), (size, 1)), axis=1)
            s, t = moved[:, before.source], moved[:, before.target]
            if not before.directed:
                s, t = np.minimum(s, t), np.maximum(s, t)
            code = s * n + t
            present = (packed[code >> 3] >> (7 - (code & 7))) & 1
            scores = correlation(present.sum(axis=1).astype(np.float64))
            hits += int((np.abs(scores) >= abs(observed) - 1e-12).sum())
        p_value = (hits + 1) / (permutations + 1)
    return {"correlation": observed, "p_value": p_value}


def _scalar_indices(summary: Mapping[str, Any]) -> dict[str, float | None]:
    def pick(*path: str) -> float | None:
        value: Any = summary
        for key in path:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return None if value is None else float(value)

    indices = {
        "density": pick("density"),
        "reciprocity": pick("reciprocity"),
        "transitivity": pick("transitivity"),
        "isolates": float(len(summary["isolates"])),
        "ei_index": pick("ei_index", "value"),
        "bridging_density": pick("bridging", "density_between"),
        "share_cross_level": pick("linking", "share_cross_level"),
        "modularity": pick("communities", "modularity"),
        "communities": pick("communities", "count"),
    }
    for name, density in summary["bonding"].items():
        indices[f"bonding:{name}"] = None if density is None else float(density)
    return indices


def network_change(
    before: Network,
    after: Network,
    *,
    group: str | None = None,
    level: str | None = None,
    permutations: int = 1000,
    seed: int = 0,
    betweenness_sample: int | None = None,
    backend: Backend = "auto",
) -> dict[str, Any]:
    """What changed between two waves, on the people present in both.

    Returns {"people": matched count, "dropped": {"before_only", "after_only"}, "gained",
    "lost", "kept" (counts), "ties_gained", "ties_lost" (lists of [source, target]), "jaccard"
    (|both| / |either|), "qap": {"correlation", "p_value"}, "indices": {name: {"before",
    "after", "change"}} with change = after − before, "centrality_change": {id: {index:
    change}}, "before", "after" (each wave's `network_summary` on the matched people)}.
    Attributes are taken from the later wave where a person has them, else the earlier.
    """
    if before.directed != after.directed:
        raise AnalysisInputError("One wave's network is directed and the other's is not.")
    present_after = set(after.nodes)
    common = [p for p in before.nodes if p in present_after]
    present_before = set(common)
    if len(common) < 2:
        raise AnalysisInputError(
            f"Only {len(common)} person is in both waves; a change needs at least 2."
        )
    attributes = {
        p: {**before.attributes.get(p, {}), **after.attributes.get(p, {})} for p in common
    }
    first = subnetwork(Network(before.nodes, before.edges, before.directed, attributes), common)
    second = subnetwork(Network(after.nodes, after.edges, after.directed, attributes), common)
    ix_before, ix_after = index_network(first), index_network(second)
    codes_before, codes_after = set(ix_before.codes().tolist()), set(ix_after.codes().tolist())
    n = len(common)

    def ties(codes: Iterable[int]) -> list[list[str]]:
        return [[common[c // n], common[c % n]] for c in sorted(codes)]

    gained, lost = codes_after - codes_before, codes_before - codes_after
    kept = codes_before & codes_after
    either = codes_before | codes_after
    options: dict[str, Any] = {
        "group": group,
        "level": level,
        "permutations": permutations,
        "seed": seed,
        "betweenness_sample": betweenness_sample,
        "backend": backend,
    }
    summary_before = network_summary(first, **options)
    summary_after = network_summary(second, **options)
    scalars_before, scalars_after = (
        _scalar_indices(summary_before),
        _scalar_indices(summary_after),
    )
    indices = {
        name: {
            "before": scalars_before.get(name),
            "after": scalars_after.get(name),
            "change": None
            if scalars_before.get(name) is None or scalars_after.get(name) is None
            else scalars_after[name] - scalars_before[name],  # type: ignore[operator]
        }
        for name in dict.fromkeys([*scalars_before, *scalars_after])
    }

    def delta(a: Any, b: Any) -> float | None:
        return None if a is None or b is None else float(b) - float(a)

    centrality_change = {
        person: {
            index: delta(
                summary_before["centrality"][person][index],
                summary_after["centrality"][person][index],
            )
            for index in ("in_degree", "out_degree", "betweenness", "closeness")
        }
        for person in common
    }
    return {
        "people": n,
        "dropped": {
            "before_only": [p for p in before.nodes if p not in present_after],
            "after_only": [p for p in after.nodes if p not in present_before],
        },
        "gained": len(gained),
        "lost": len(lost),
        "kept": len(kept),
        "ties_gained": ties(gained),
        "ties_lost": ties(lost),
        "jaccard": ratio(len(kept), len(either)),
        "qap": qap_correlation(ix_before, ix_after, permutations=permutations, seed=seed),
        "indices": indices,
        "centrality_change": centrality_change,
        "before": summary_before,
        "after": summary_after,
    }
