"""Benchmark: every index of `network_summary` on a trust-wide network, and plain networkx beside it.

Target (issue "Social capital"): 10,000 people and 200,000 directed ties, every metric of
`network_summary` (1,000 permutations for the E-I p-value) in ≤ 30 s and ≤ 2 GB peak memory,
betweenness sampled (k sources, with the stated error bound). Also timed: `network_change`
between two waves of that size (QAP with 1,000 permutations), the real error of sampled
betweenness against exact, and the same indices computed the plain networkx way.

    .venv/bin/python bench/network_scale.py summary   [--people 10000 --ties 200000 --k 500]
    .venv/bin/python bench/network_scale.py change    [--people 10000 --ties 200000 --k 500]
    .venv/bin/python bench/network_scale.py error     [--people 10000 --ties 200000 --k 500]
    .venv/bin/python bench/network_scale.py networkx  [--people 10000 --ties 200000 --k 100]

Each stage runs in its own process so that its peak memory (ru_maxrss, which counts numpy's and
igraph's C allocations too) is its own. Every stage prints one JSON line.

The synthetic trust: people in teams of 20–150 (mean about 60) within directorates of 8 teams;
professions doctor 25%, nurse 40%, manager 15%, allied health 20%; levels junior/middle/senior.
Each person names others mostly in their own team (70%), then in their directorate (20%), then
anywhere (10%), preferring their own profession; 35% of ties are returned and a share are closed
triads (a friend of a friend), which gives the clustering of real advice networks.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

import numpy as np
from scipy import stats

from tandem.analysis import networks as N
from tandem.analysis.networks import _arrays, paths
from tandem.analysis.networks.change import subnetwork

PROFESSIONS = ("doctor", "nurse", "manager", "allied health")
PROFESSION_SHARE = (0.25, 0.40, 0.15, 0.20)
LEVELS = ("junior", "middle", "senior")
LEVEL_SHARE = (0.5, 0.35, 0.15)


def synthetic_trust(people: int, ties: int, seed: int) -> N.Network:
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < people:
        sizes.append(int(rng.integers(20, 151)))
    sizes[-1] -= sum(sizes) - people
    team = np.repeat(np.arange(len(sizes)), sizes)
    directorate = team // 8
    profession = rng.choice(len(PROFESSIONS), size=people, p=PROFESSION_SHARE)
    level = rng.choice(len(LEVELS), size=people, p=LEVEL_SHARE)
    team_members = np.argsort(team, kind="stable")
    team_start = np.concatenate([[0], np.cumsum(sizes)])
    dir_of_team = np.arange(len(sizes)) // 8
    dir_members = np.argsort(directorate, kind="stable")
    dir_sizes = np.bincount(directorate)
    dir_start = np.concatenate([[0], np.cumsum(dir_sizes)])

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        source = rng.integers(0, people, size=count)
        where = rng.random(count)
        target = rng.integers(0, people, size=count)  # anywhere (10%)
        in_team = where < 0.70
        t = team[source[in_team]]
        offset = (rng.random(in_team.sum()) * (team_start[t + 1] - team_start[t])).astype(np.int64)
        target[in_team] = team_members[team_start[t] + offset]
        in_dir = (where >= 0.70) & (where < 0.90)
        d = dir_of_team[team[source[in_dir]]]
        offset = (rng.random(in_dir.sum()) * (dir_start[d + 1] - dir_start[d])).astype(np.int64)
        target[in_dir] = dir_members[dir_start[d] + offset]
        # Homophily: a tie to another profession is redrawn once within the team.
        other = (profession[source] != profession[target]) & (rng.random(count) < 0.4)
        t = team[source[other]]
        offset = (rng.random(other.sum()) * (team_start[t + 1] - team_start[t])).astype(np.int64)
        target[other] = team_members[team_start[t] + offset]
        return source, target

    source, target = draw(int(ties * 0.75))
    back = rng.random(len(source)) < 0.35
    source = np.concatenate([source, target[back]])
    target = np.concatenate([target, source[: len(back)][back]])
    # Triadic closure: a → b → c gives a → c for a random out-neighbour c of b.
    order = np.argsort(source, kind="stable")
    out_target = target[order]
    start = np.searchsorted(source[order], np.arange(people + 1))
    pick = rng.integers(0, len(source), size=int(ties * 0.35))
    a, b = source[pick], target[pick]
    degree = start[b + 1] - start[b]
    has = degree > 0
    a, b, degree = a[has], b[has], degree[has]
    c = out_target[start[b] + (rng.random(len(b)) * degree).astype(np.int64)]
    source = np.concatenate([source, a])
    target = np.concatenate([target, c])
    keep = source != target
    codes = np.unique(source[keep] * people + target[keep])
    codes = rng.permutation(codes)
    if len(codes) < ties:
        extra_s, extra_t = draw(ties * 2)
        extra = extra_s * people + extra_t
        extra = extra[(extra_s != extra_t) & ~np.isin(extra, codes)]
        codes = np.concatenate([codes, np.unique(extra)[: ties - len(codes)]])
    codes = codes[:ties]
    names = [f"p{i:05d}" for i in range(people)]
    return N.Network(
        nodes=tuple(names),
        edges=tuple(
            (names[s], names[t], 1.0)
            for s, t in zip((codes // people).tolist(), (codes % people).tolist(), strict=True)
        ),
        directed=True,
        attributes={
            names[i]: {"profession": PROFESSIONS[profession[i]], "level": LEVELS[level[i]]}
            for i in range(people)
        },
    )


def second_wave(
    net: N.Network, seed: int, turnover: float = 0.05, churn: float = 0.15
) -> N.Network:
    """The same trust a year on: 5% of people replaced, 15% of ties dropped and as many new."""
    rng = np.random.default_rng(seed)
    people = list(net.nodes)
    leavers = set(rng.choice(len(people), size=int(turnover * len(people)), replace=False).tolist())
    joiners = [f"n{i:05d}" for i in range(len(leavers))]
    stay = [p for i, p in enumerate(people) if i not in leavers]
    kept = [e for e in net.edges if rng.random() >= churn]
    nodes = stay + joiners
    stay_set = set(stay)
    kept = [e for e in kept if e[0] in stay_set and e[1] in stay_set]
    existing = {(s, t) for s, t, _ in kept}
    while len(kept) < len(net.edges):
        s, t = rng.choice(len(nodes), size=2)
        key = (nodes[s], nodes[t])
        if s != t and key not in existing:
            existing.add(key)
            kept.append((key[0], key[1], 1.0))
    attributes = dict(net.attributes)
    for p in joiners:
        attributes[p] = {"profession": "doctor", "level": "junior"}
    return N.Network(nodes=tuple(nodes), edges=tuple(kept), directed=True, attributes=attributes)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: dict[str, float] = {}


def timed(label: str, times: dict[str, float], function: Any, *args: Any, **kwargs: Any) -> Any:
    """Wall-clock seconds into `times`; this process's CPU seconds into CPU (the machine is shared)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    times[label] = round(time.perf_counter() - started, 3)
    CPU[label] = round(time.process_time() - cpu, 3)
    return result


