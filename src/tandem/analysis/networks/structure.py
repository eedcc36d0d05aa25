"""Indices computed with numpy over the edge list: dyad census, constraint, brokerage, E-I."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from tandem.analysis.networks._arrays import (
    PERMUTATION_CHUNK,
    FloatArray,
    Indexed,
    IntArray,
    ratio,
)

BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


def dyad_census(ix: Indexed) -> dict[str, int]:
    """Mutual, asymmetric and null pairs (Holland & Leinhardt 1970); M + A + N = n(n − 1)/2."""
    total = ix.n * (ix.n - 1) // 2
    if not ix.directed:
        return {"mutual": ix.m, "asymmetric": 0, "null": total - ix.m}
    reverse = ix.target * ix.n + ix.source
    mutual = int(np.isin(ix.codes(), reverse).sum()) // 2
    asymmetric = ix.m - 2 * mutual
    return {"mutual": mutual, "asymmetric": asymmetric, "null": total - mutual - asymmetric}


def burt_constraint(ix: Indexed) -> list[float | None]:
    """Burt's (1992) constraint c_i = Σ_j (p_ij + Σ_q p_iq p_qj)², networkx `constraint`.

    p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki) over i's contacts (in either direction). With
    sparse matrices, so memory grows with the number of two-step paths, not n².
    """
    n = ix.n
    if ix.m == 0:
        return [None] * n
    weights = sparse.coo_matrix(
        (np.ones(ix.m), (ix.source, ix.target)), shape=(n, n), dtype=np.float64
    ).tocsr()
    # a_ij + a_ji; for an undirected network (stored once, low id first) each tie counts once
    # in each direction's place, which gives the same shares p_ij as networkx's 2 per tie.
    mutual = (weights + weights.T).tocsr()
    strength = np.asarray(mutual.sum(axis=1)).ravel()
    scale = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    share = sparse.diags(scale) @ mutual
    indirect = (share @ share).multiply(share > 0)
    local = share + indirect
    total = np.asarray(local.multiply(local).sum(axis=1)).ravel()
    return [float(total[i]) if strength[i] > 0 else None for i in range(n)]


def brokerage_roles(ix: Indexed, groups: IntArray) -> IntArray:
    """Gould–Fernandez role counts per person, columns in `BROKERAGE_ROLES` order.

    Enumerates every two-path a → v → c (a ≠ c) with a ↛ c, as R `sna::brokerage` does, with
    numpy over the edge list (the number of two-paths is Σ_v in(v) × out(v)). People whose group
    is not known, and paths through them, are left out.
    """
    n = ix.n
    source, target = ix.source, ix.target
    if not ix.directed:
        source, target = np.concatenate([source, target]), np.concatenate([target, source])
    order = np.argsort(source, kind="stable")
    out_target = target[order]
    out_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=out_start[1:])
    out_degree = out_start[1:] - out_start[:-1]
    roles = np.zeros((n, len(BROKERAGE_ROLES)), dtype=np.int64)
    if len(source) == 0:
        return roles
    tie_codes = np.sort(source * n + target)
    # Each tie a → v followed by each tie v → c, in chunks to bound memory.
    chunk = max(1, 2_000_000 // max(1, int(out_degree.max())))
    for begin in range(0, len(source), chunk):
        a_in = source[begin : begin + chunk]
        v_in = target[begin : begin + chunk]
        counts = out_degree[v_in]
        a = np.repeat(a_in, counts)
        v = np.repeat(v_in, counts)
        offsets = np.arange(len(a)) - np.repeat(np.cumsum(counts) - counts, counts)
        c = out_target[np.repeat(out_start[v_in], counts) + offsets]
        keep = a != c
        a, v, c = a[keep], v[keep], c[keep]
        closing = a * n + c
        found = np.searchsorted(tie_codes, closing)
        found = np.minimum(found, len(tie_codes) - 1)
        open_path = tie_codes[found] != closing
        a, v, c = a[open_path], v[open_path], c[open_path]
        ga, gv, gc = groups[a], groups[v], groups[c]
        known = (ga >= 0) & (gv >= 0) & (gc >= 0)
        ga, gv, gc, v = ga[known], gv[known], gc[known], v[known]
        role = np.select(
            [
                (ga == gv) & (gv == gc),
                (ga == gc) & (ga != gv),
                (ga == gv) & (gv != gc),
                (gv == gc) & (ga != gv),
            ],
            [0, 1, 2, 3],
            default=4,
        )
        np.add.at(roles, (v, role), 1)
    return roles


def _ei_counts(groups: IntArray, source: IntArray, target: IntArray) -> tuple[int, int]:
    external = int((groups[source] != groups[target]).sum())
    return external, len(source) - external


def ei_index(
    ix: Indexed, groups: IntArray, *, permutations: int, seed: int
) -> dict[str, float | None]:
    """Krackhardt & Stern's E-I index with its expected value and permutation p-value.

    E-I = (E − I) / (E + I). Expected under random mixing given the group sizes n_g of the N
    people with a known group: (P_E − P_I) / (P_E + P_I), P_I = Σ n_g(n_g − 1), P_E = N(N − 1) −
    P_I (halved for undirected, which leaves the ratio unchanged). p: the share of label
    permutations whose |E-I − expected| is at least the observed one, (hits + 1)/(perms + 1).
    """
    keep = (groups[ix.source] >= 0) & (groups[ix.target] >= 0)
    source, target = ix.source[keep], ix.target[keep]
    labelled = groups[groups >= 0]
    sizes = np.bincount(labelled).astype(np.float64)
    people = float(len(labelled))
    internal_possible = float((sizes * (sizes - 1)).sum())
    external_possible = people * (people - 1) - internal_possible
    expected = ratio(external_possible - internal_possible, external_possible + internal_possible)
    external, internal = _ei_counts(groups, source, target)
    value = ratio(external - internal, external + internal)
    p_value: float | None = None
    if value is not None and expected is not None and permutations > 0:
        # Relabel only the people with a known group, so the group sizes stay as observed.
        who = np.flatnonzero(groups >= 0)
        # The smallest integer type that holds the labels: the permutations are memory-bound.
        small = np.int8 if len(sizes) < 127 else np.int32
        groups, labelled = groups.astype(small), labelled.astype(small)
        rng = np.random.default_rng(seed)
        observed = abs(value - expected) - 1e-12
        hits = 0
        total = external + internal
        for begin in range(0, permutations, PERMUTATION_CHUNK):
            size = min(PERMUTATION_CHUNK, permutations - begin)
            shuffled = np.tile(groups, (size, 1))
            shuffled[:, who] = rng.permuted(np.tile(labelled, (size, 1)), axis=1)
            ext = (shuffled[:, source] != shuffled[:, target]).sum(axis=1)
            scores = (2 * ext - total) / total
            hits += int((np.abs(scores - expected) >= observed).sum())
        p_value = (hits + 1) / (permutations + 1)
    return {"value": value, "expected": expected, "p_value": p_value}


def group_densities(
    ix: Indexed, groups: IntArray, names: Sequence[str]
) -> tuple[dict[str, float | None], float | None]:
    """Density within each group (bonding) and of ties between groups (bridging)."""
    divisor = 1 if ix.directed else 2
    gs, gt = groups[ix.source], groups[ix.target]
    known = (gs >= 0) & (gt >= 0)
    within = np.bincount(gs[known & (gs == gt)], minlength=len(names))
    sizes = np.bincount(groups[groups >= 0], minlength=len(names))
    bonding = {
        name: ratio(int(within[g]), int(sizes[g]) * (int(sizes[g]) - 1) // divisor)
        for g, name in enumerate(names)
    }
    people = int(sizes.sum())
    between_possible = (people * (people - 1) - int((sizes * (sizes - 1)).sum())) // divisor
    between = int((known & (gs != gt)).sum())
    return bonding, ratio(between, between_possible)


def pair_density(ix: Indexed, groups: IntArray, a: int, b: int) -> float | None:
    """Density of ties between two named groups only, both directions (METHODS: bridging).

    Directed: (a→b ties + b→a ties) / (2·|a|·|b|); undirected: ties / (|a|·|b|). People of other
    groups (other clinicians, others) count neither as ties nor as possible ties.
    """
    gs, gt = groups[ix.source], groups[ix.target]
    ties = int((((gs == a) & (gt == b)) | ((gs == b) & (gt == a))).sum())
    size_a, size_b = int((groups == a).sum()), int((groups == b).sum())
    possible = size_a * size_b * (2 if ix.directed else 1)
    return ratio(ties, possible)


def normalised_mutual_information(first: IntArray, second: IntArray) -> float | None:
    """Normalised mutual information with the arithmetic mean of the entropies (sklearn default)."""
    if len(first) == 0:
        return None
    _, a = np.unique(first, return_inverse=True)
    _, b = np.unique(second, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    joint = table / table.sum()
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)

    def entropy(p: FloatArray) -> float:
        p = p[p > 0]
        return float(-(p * np.log(p)).sum())

    ha, hb = entropy(pa), entropy(pb)
    if ha == 0 and hb == 0:
        return 1.0
    nz = joint > 0
    mutual = float((joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz])).sum())
    return max(0.0, mutual / ((ha + hb) / 2))
