"""What a pseudonymised map may say about each person: attributes shared by at least k people.

A map names nobody, but its readers know everyone's profession, level and locality, and, from
completion status, who answered which stock take. A code shown as the only "doctor, executive" on
a map is as good as a name, and the ties drawn from it are that person's answers. So every node
shows only attributes that at least k people share with it, among the people the reader cannot
tell apart from it otherwise (k-anonymity, Sweeney 2002, by local recoding: each person is
coarsened only as far as their own group needs).

`coarsen_attributes` is the rule. `pool_small_groups` is the same idea for tables whose rows are
groups rather than people (the ties-by-locality matrix).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

from tandem.analysis.errors import AnalysisInputError

Attributes = Mapping[str, Mapping[str, str]]
# (visibility pattern, the attributes shown as sorted (name, value) pairs)
GroupKey = tuple[tuple[bool, ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Coarsened:
    """The attributes each person may show, and how many people share what is shown of them.

    `shown[node]` is a subset of the node's own attributes (possibly empty: nothing shown).
    `group_size[node]` counts the people with the same shown attributes *and* the same
    visibility pattern (the same `visible_sets`): the people a reader cannot tell this one from.
    `order` lists the attributes from the one kept longest to the one dropped first.
    """

    shown: dict[str, dict[str, str]]
    group_size: dict[str, int]
    order: tuple[str, ...]
    k: int

    def counts_shown(self, node: str) -> bool:
        """Whether per-person figures of `node` (ties named, degree, centrality…) may be shown."""
        return self.group_size.get(node, 0) >= self.k


def _values(attributes: Mapping[str, str], order: Sequence[str]) -> tuple[str | None, ...]:
    return tuple(attributes.get(name) or None for name in order)


def _rank(
    attributes: Attributes,
    patterns: Mapping[str, tuple[bool, ...]],
    k: int,
    preference: Sequence[str],
) -> tuple[str, ...]:
    """Attributes from the one kept longest to the one dropped first.

    An attribute is dropped before another when more people are in a category of it that fewer
    than k people share (among people of the same visibility pattern): that attribute splits
    groups worst, so keeping it costs the most. Ties keep `preference`'s order, then the
    alphabetical one.
    """
    names = {name for attrs in attributes.values() for name, value in attrs.items() if value}
    small: dict[str, int] = {}
    for name in names:
        sizes = Counter(
            (patterns[node], attrs.get(name) or None) for node, attrs in attributes.items()
        )
        small[name] = sum(
            1
            for node, attrs in attributes.items()
            if sizes[(patterns[node], attrs.get(name) or None)] < k
        )
    position = {name: i for i, name in enumerate(preference)}
    return tuple(
        sorted(names, key=lambda name: (small[name], position.get(name, len(position)), name))
    )


def _settle(
    members: list[str],
    depth: int,
    paths: Mapping[str, tuple[str | None, ...]],
    k: int,
    placed_at: dict[str, int],
) -> list[str]:
    """Place the members of one branch (people who share the first `depth` values) at `depth` or
    deeper, so that every group placed has at least k people; return those who must go higher.

    A group is the people placed at the same depth with the same values down to it. Branches are
    settled first; the people they could not place form the group at this depth. If that group
    is too small it takes people from the groups placed below: just the people it needs from the
    largest group that keeps k without them, else whole groups, smallest first. The root (depth
    0) places everyone left, however few.
    """
    width = len(paths[members[0]])
    here: list[str] = []
    below: set[str] = set()
    if depth == width:
        here = list(members)
    else:
        branches: dict[str | None, list[str]] = defaultdict(list)
        for node in members:
            branches[paths[node][depth]].append(node)
        for value in sorted(branches, key=lambda v: (v is None, v or "")):
            up = _settle(branches[value], depth + 1, paths, k, placed_at)
            here += up
            below |= set(branches[value]) - set(up)
    while here and len(here) < k and below:
        groups: dict[tuple[int, tuple[str | None, ...]], list[str]] = defaultdict(list)
        for node in sorted(below):
            level = placed_at[node]
            groups[(level, paths[node][:level])].append(node)
        need = k - len(here)
        spare = [key for key, group in groups.items() if len(group) >= k + need]
        if spare:
            # The first codes of the group: codes are in no order a reader could tie to people.
            key = max(spare, key=lambda key: (len(groups[key]), key[0], _sortable(key[1])))
            taken = groups[key][:need]
        else:
            key = min(groups, key=lambda key: (len(groups[key]), -key[0], _sortable(key[1])))
            taken = groups[key]
        for node in taken:
            del placed_at[node]
        here += taken
        below -= set(taken)
    if len(here) >= k or depth == 0:
        for node in here:
            placed_at[node] = depth
        return []
    return here


def _sortable(values: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, value or "") for value in values)


def coarsen_attributes(
    attributes: Attributes,
    *,
    k: int,
    visible_sets: Sequence[Collection[str]] = (),
    preference: Sequence[str] = (),
) -> Coarsened:
    """The attributes each person may show so that at least k people share everything shown.

    `attributes` maps each person (a code) to the attributes a map would show ({"profession":
    "doctor", "level": "executive"}; a blank value is not known). `visible_sets` are the other
    things a reader sees each code in or out of — the maps of each wave (codes are the same on
    every wave, and the lead knows who answered which) and the people who answered each wave (a
    node that answered nothing names no one) — so two people count as alike only if they are
    also in the same sets. `preference` breaks ties between attributes (kept first).

    The rule, per visibility pattern:

    1. Order the attributes: the one with the most people in a category shared by fewer than
       k people is dropped first (`_rank`); so a level held by two executives goes before a
       profession every group shares.
    2. Build the tree of values in that order (profession, then level, …) and settle it from
       the leaves up: a group of fewer than k people moves up a level (drops its last
       attribute) and joins the people there — "doctor, executive" becomes "doctor"; a group
       there still under k takes just enough people from the largest group below that keeps k
       without them, or else whole groups, smallest first; what cannot be placed moves up again,
       until the root (nothing shown).
    3. Only if a pattern has fewer than k people in all can its root group stay under k; its
       people then show nothing and `counts_shown` is false for them.

    Local recoding rather than dropping an attribute for everyone: one executive should not
    cost every other person their level. Properties (tests/analysis/test_network_privacy.py):
    every group shown has at least k people, or is a whole pattern of fewer than k showing
    nothing; nothing changes when every combination already has k; with two attributes, if
    dropping one of them for everyone would do, everyone keeps at least one.
    """
    if k < 1:
        raise AnalysisInputError(f"k must be at least 1 (was {k}).")
    sets = [frozenset(s) for s in visible_sets]
    patterns = {node: tuple(node in s for s in sets) for node in attributes}
    order = _rank(attributes, patterns, k, preference)
    paths = {node: _values(attrs, order) for node, attrs in attributes.items()}
    by_pattern: dict[tuple[bool, ...], list[str]] = defaultdict(list)
    for node in sorted(attributes):
        by_pattern[patterns[node]].append(node)
    placed_at: dict[str, int] = {}
    for members in by_pattern.values():
        _settle(members, 0, paths, k, placed_at)
    shown = {
        node: {
            name: value
            for name, value in zip(order[: placed_at[node]], paths[node], strict=False)
            if value is not None
        }
        for node in attributes
    }
    keys: dict[str, GroupKey] = {
        node: (patterns[node], tuple(sorted(shown[node].items()))) for node in attributes
    }
    sizes = Counter(keys.values())
    return Coarsened(
        shown=shown,
        group_size={node: sizes[keys[node]] for node in attributes},
        order=order,
        k=k,
    )


def pool_small_groups(sizes: Mapping[Hashable, int], *, k: int) -> dict[Hashable, bool]:
    """Which groups of a table stand on their own (True) and which are pooled (False).

    A row for a group of fewer than k people is that group's own figure (a row of one doctor is
    that doctor's count), so groups under k are pooled into one "other" row. If the pool itself
    is under k, the smallest groups that stand alone join it until it reaches k (or everything
    is pooled); a pool still under k then is the whole table under k, which the caller hides.
    """
    if k < 1:
        raise AnalysisInputError(f"k must be at least 1 (was {k}).")
    alone = {group: size >= k for group, size in sizes.items()}
    pooled = sum(size for group, size in sizes.items() if not alone[group])
    for group in sorted((g for g in sizes if alone[g]), key=lambda g: (sizes[g], str(g))):
        if pooled == 0 or pooled >= k:
            break
        alone[group] = False
        pooled += sizes[group]
    return alone


__all__ = ["Coarsened", "coarsen_attributes", "pool_small_groups"]