def stage_summary(args: argparse.Namespace) -> dict[str, Any]:
    times: dict[str, float] = {}
    net = timed("generate", times, synthetic_trust, args.people, args.ties, args.seed)
    before_mb = peak_mb()
    summary = timed(
        "network_summary",
        times,
        N.network_summary,
        net,
        group="profession",
        level="level",
        permutations=1000,
        seed=1,
        betweenness_sample=args.k,
        backend=args.backend,
    )
    # The parts, timed one by one (the same functions network_summary calls).
    ix = _arrays.index_network(net)
    groups, _ = _arrays.attribute_codes(net, "profession")
    timed("part: dyad census", times, N.dyad_census, ix)
    timed(
        "part: E-I with 1,000 permutations",
        times,
        N.ei_index,
        ix,
        groups,
        permutations=1000,
        seed=1,
    )
    timed("part: brokerage roles", times, N.brokerage_roles, ix, groups)
    timed("part: Burt's constraint", times, N.burt_constraint, ix)
    timed(
        f"part: {summary['backend']} betweenness (k={args.k}), closeness, transitivity, Louvain",
        times,
        paths.path_indices,
        ix,
        backend=summary["backend"],
        sample=args.k,
        seed=1,
    )
    return {
        "stage": "summary",
        "people": summary["nodes"],
        "ties": summary["edges"],
        "seconds": times,
        "cpu_seconds": dict(CPU),
        "peak_rss_mb_after_generating": round(before_mb, 1),
        "peak_rss_mb": round(peak_mb(), 1),
        "backend": summary["backend"],
        "density": summary["density"],
        "reciprocity": summary["reciprocity"],
        "transitivity": summary["transitivity"],
        "ei_index": summary["ei_index"],
        "communities": {k: summary["communities"][k] for k in ("count", "modularity", "alignment")},
        "betweenness_sampled": summary["betweenness_sampled"],
    }


