"""Network indices against published values, reference software and hand-worked examples.

Published networks: Zachary's (1977) karate club and Padgett's Florentine families (as networkx
ships them) and Krackhardt's (1987) high-tech managers (tests/analysis/data/, with its source).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks import (
    Network,
    betweenness_error_bound,
    network_change,
    network_from_rows,
    network_summary,
    pair_ties,
    read_network_csv,
)

DATA = Path(__file__).parent / "data"
SUMMARY_KEYS = {
    "nodes",
    "edges",
    "directed",
    "density",
    "reciprocity",
    "dyad_census",
    "transitivity",
    "isolates",
    "ei_index",
    "bonding",
    "bridging",
    "linking",
    "centrality",
    "communities",
}


def from_networkx(graph: nx.Graph, attribute: str | None = None) -> Network:
    people = [str(v) for v in graph.nodes]
    attributes = {
        str(v): ({attribute: str(graph.nodes[v][attribute])} if attribute else {})
        for v in graph.nodes
    }
    return Network(
        nodes=tuple(people),
        edges=tuple((str(a), str(b), 1.0) for a, b in graph.edges),
        directed=graph.is_directed(),
        attributes=attributes,
    )


def krackhardt(relation: str) -> Network:
    return read_network_csv(DATA / f"krackhardt_{relation}.csv", DATA / "krackhardt_managers.csv")


def karate() -> Network:
    return from_networkx(nx.karate_club_graph(), "club")


# ---------------------------------------------------------------- published networks


def test_karate_club_matches_zacharys_published_counts() -> None:
    summary = network_summary(karate(), group="club", permutations=200)
    assert (summary["nodes"], summary["edges"]) == (34, 78)
    assert summary["density"] == pytest.approx(78 / (34 * 33 / 2))
    assert summary["density"] == pytest.approx(0.139, abs=5e-4)
    assert summary["transitivity"] == pytest.approx(0.2557, abs=5e-5)
    assert summary["reciprocity"] is None  # undirected: every tie is mutual by definition
    assert summary["dyad_census"] == {"mutual": 78, "asymmetric": 0, "null": 561 - 78}


def test_karate_ei_index_from_the_faction_ties_counted_by_hand() -> None:
    # Zachary's factions (17 each). The ties joining the two factions, in his numbering:
    # 1–32, 2–31, 3–10, 3–28, 3–29, 3–33, 9–31, 9–33, 9–34, 14–34, 20–34: E = 11, I = 78 − 11.
    external, internal = 11, 67
    summary = network_summary(karate(), group="club", permutations=500, seed=1)
    assert summary["ei_index"]["value"] == pytest.approx((external - internal) / 78)
    # Expected under random mixing: P_I = 2 × 17 × 16 = 544, P_E = 34 × 33 − 544 = 578.
    assert summary["ei_index"]["expected"] == pytest.approx((578 - 544) / 1122)
    # Factions this closed-in are far from random mixing.
    assert summary["ei_index"]["p_value"] == pytest.approx(1 / 501)
    assert summary["bridging"]["density_between"] == pytest.approx(11 / (17 * 17))
    assert summary["bonding"] == {
        "Mr. Hi": pytest.approx(summary["bonding"]["Mr. Hi"]),
        "Officer": pytest.approx(summary["bonding"]["Officer"]),
    }
    assert sum(density * 17 * 16 / 2 for density in summary["bonding"].values()) == pytest.approx(
        internal
    )


def test_karate_centrality_matches_published_freeman_betweenness_and_closeness() -> None:
    summary = network_summary(karate(), permutations=0)
    pairs = 33 * 32 / 2
    # Raw betweenness 231.07 (member 1) and 160.55 (member 34), as UCINET reports them.
    assert summary["centrality"]["0"]["betweenness"] == pytest.approx(231.0714 / pairs, abs=1e-5)
    assert summary["centrality"]["33"]["betweenness"] == pytest.approx(160.5516 / pairs, abs=1e-5)
    assert summary["centrality"]["0"]["closeness"] == pytest.approx(0.5690, abs=1e-4)
    assert summary["centrality"]["0"]["in_degree"] == 16
    assert summary["centrality"]["33"]["out_degree"] == 17


def test_florentine_families_medici_betweenness_is_0_522() -> None:
    summary = network_summary(from_networkx(nx.florentine_families_graph()), permutations=0)
    assert summary["nodes"] == 15 and summary["edges"] == 20
    # Padgett & Ansell (1993): the Medici sit on 47.5 of the 91 geodesic pairs' paths.
    assert summary["centrality"]["Medici"]["betweenness"] == pytest.approx(47.5 / 91)
    assert summary["centrality"]["Medici"]["betweenness"] == pytest.approx(0.522, abs=5e-4)


@pytest.mark.parametrize(
    ("relation", "ties", "density", "census"),
    [
        ("advice", 190, 0.452, {"mutual": 45, "asymmetric": 100, "null": 65}),
        ("friendship", 102, 0.243, {"mutual": 23, "asymmetric": 56, "null": 131}),
    ],
)
def test_krackhardt_managers_match_wasserman_and_faust(
    relation: str, ties: int, density: float, census: dict[str, int]
) -> None:
    summary = network_summary(krackhardt(relation), group="department", permutations=0)
    assert summary["nodes"] == 21 and summary["edges"] == ties
    assert summary["density"] == pytest.approx(density, abs=5e-4)
    assert summary["dyad_census"] == census
    assert summary["reciprocity"] == pytest.approx(
        2 * census["mutual"] / (2 * census["mutual"] + census["asymmetric"])
    )


def test_krackhardt_advice_everyone_but_two_asks_manager_2() -> None:
    summary = network_summary(krackhardt("advice"), permutations=0)
    in_degrees = {p: c["in_degree"] for p, c in summary["centrality"].items()}
    assert in_degrees["2"] == 18
    assert max(in_degrees, key=in_degrees.__getitem__) == "2"


def test_krackhardt_linking_counts_ties_across_levels() -> None:
    net = krackhardt("friendship")
    level = {p: net.attributes[p]["level"] for p in net.nodes}
    crossing = sum(level[s] != level[t] for s, t, _ in net.edges)
    summary = network_summary(net, level="level", permutations=0)
    assert summary["linking"]["share_cross_level"] == pytest.approx(crossing / 102)


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.florentine_families_graph(),
        nx.gnp_random_graph(40, 0.06, seed=7, directed=True),
    ],
    ids=["karate", "florentine", "sparse-directed"],
)
def test_constraint_and_centrality_equal_networkx(graph: nx.Graph) -> None:
    net = from_networkx(graph)
    summary = network_summary(net, permutations=0, backend="networkx")
    constraint = nx.constraint(graph)
    closeness = nx.closeness_centrality(graph)
    betweenness = nx.betweenness_centrality(graph)
    for v in graph.nodes:
        ours = summary["constraint"][str(v)]
        assert (ours is None and np.isnan(constraint[v])) or ours == pytest.approx(constraint[v])
        assert summary["centrality"][str(v)]["closeness"] == pytest.approx(closeness[v])
        assert summary["centrality"][str(v)]["betweenness"] == pytest.approx(betweenness[v])


@pytest.mark.parametrize(
    "net",
    [
        pytest.param(karate(), id="karate"),
        pytest.param(krackhardt("advice"), id="krackhardt-advice"),
        pytest.param(krackhardt("friendship"), id="krackhardt-friendship"),
        pytest.param(
            from_networkx(nx.gnp_random_graph(60, 0.03, seed=3, directed=True)),
            id="sparse-unreachable",
        ),
    ],
)
def test_igraph_backend_gives_networkx_numbers(net: Network) -> None:
    reference = network_summary(net, permutations=0, backend="networkx")
    fast = network_summary(net, permutations=0, backend="igraph")
    assert fast["transitivity"] == pytest.approx(reference["transitivity"])
    for person in net.nodes:
        for index in ("betweenness", "closeness", "in_degree", "out_degree"):
            assert fast["centrality"][person][index] == pytest.approx(
                reference["centrality"][person][index], abs=1e-12
            )
    # Louvain's result depends on visiting order, which the libraries draw differently; the
    # modularity reported must be that of the partition returned.
    undirected = nx.Graph([(s, t) for s, t, _ in net.edges])
    undirected.add_nodes_from(net.nodes)
    for summary in (fast, reference):
        membership = summary["communities"]["membership"]
        parts: dict[int, set[str]] = {}
        for person, label in membership.items():
            parts.setdefault(label, set()).add(person)
        assert summary["communities"]["modularity"] == pytest.approx(
            nx.community.modularity(undirected, parts.values())
        )


def test_sampled_betweenness_is_the_same_estimate_in_both_backends() -> None:
    net = krackhardt("advice")
    options = {"permutations": 0, "betweenness_sample": 8, "seed": 4}
    fast = network_summary(net, backend="igraph", **options)
    reference = network_summary(net, backend="networkx", **options)
    for person in net.nodes:
        assert fast["centrality"][person]["betweenness"] == pytest.approx(
            reference["centrality"][person]["betweenness"]
        )
    assert fast["betweenness_sampled"]["k"] == 8
    assert fast["betweenness_sampled"]["error_bound"] == pytest.approx(
        betweenness_error_bound(21, 8)
    )


def test_sampling_every_source_gives_exact_betweenness() -> None:
    net = karate()
    exact = network_summary(net, permutations=0)
    every = network_summary(net, permutations=0, betweenness_sample=34)
    assert every["betweenness_sampled"] is None
    assert every["centrality"] == exact["centrality"]


def test_communities_align_with_clubs_by_sklearns_nmi() -> None:
    from sklearn import metrics  # installed with pingouin, which Tandem depends on

    summary = network_summary(karate(), group="club", permutations=0)
    membership = summary["communities"]["membership"]
    club = {str(v): d["club"] for v, d in nx.karate_club_graph().nodes(data=True)}
    people = sorted(membership)
    expected = metrics.normalized_mutual_info_score(
        [club[p] for p in people], [membership[p] for p in people]
    )
    assert summary["communities"]["alignment"] == pytest.approx(expected)
    assert summary["communities"]["modularity"] == pytest.approx(0.42, abs=0.03)


def test_summary_has_the_promised_shape_and_serialises_to_json() -> None:
    summary = network_summary(krackhardt("advice"), group="department", level="level")
    assert set(summary) >= SUMMARY_KEYS
    assert set(summary["ei_index"]) == {"attribute", "value", "expected", "p_value"}
    assert set(summary["bridging"]) == {"density_between", "ei_index"}
    assert set(summary["dyad_census"]) == {"mutual", "asymmetric", "null"}
    assert {"count", "modularity", "alignment"} <= set(summary["communities"])
    assert set(summary["centrality"]["1"]) == {
        "in_degree",
        "out_degree",
        "betweenness",
        "closeness",
    }
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary


def test_no_group_or_level_gives_nulls_not_errors() -> None:
    summary = network_summary(krackhardt("advice"), permutations=0)
    assert summary["ei_index"] is None
    assert summary["bridging"] is None
    assert summary["linking"] is None
    assert summary["bonding"] == {}


# ---------------------------------------------------------------- hand-worked examples


def net_of(edges: list[tuple[str, str]], groups: dict[str, str], directed: bool = True) -> Network:
    return Network(
        nodes=tuple(groups),
        edges=tuple((s, t, 1.0) for s, t in edges),
        directed=directed,
        attributes={p: {"group": g} for p, g in groups.items()},
    )


def test_dyad_census_and_reciprocity_by_hand() -> None:
    # a↔b mutual, a→c asymmetric; 4 people make 6 pairs, so 4 are null.
    net = net_of([("a", "b"), ("b", "a"), ("a", "c")], dict.fromkeys("abcd", "x"))
    summary = network_summary(net, permutations=0)
    assert summary["dyad_census"] == {"mutual": 1, "asymmetric": 1, "null": 4}
    assert summary["reciprocity"] == pytest.approx(2 / 3)
    assert summary["density"] == pytest.approx(3 / 12)
    assert summary["isolates"] == ["d"]
    assert summary["constraint"]["d"] is None


def test_brokerage_roles_by_hand() -> None:
    # The four-person example of R cograph's brokerage help (A, B in group 1; C, D in group 2).
    # Open two-paths (a → v → c with a ↛ c): A→B→D representative (B), A→C→D gatekeeper (C),
    # B→D→A itinerant (D), C→D→A representative (D), D→A→B gatekeeper (A), D→A→C itinerant (A).
    # A→B→C and B→C→D are closed (A→C, B→D exist) and do not count.
    net = net_of(
        [("A", "B"), ("A", "C"), ("B", "C"), ("B", "D"), ("C", "D"), ("D", "A")],
        {"A": "1", "B": "1", "C": "2", "D": "2"},
    )
    roles = network_summary(net, group="group", permutations=0)["brokerage"]
    zero = dict.fromkeys(("coordinator", "itinerant", "representative", "gatekeeper", "liaison"), 0)
    assert roles["A"] == {**zero, "gatekeeper": 1, "itinerant": 1}
    assert roles["B"] == {**zero, "representative": 1}
    assert roles["C"] == {**zero, "gatekeeper": 1}
    assert roles["D"] == {**zero, "itinerant": 1, "representative": 1}


def test_coordinator_and_liaison_by_hand() -> None:
    groups = {"a1": "A", "a2": "A", "a3": "A", "b": "B", "c": "C", "x": "A", "y": "A", "z": "A"}
    # a1→a2→a3 open (coordinator a2); a1→b→c all different (liaison b); x→y→z closed by x→z.
    edges = [
        ("a1", "a2"),
        ("a2", "a3"),
        ("a1", "b"),
        ("b", "c"),
        ("x", "y"),
        ("y", "z"),
        ("x", "z"),
    ]
    roles = network_summary(net_of(edges, groups), group="group", permutations=0)["brokerage"]
    assert roles["a2"]["coordinator"] == 1 and sum(roles["a2"].values()) == 1
    assert roles["b"]["liaison"] == 1 and sum(roles["b"].values()) == 1
    assert sum(roles["y"].values()) == 0


def test_ei_expected_value_by_hand() -> None:
    # Groups of 3 and 2: P_I = 3·2 + 2·1 = 8 of 20 ordered pairs, P_E = 12: (12 − 8)/20 = 0.2.
    groups = {"a": "d", "b": "d", "c": "d", "x": "m", "y": "m"}
    net = net_of([("a", "b"), ("a", "x"), ("x", "y"), ("y", "c")], groups)
    summary = network_summary(net, group="group", permutations=0)
    assert summary["ei_index"]["expected"] == pytest.approx(0.2)
    assert summary["ei_index"]["value"] == pytest.approx((2 - 2) / 4)
    assert summary["ei_index"]["p_value"] is None
    assert summary["bonding"] == {"d": pytest.approx(1 / 6), "m": pytest.approx(1 / 2)}
    assert summary["bridging"]["density_between"] == pytest.approx(2 / 12)


def test_ei_permutation_p_value_matches_full_enumeration() -> None:
    groups = {"a": "d", "b": "d", "c": "d", "x": "m", "y": "m"}
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("a", "x")]
    net = net_of(edges, groups)
    summary = network_summary(net, group="group", permutations=4000, seed=2)
    observed, expected = summary["ei_index"]["value"], summary["ei_index"]["expected"]
    people, labels = list(groups), list(groups.values())
    extreme = total = 0
    for order in itertools.permutations(labels):
        relabel = dict(zip(people, order, strict=True))
        external = sum(relabel[s] != relabel[t] for s, t in edges)
        value = (2 * external - len(edges)) / len(edges)
        extreme += abs(value - expected) >= abs(observed - expected) - 1e-12
        total += 1
    assert summary["ei_index"]["p_value"] == pytest.approx(extreme / total, abs=0.03)


def test_change_between_waves_by_hand() -> None:
    groups = {"a": "d", "b": "d", "c": "m", "d": "m"}
    before = net_of([("a", "b"), ("b", "c"), ("d", "a")], groups)
    after_groups = {"a": "d", "b": "d", "c": "m", "e": "m"}
    after = net_of([("a", "b"), ("c", "a"), ("e", "a")], after_groups)
    change = network_change(before, after, group="group", permutations=0)
    assert change["people"] == 3
    assert change["dropped"] == {"before_only": ["d"], "after_only": ["e"]}
    assert change["ties_gained"] == [["c", "a"]]
    assert change["ties_lost"] == [["b", "c"]]
    assert (change["gained"], change["lost"], change["kept"]) == (1, 1, 1)
    assert change["jaccard"] == pytest.approx(1 / 3)
    assert change["indices"]["density"] == {
        "before": pytest.approx(2 / 6),
        "after": pytest.approx(2 / 6),
        "change": pytest.approx(0.0),
    }
    # QAP: Pearson over the 6 off-diagonal cells of the two 3 × 3 matrices.
    x = np.array([1, 0, 0, 1, 0, 0])  # ab ac ba bc ca cb
    y = np.array([1, 0, 0, 0, 1, 0])
    assert change["qap"]["correlation"] == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert change["centrality_change"]["c"]["out_degree"] == 1


def test_qap_p_value_matches_full_enumeration() -> None:
    people = list("abcde")
    first = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "a"), ("a", "c")]
    second = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("e", "b")]
    groups = dict.fromkeys(people, "x")
    change = network_change(
        net_of(first, groups), net_of(second, groups), permutations=3000, seed=5
    )

    def matrix(edges: list[tuple[str, str]], order: list[str]) -> np.ndarray:
        m = np.zeros((5, 5))
        for s, t in edges:
            m[order.index(s), order.index(t)] = 1
        return m[~np.eye(5, dtype=bool)]

    observed = np.corrcoef(matrix(first, people), matrix(second, people))[0, 1]
    assert change["qap"]["correlation"] == pytest.approx(observed)
    extreme = [
        abs(np.corrcoef(matrix(first, people), matrix(second, list(order)))[0, 1])
        >= abs(observed) - 1e-12
        for order in itertools.permutations(people)
    ]
    assert change["qap"]["p_value"] == pytest.approx(np.mean(extreme), abs=0.03)


def test_undirected_change_treats_a_b_and_b_a_as_one_tie() -> None:
    groups = dict.fromkeys("abc", "x")
    before = net_of([("a", "b"), ("b", "c")], groups, directed=False)
    after = net_of([("b", "a"), ("a", "c")], groups, directed=False)
    change = network_change(before, after, permutations=0)
    assert change["kept"] == 1 and change["gained"] == 1 and change["lost"] == 1


def test_pair_ties_say_who_named_whom_and_how_often() -> None:
    advice = Network(
        nodes=("d1", "m1", "d2", "m2"),
        edges=(("d1", "m1", 3.0), ("m1", "d1", 5.0), ("m2", "d2", 1.0)),
    )
    talk = Network(nodes=("d1", "m1"), edges=(("d1", "m1", 4.0),), directed=False)
    rows = pair_ties({"advice": advice, "talk": talk}, [("d1", "m1"), ("d2", "m2")])
    by_key = {(r["doctor"], r["relation"]): r for r in rows}
    assert by_key[("d1", "advice")]["mutual"] is True
    assert by_key[("d1", "advice")]["weight_doctor_to_manager"] == 3.0
    assert by_key[("d1", "advice")]["weight_manager_to_doctor"] == 5.0
    assert by_key[("d2", "advice")]["doctor_names_manager"] is False
    assert by_key[("d2", "advice")]["manager_names_doctor"] is True
    assert by_key[("d1", "talk")]["mutual"] is True  # undirected: a tie counts both ways
    assert by_key[("d2", "talk")]["in_network"] is False
    assert len(rows) == 4


# ---------------------------------------------------------------- input checks


NODES = [{"id": "a", "profession": "doctor"}, {"id": "b", "profession": "manager"}, {"id": "c"}]


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ([{"from": "a", "to": "b"}], "needs a “source” and “target” column"),
        (
            [{"source": "a", "target": "b"}, {"source": "a", "target": "zed"}],
            "row 3: the target “zed”",
        ),
        ([{"source": "a", "target": "a"}], "row 2: “a” names themself"),
        (
            [
                {"source": "a", "target": "b"},
                {"source": "b", "target": "c"},
                {"source": "a", "target": "b"},
            ],
            "row 4 repeats the tie “a” → “b” from row 2",
        ),
        (
            [{"source": "a", "target": "b", "weight": "often"}],
            "row 2: the weight “often” is not a number",
        ),
        ([{"source": "a", "target": "b", "weight": "-2"}], "row 2: the weight “-2” is negative"),
        (
            [{"source": "a", "target": "b", "weight": "inf"}],
            "row 2: the weight “inf” is not a finite",
        ),
        ([{"source": "", "target": "b"}], "row 2: the source is empty"),
    ],
)
def test_bad_edges_name_the_row_and_value(edges: list[dict[str, str]], message: str) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        network_from_rows(edges, NODES)


def test_undirected_duplicate_is_the_same_tie_reversed() -> None:
    rows = [{"source": "a", "target": "b"}, {"source": "b", "target": "a"}]
    with pytest.raises(AnalysisInputError, match="row 3 repeats the tie “b” – “a” from row 2"):
        network_from_rows(rows, NODES, directed=False)
    assert len(network_from_rows(rows, NODES).edges) == 2


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ([{"person": "a"}], "needs an “id” column"),
        ([{"id": "a"}, {"id": ""}], "Nodes row 3: the id is empty"),
        ([{"id": "a"}, {"id": "b"}, {"id": "a"}], "Nodes row 4 repeats the id “a” from row 2"),
    ],
)
def test_bad_nodes_name_the_row_and_value(nodes: list[dict[str, str]], message: str) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        network_from_rows([{"source": "a", "target": "b"}], nodes)


def test_rows_read_weights_attributes_and_skip_zero_weight_ties() -> None:
    net = network_from_rows(
        [
            {"Source": " a ", "Target": "b", "Weight": "2.5"},
            {"Source": "b", "Target": "a", "Weight": ""},
            {"Source": "a", "Target": "c", "Weight": "0"},
        ],
        NODES,
    )
    assert net.nodes == ("a", "b", "c")
    assert net.edges == (("a", "b", 2.5), ("b", "a", 1.0))
    assert net.attributes["a"] == {"profession": "doctor"}
    assert net.attributes["c"] == {}


def test_people_come_from_the_ties_when_no_nodes_are_given() -> None:
    net = network_from_rows([{"source": "x", "target": "y"}, {"source": "z", "target": "x"}])
    assert net.nodes == ("x", "y", "z")


def test_unknown_group_attribute_says_which_exist() -> None:
    with pytest.raises(AnalysisInputError, match=r"No one has a value for “grade”.*profession"):
        network_summary(network_from_rows([{"source": "a", "target": "b"}], NODES), group="grade")


def test_csv_with_byte_order_mark_reads(tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    edges.write_bytes("\ufeffsource,target,weight\na,b,2\n".encode())
    assert read_network_csv(edges).edges == (("a", "b", 2.0),)


def test_missing_and_non_utf8_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(AnalysisInputError, match="File not found"):
        read_network_csv(tmp_path / "nope.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("source,target\nJos\xe9,b\n".encode("latin-1"))
    with pytest.raises(AnalysisInputError, match="not UTF-8"):
        read_network_csv(latin)


def test_change_needs_the_same_kind_of_network() -> None:
    groups = dict.fromkeys("ab", "x")
    with pytest.raises(AnalysisInputError, match="directed"):
        network_change(net_of([("a", "b")], groups), net_of([("a", "b")], groups, directed=False))


# ---------------------------------------------------------------- properties


@st.composite
def small_networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(min_value=3, max_value=9))
    people = [f"p{i}" for i in range(n)]
    possible = [(s, t) for s in people for t in people if s != t]
    edges = draw(
        st.lists(st.sampled_from(possible), unique=True, min_size=1, max_size=len(possible))
    )
    groups = draw(st.lists(st.sampled_from(["doctor", "manager"]), min_size=n, max_size=n))
    return net_of(edges, dict(zip(people, groups, strict=True)))


@settings(max_examples=40, deadline=None)
@given(small_networks())
def test_indices_stay_in_their_ranges(net: Network) -> None:
    summary = network_summary(net, group="group", permutations=20)
    n = summary["nodes"]
    assert sum(summary["dyad_census"].values()) == n * (n - 1) // 2
    assert 0 <= summary["reciprocity"] <= 1
    assert 0 <= summary["density"] <= 1
    for key in ("value", "expected"):
        value = summary["ei_index"][key]
        assert value is None or -1 <= value <= 1
    p = summary["ei_index"]["p_value"]
    assert p is None or 0 < p <= 1


@settings(max_examples=40, deadline=None)
@given(small_networks())
def test_brokerage_counts_every_open_two_path_once(net: Network) -> None:
    ties = {(s, t) for s, t, _ in net.edges}
    open_paths = sum(
        1 for (a, v) in ties for (v2, c) in ties if v2 == v and a != c and (a, c) not in ties
    )
    roles = network_summary(net, group="group", permutations=0)["brokerage"]
    assert sum(sum(r.values()) for r in roles.values()) == open_paths


@settings(max_examples=30, deadline=None)
@given(small_networks())
def test_constraint_equals_networkx_on_random_networks(net: Network) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(net.nodes)
    graph.add_edges_from((s, t) for s, t, _ in net.edges)
    expected = nx.constraint(graph)
    ours = network_summary(net, permutations=0)["constraint"]
    for person in net.nodes:
        if np.isnan(expected[person]):
            assert ours[person] is None
        else:
            assert ours[person] == pytest.approx(expected[person])


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
@pytest.mark.parametrize(
    "net",
    [
        pytest.param(Network(nodes=("a",), edges=()), id="one-person"),
        pytest.param(
            Network(nodes=("a", "b"), edges=(), attributes={"a": {"g": "x"}, "b": {"g": "y"}}),
            id="no-ties",
        ),
    ],
)
def test_degenerate_networks_give_nulls_not_errors(net: Network, backend: str) -> None:
    group = "g" if net.attributes else None
    summary = network_summary(net, group=group, backend=backend, permutations=10)
    json.dumps(summary, allow_nan=False)
    assert summary["reciprocity"] is None
    assert summary["isolates"] == list(net.nodes)
    assert summary["communities"]["modularity"] is None
    assert all(value is None for value in summary["constraint"].values())


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match="is empty"):
        read_network_csv(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text("from,to\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match="needs a “source” and “target” column"):
        read_network_csv(header_only)
    no_ties = tmp_path / "ties.csv"
    no_ties.write_text("source,target\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("id,profession\na,doctor\nb,manager\n", encoding="utf-8")
    net = read_network_csv(no_ties, people)
    assert net.nodes == ("a", "b") and net.edges == ()


@pytest.mark.parametrize(
    ("edges", "directed", "message"),
    [
        ((("a", "a", 1.0),), True, "“a” names themself"),
        ((("a", "b", 1.0), ("a", "b", 2.0)), True, "“a” → “b” is given twice"),
        ((("a", "b", 1.0), ("b", "a", 2.0)), False, "“b” → “a” is given twice"),
        ((("a", "zed", 1.0),), True, "“zed”, who is not a person"),
    ],
)
def test_networks_built_by_hand_are_checked_too(
    edges: tuple[tuple[str, str, float], ...], directed: bool, message: str
) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        network_summary(Network(nodes=("a", "b"), edges=edges, directed=directed))


@settings(max_examples=30, deadline=None)
@given(small_networks(), st.booleans())
def test_igraph_and_networkx_agree_on_random_networks(net: Network, directed: bool) -> None:
    if not directed:
        ties = {tuple(sorted((s, t))) for s, t, _ in net.edges}
        net = Network(net.nodes, tuple((s, t, 1.0) for s, t in sorted(ties)), False, net.attributes)
    fast = network_summary(net, permutations=0, backend="igraph")
    reference = network_summary(net, permutations=0, backend="networkx")
    assert fast["transitivity"] == pytest.approx(reference["transitivity"])
    for person in net.nodes:
        for index in ("betweenness", "closeness"):
            assert fast["centrality"][person][index] == pytest.approx(
                reference["centrality"][person][index], abs=1e-12
            )


def test_bridging_counts_only_doctor_manager_ties_when_named() -> None:
    # Two doctors, two managers, two other clinicians. Ties: d1→m1, m2→d2 (bridging), d1→o1 and
    # o2→m2 (between professions, but not doctor–manager), d1→d2 (bonding).
    from tandem.analysis.networks import Network, network_summary

    people = ("d1", "d2", "m1", "m2", "o1", "o2")
    profession = {"d": "doctor", "m": "manager", "o": "other_clinician"}
    net = Network(
        nodes=people,
        edges=(
            ("d1", "m1", 1.0),
            ("m2", "d2", 1.0),
            ("d1", "o1", 1.0),
            ("o2", "m2", 1.0),
            ("d1", "d2", 1.0),
        ),
        directed=True,
        attributes={p: {"profession": profession[p[0]]} for p in people},
    )
    named = network_summary(net, group="profession", permutations=0, bridge=("doctor", "manager"))
    # 2 doctor–manager ties of 2 × 2 × 2 = 8 possible.
    assert named["bridging"]["density_between"] == pytest.approx(2 / 8)
    # Without naming the two groups, any two professions count: 4 ties of 30 − 3 × 2 = 24.
    anyone = network_summary(net, group="profession", permutations=0)
    assert anyone["bridging"]["density_between"] == pytest.approx(4 / 24)


def test_communities_of_the_network_that_hung_networkx_louvain() -> None:
    # networkx 3.6's louvain_communities moved nodes back and forth for ever on this network
    # (two gains equal but for rounding); communities now come from igraph's multilevel.
    pairs = [(0, 1), (0, 2), (0, 5), (0, 6), (1, 2), (1, 4), (1, 5), (1, 6), (3, 4), (3, 6)]
    edges = [(f"p{a}", f"p{b}") for a, b in pairs]
    net = net_of(
        edges, {f"p{i}": "doctor" if i % 2 else "manager" for i in range(7)}, directed=False
    )
    summary = network_summary(net, group="group", permutations=0)
    membership = summary["communities"]["membership"]
    graph = nx.Graph(edges)
    parts: dict[int, set[str]] = {}
    for person, label in membership.items():
        parts.setdefault(label, set()).add(person)
    assert summary["communities"]["modularity"] == pytest.approx(
        nx.community.modularity(graph, parts.values())
    )
    assert summary["communities"]["modularity"] > 0
