"""Integer-indexed edge arrays that every vectorised index works on, and small helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks.rows import Network

# How many permutations are drawn at once: bounds memory at about chunk × ties × 8 bytes.
PERMUTATION_CHUNK = 25

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Indexed:
    """The ties as integer arrays: person i is `net.nodes[i]`; one entry per tie."""

    n: int
    source: IntArray  # for undirected networks, source < target
    target: IntArray
    directed: bool

    @property
    def m(self) -> int:
        return len(self.source)

    @property
    def pairs(self) -> int:
        """Possible ties: ordered pairs (directed) or unordered pairs."""
        return self.n * (self.n - 1) // (1 if self.directed else 2)

    def codes(self) -> IntArray:
        return self.source * self.n + self.target


def index_network(net: Network) -> Indexed:
    position = {person: i for i, person in enumerate(net.nodes)}
    if len(position) != len(net.nodes):
        raise AnalysisInputError("A person appears twice in the network's list of people.")
    try:
        source = np.fromiter((position[s] for s, _, _ in net.edges), np.int64, len(net.edges))
        target = np.fromiter((position[t] for _, t, _ in net.edges), np.int64, len(net.edges))
    except KeyError as error:
        raise AnalysisInputError(
            f"A tie names “{error.args[0]}”, who is not a person in the network."
        ) from None
    if not net.directed:
        source, target = np.minimum(source, target), np.maximum(source, target)
    # Networks built by hand (not by network_from_rows) get the same two checks every index
    # relies on: no one names themself and no tie is counted twice.
    loops = np.flatnonzero(source == target)
    if len(loops):
        person = net.edges[int(loops[0])][0]
        raise AnalysisInputError(f"“{person}” names themself; a tie must join two people.")
    codes = source * len(net.nodes) + target
    unique, first = np.unique(codes, return_index=True)
    if len(unique) != len(codes):
        repeated = np.setdiff1d(np.arange(len(codes)), first)[0]
        s, t, _ = net.edges[int(repeated)]
        raise AnalysisInputError(f"The tie “{s}” → “{t}” is given twice.")
    return Indexed(n=len(net.nodes), source=source, target=target, directed=net.directed)


def attribute_codes(net: Network, attribute: str) -> tuple[IntArray, list[str]]:
    """Each person's attribute value as an integer code (−1 = not known) and the sorted values."""
    values = [net.attributes.get(person, {}).get(attribute, "") for person in net.nodes]
    names = sorted({value for value in values if value})
    if not names:
        columns = sorted({key for attrs in net.attributes.values() for key in attrs})
        listed = ", ".join(columns) or "none"
        raise AnalysisInputError(
            f"No one has a value for “{attribute}” (the people's attributes: {listed})."
        )
    code = {name: i for i, name in enumerate(names)}
    return np.array([code.get(value, -1) for value in values], dtype=np.int64), names


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else float(numerator) / float(denominator)


def finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)