def stage_change(args: argparse.Namespace) -> dict[str, Any]:
    times: dict[str, float] = {}
    net = timed("generate", times, synthetic_trust, args.people, args.ties, args.seed)
    later = timed("generate second wave", times, second_wave, net, args.seed + 1)
    change = timed(
        "network_change (two summaries + QAP)",
        times,
        N.network_change,
        net,
        later,
        group="profession",
        level="level",
        permutations=1000,
        seed=1,
        betweenness_sample=args.k,
    )
    common = [p for p in net.nodes if p in set(later.nodes)]
    first = _arrays.index_network(subnetwork(net, common))
    second = _arrays.index_network(subnetwork(later, common))
    timed(
        "part: QAP with 1,000 permutations",
        times,
        N.qap_correlation,
        first,
        second,
        permutations=1000,
        seed=1,
    )
    return {
        "stage": "change",
        "people_matched": change["people"],
        "seconds": times,
        "cpu_seconds": dict(CPU),
        "peak_rss_mb": round(peak_mb(), 1),
        "gained": change["gained"],
        "lost": change["lost"],
        "jaccard": change["jaccard"],
        "qap": change["qap"],
    }


def stage_error(args: argparse.Namespace) -> dict[str, Any]:
    """Sampled against exact betweenness (both igraph) on the same network."""
    net = synthetic_trust(args.people, args.ties, args.seed)
    ix = _arrays.index_network(net)
    graph = paths.igraph_graph(ix)
    scale = paths.betweenness_scale(ix.n, True)
    started = time.perf_counter()
    exact = np.asarray(graph.betweenness(directed=True)) * scale
    exact_seconds = time.perf_counter() - started
    rows = []
    for k in args.ks:
        for seed in range(args.repeats):
            sources = sorted(
                np.random.default_rng(seed).choice(ix.n, size=k, replace=False).tolist()
            )
            started = time.perf_counter()
            estimate = (
                np.asarray(graph.betweenness(directed=True, sources=sources)) * scale * ix.n / k
            )
            error = np.abs(estimate - exact)
            top = np.argsort(-exact)
            rows.append(
                {
                    "k": k,
                    "seed": seed,
                    "seconds": round(time.perf_counter() - started, 3),
                    "error_bound": N.betweenness_error_bound(ix.n, k),
                    "max_abs_error": float(error.max()),
                    "mean_abs_error": float(error.mean()),
                    "median_relative_error_top_100": float(
                        np.median(error[top[:100]] / exact[top[:100]])
                    ),
                    "top_10_overlap": len(set(top[:10]) & set(np.argsort(-estimate)[:10])),
                    "spearman_all": float(stats.spearmanr(exact, estimate).statistic),
                }
            )
    return {
        "stage": "error",
        "people": ix.n,
        "ties": ix.m,
        "exact_seconds": round(exact_seconds, 2),
        "max_exact_betweenness": float(exact.max()),
        "mean_exact_betweenness": float(exact.mean()),
        "samples": rows,
        "peak_rss_mb": round(peak_mb(), 1),
    }


