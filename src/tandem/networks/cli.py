"""`tandem analyse network`: a whole-network analysis of your own CSV files.

    tandem analyse network --edges E.csv [--nodes N.csv] [--group COL] [--level COL]
        [--undirected] [--json] [--compare E2.csv [--compare-nodes N2.csv]]
        [--permutations N] [--seed N] [--betweenness-sample K]

No Django: the files go straight to `tandem.analysis.networks`. The edges file has `source`,
`target` and optionally `weight` columns; the nodes file an `id` column and one column per
attribute (profession, level…). Bad input raises `AnalysisInputError`, which `tandem.cli.main`
prints as a message with exit code 2.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.registry import CliGroups

TOP_PEOPLE = 10


def network_command(args: argparse.Namespace) -> dict[str, Any]:
    """The summary of the network, plus a "change" section when a second wave is given."""
    from tandem.analysis.networks import network_change, network_summary, read_network_csv

    directed = not args.undirected
    options: dict[str, Any] = {
        "group": args.group,
        "level": args.level,
        "permutations": args.permutations,
        "seed": args.seed,
        "betweenness_sample": args.betweenness_sample,
    }
    before = read_network_csv(args.edges, args.nodes, directed=directed)
    result = network_summary(before, **options)
    if args.compare:
        after = read_network_csv(args.compare, args.compare_nodes or args.nodes, directed=directed)
        result["change"] = network_change(before, after, **options)
    return result


def _number(value: Any, places: int = 3) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _print_summary(result: dict[str, Any], permutations: int) -> None:
    kind = "directed" if result["directed"] else "undirected"
    census = result["dyad_census"]
    print(f"People: {result['nodes']}; ties: {result['edges']} ({kind})")
    print(f"Density: {_number(result['density'])}")
    if result["directed"]:
        print(
            f"Reciprocity: {_number(result['reciprocity'])} (pairs: {census['mutual']} mutual, "
            f"{census['asymmetric']} one-way, {census['null']} with no tie)"
        )
    print(f"Transitivity: {_number(result['transitivity'])}")
    isolates = result["isolates"]
    print(f"Isolates ({len(isolates)}): {', '.join(isolates) if isolates else 'none'}")
    ei = result["ei_index"]
    if ei is not None:
        p = "not tested" if ei["p_value"] is None else f"p = {_number(ei['p_value'])}"
        print(
            f"E-I index by {ei['attribute']}: {_number(ei['value'])} (expected "
            f"{_number(ei['expected'])} under random mixing; {p}, {permutations} permutations)"
        )
        bonding = ", ".join(f"{name} {_number(d)}" for name, d in result["bonding"].items())
        print(f"Bonding (density within each {ei['attribute']}): {bonding}")
        print(
            f"Bridging (density of ties between groups): {_number(result['bridging']['density_between'])}"
        )
    if result["linking"] is not None:
        print(
            f"Linking (share of ties across levels): {_number(result['linking']['share_cross_level'])}"
        )
    communities = result["communities"]
    alignment = (
        ""
        if communities["alignment"] is None
        else f"; alignment with {ei['attribute'] if ei else 'group'} (NMI) {_number(communities['alignment'])}"
    )
    print(
        f"Communities (Louvain): {communities['count']}, modularity "
        f"{_number(communities['modularity'])}{alignment}"
    )
    sampled = result["betweenness_sampled"]
    if sampled is not None:
        print(
            f"Betweenness estimated from {sampled['k']} sampled people (within ±"
            f"{_number(sampled['error_bound'])} for everyone with {sampled['confidence']:.0%} confidence)"
        )
    centrality = result["centrality"]
    top = sorted(centrality, key=lambda p: -(centrality[p]["betweenness"] or 0))[:TOP_PEOPLE]
    print(f"\nMost between (top {len(top)}):")
    print(
        f"  {'person':<16} {'in':>4} {'out':>4} {'betweenness':>12} {'closeness':>10} {'constraint':>11}"
    )
    for person in top:
        c = centrality[person]
        print(
            f"  {person:<16} {c['in_degree']:>4} {c['out_degree']:>4} {_number(c['betweenness']):>12} "
            f"{_number(c['closeness']):>10} {_number(result['constraint'][person]):>11}"
        )


def _print_change(change: dict[str, Any]) -> None:
    print("\nChange between the two waves")
    print(f"People in both waves: {change['people']}")
    for side, label in (("before_only", "first wave only"), ("after_only", "second wave only")):
        dropped = change["dropped"][side]
        print(f"Left out ({label}, {len(dropped)}): {', '.join(dropped) if dropped else 'none'}")
    print(
        f"Ties gained: {change['gained']}; lost: {change['lost']}; kept: {change['kept']}; "
        f"Jaccard similarity: {_number(change['jaccard'])}"
    )
    qap = change["qap"]
    print(f"QAP correlation: {_number(qap['correlation'])} (p = {_number(qap['p_value'])})")
    print(f"  {'index':<24} {'before':>8} {'after':>8} {'change':>8}")
    for name, row in change["indices"].items():
        print(
            f"  {name:<24} {_number(row['before']):>8} {_number(row['after']):>8} "
            f"{_number(row['change']):>8}"
        )


def cmd_network(args: argparse.Namespace) -> int:
    result = network_command(args)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    _print_summary(result, args.permutations)
    if "change" in result:
        _print_change(result["change"])
    return 0


def add_parser(analyse: Any) -> None:
    """Add `network` to the subcommands of `tandem analyse`."""
    network = analyse.add_parser(
        "network", help="density, reciprocity, E-I, brokerage and more for a network of ties"
    )
    network.add_argument(
        "--edges", required=True, metavar="E.csv", help="columns source, target[, weight]"
    )
    network.add_argument("--nodes", metavar="N.csv", help="column id and one column per attribute")
    network.add_argument(
        "--group", metavar="COL", help="attribute for E-I, bonding, bridging, brokerage"
    )
    network.add_argument("--level", metavar="COL", help="attribute for linking (e.g. grade)")
    network.add_argument(
        "--undirected", action="store_true", help="ties have no direction (a–b is b–a)"
    )
    network.add_argument("--json", action="store_true", help="print the result as JSON")
    network.add_argument(
        "--compare", metavar="E2.csv", help="a later wave's ties: adds a change section"
    )
    network.add_argument(
        "--compare-nodes", metavar="N2.csv", help="the later wave's people (default: --nodes)"
    )
    network.add_argument("--permutations", type=int, default=1000, metavar="N")
    network.add_argument("--seed", type=int, default=0, metavar="N")
    network.add_argument(
        "--betweenness-sample",
        type=int,
        metavar="K",
        help="estimate betweenness from K sampled people (for large networks)",
    )
    network.set_defaults(func=cmd_network)


def add_commands(groups: CliGroups) -> None:
    """Add `analyse network` to the `tandem` command (registered as this app's `cli`)."""
    add_parser(groups.analyse)
