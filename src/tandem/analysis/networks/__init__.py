"""Whole-network and ego-network indices for social capital (docs/methods.md, "Networks").

A `Network` is a roster of people (string ids, with attributes such as profession and level) and
the ties they named: (source, target, weight), where source named target and the weight is, for
example, how often they talk. Every index below is computed on the *binary* tie set (a tie is
there or not); weights are kept for `pair_ties`, which reports them as they were given.

Definitions (directed unless stated; n people, m ties):

- density = m / (n(n − 1)); undirected m / (n(n − 1)/2).
- dyad census (Holland & Leinhardt 1970): M mutual, A asymmetric and N null pairs,
  M + A + N = n(n − 1)/2. reciprocity = 2M / (2M + A), the share of ties that are reciprocated
  (networkx `overall_reciprocity`). For an undirected network every tie is mutual by
  definition: the census reports M = m, A = 0 and reciprocity is None (not defined).
- transitivity = 3 × triangles / connected triples, on the undirected version of the network (a
  tie in either direction joins two people), as networkx `transitivity` and igraph
  `transitivity_undirected` (R `igraph::transitivity(type = "global")`) compute it.
- in/out-degree: the number of people a person was named by / named. Betweenness (Freeman 1977)
  normalised by (n − 1)(n − 2) (directed) as networkx `betweenness_centrality`; closeness on
  incoming distances with the Wasserman–Faust correction for unreached people, as networkx
  `closeness_centrality` (r / Σd × r / (n − 1), r = people who can reach the person).
- Brokerage roles (Gould & Fernandez 1989), as R `sna::brokerage` counts them: person v brokers
  a → v → c when a ↛ c (a ≠ c). By the group of a, v and c: coordinator A→A→A, itinerant A→B→A,
  representative A→A→B, gatekeeper A→B→B, liaison A→B→C. Undirected ties count both ways.
- Burt's constraint (Burt 1992) as networkx `constraint`: c_i = Σ_j (p_ij + Σ_q p_iq p_qj)²,
  p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki); None for an isolate.
- Communities: Louvain (Blondel et al. 2008) on the undirected version, seeded, with Newman's
  modularity; alignment with the group attribute as normalised mutual information,
  NMI = I(C; G) / ((H(C) + H(G)) / 2) (the arithmetic mean, scikit-learn's default), over the
  people whose group is known.
- E-I index (Krackhardt & Stern 1988) = (E − I) / (E + I), E ties between different groups, I
  within; expected value under random mixing = (P_E − P_I) / (P_E + P_I) from the numbers of
  possible external and internal ties given the group sizes; two-sided permutation p-value
  (group labels shuffled over people, (hits + 1) / (permutations + 1)). Ties to people without a
  group are left out.
- bonding = density within each group; bridging = density of ties between groups (ties between
  different groups over the possible such ties) and the E-I index; linking = the share of ties
  (between people whose level is known) that join different levels.

Large networks use igraph for betweenness, closeness, transitivity and Louvain (the same
definitions; the tests check that both give networkx's numbers); everything else is vectorised
numpy over the edge list, so nothing needs an n × n matrix.

What a pseudonymised map may show about each person (attributes shared by at least k people,
per-person figures only then) is `privacy.coarsen_attributes`.
"""

from tandem.analysis.networks.change import network_change, qap_correlation
from tandem.analysis.networks.pairs import pair_ties
from tandem.analysis.networks.paths import (
    BETWEENNESS_BOUND_DELTA,
    IGRAPH_FROM_NODES,
    Backend,
    betweenness_error_bound,
)
from tandem.analysis.networks.privacy import Coarsened, coarsen_attributes, pool_small_groups
from tandem.analysis.networks.rows import (
    FIRST_DATA_ROW,
    Network,
    network_from_rows,
    read_network_csv,
)
from tandem.analysis.networks.structure import (
    BROKERAGE_ROLES,
    brokerage_roles,
    burt_constraint,
    dyad_census,
    ei_index,
)
from tandem.analysis.networks.summary import network_summary

__all__ = [
    "BETWEENNESS_BOUND_DELTA",
    "BROKERAGE_ROLES",
    "FIRST_DATA_ROW",
    "IGRAPH_FROM_NODES",
    "Backend",
    "Coarsened",
    "Network",
    "betweenness_error_bound",
    "brokerage_roles",
    "burt_constraint",
    "coarsen_attributes",
    "dyad_census",
    "ei_index",
    "network_change",
    "network_from_rows",
    "network_summary",
    "pair_ties",
    "pool_small_groups",
    "qap_correlation",
    "read_network_csv",
]