def stage_networkx(args: argparse.Namespace) -> dict[str, Any]:
    """The same indices with networkx's own functions, one by one (closeness from a sample)."""
    import networkx as nx

    times: dict[str, float] = {}
    net = synthetic_trust(args.people, args.ties, args.seed)
    graph = timed("build DiGraph", times, lambda: nx.DiGraph([(s, t) for s, t, _ in net.edges]))
    graph.add_nodes_from(net.nodes)
    timed("density", times, nx.density, graph)
    timed("reciprocity", times, nx.overall_reciprocity, graph)
    undirected = timed("to_undirected", times, graph.to_undirected)
    timed("transitivity", times, nx.transitivity, undirected)
    timed("degrees", times, lambda: (dict(graph.in_degree()), dict(graph.out_degree())))
    timed(f"betweenness (k={args.k})", times, nx.betweenness_centrality, graph, k=args.k, seed=1)
    sample = list(net.nodes[: args.closeness_sample])
    # closeness_centrality(G, u=v) copies the reversed graph on every call; reversing once and
    # running the BFS that closeness_centrality(G) runs per person is the fair per-person cost.
    reverse = graph.reverse(copy=False)
    timed(
        f"closeness ({args.closeness_sample} people)",
        times,
        lambda: {v: nx.single_source_shortest_path_length(reverse, v) for v in sample},
    )
    timed("constraint", times, nx.constraint, graph)
    found = timed("louvain", times, nx.community.louvain_communities, undirected, seed=1)
    timed("modularity", times, nx.community.modularity, undirected, found)
    profession = {p: a["profession"] for p, a in net.attributes.items()}
    people = list(net.nodes)
    labels = [profession[p] for p in people]
    rng = np.random.default_rng(1)

    def ei_permutations(count: int) -> None:
        for _ in range(count):
            shuffled = dict(zip(people, rng.permutation(labels).tolist(), strict=True))
            sum(shuffled[s] != shuffled[t] for s, t in graph.edges)

    timed(
        f"E-I permutations, plain Python ({args.python_permutations})",
        times,
        ei_permutations,
        args.python_permutations,
    )
    label = f"closeness ({args.closeness_sample} people)"
    per_person, per_person_cpu = (
        times[label] / args.closeness_sample,
        CPU[label] / args.closeness_sample,
    )
    return {
        "stage": "networkx",
        "people": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
        "seconds": times,
        "cpu_seconds": dict(CPU),
        "extrapolated_seconds": {
            "closeness (everyone)": round(per_person * len(people), 1),
            "closeness (everyone), CPU": round(per_person_cpu * len(people), 1),
            "E-I, 1,000 permutations": round(
                times[f"E-I permutations, plain Python ({args.python_permutations})"]
                * 1000
                / args.python_permutations,
                1,
            ),
        },
        "peak_rss_mb": round(peak_mb(), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=("summary", "change", "error", "networkx"))
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=200_000)
    parser.add_argument("--k", type=int, default=500, help="betweenness sample size")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backend", choices=("auto", "networkx", "igraph"), default="auto")
    parser.add_argument("--repeats", type=int, default=2, help="error stage: samples per k")
    parser.add_argument(
        "--ks",
        type=lambda text: [int(k) for k in text.split(",")],
        default=[500, 2000],
        help="error stage: sample sizes to compare with exact",
    )
    parser.add_argument("--closeness-sample", type=int, default=200)
    parser.add_argument("--python-permutations", type=int, default=10)
    args = parser.parse_args()
    stage = {
        "summary": stage_summary,
        "change": stage_change,
        "error": stage_error,
        "networkx": stage_networkx,
    }[args.stage]
    print(json.dumps(stage(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
