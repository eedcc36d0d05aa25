"""The "Working relationships (network)" section of the feedback and comparison reports.

Indices with their meaning in plain English, and a pseudonymised static map (the same SVG as the
maps page, drawn from `selectors.map_network`: people coarsened by `selectors.map_rules`, no tie
strengths). The whole section is left out, with the reason, when fewer than k people answered the
roster, or while a wave is open. Every figure goes through the disclosure ledger
(`tandem.networks.ledger`): a relation's indices, a change or a map it refuses is left out and
listed in `withheld` with the reason in words, on the page and in the PDF alike. Reports are shown
to whoever may see the report (`tandem.reports.selectors`), so nothing here names anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.disclosure.ledger import Decisions
from tandem.networks import selectors
from tandem.networks.ledger import MAP, FigureKey, NetworkFigures
from tandem.networks.roster import Relation
from tandem.networks.svg import layout, network_svg
from tandem.surveys.models import Wave

MAP_RELATION = "talk"  # the report's map: who talks with whom at least monthly


@dataclass
class ReportNetworkSection:
    respondents: int
    k: int
    hidden: str | None = None
    relations: list[Relation] = field(default_factory=list)
    # (what the index is, one shown value per relation)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    maps: list[tuple[str, str]] = field(default_factory=list)  # (caption, svg)
    # (what is not shown, why in words) for each figure the ledger refused
    withheld: list[tuple[str, str]] = field(default_factory=list)
    overlay: bool = False  # the last map shows the ties gained and lost since the earlier wave


def _fmt(value: Any, percent: bool = False) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def _rows(indices: selectors.WaveIndices) -> list[tuple[str, list[str]]]:
    rels = indices.shown
    rows = [
        ("Ties", [str(r.summary.get("edges", "–")) for r in rels]),
        (
            "Density (share of possible ties present)",
            [_fmt(r.summary.get("density")) for r in rels],
        ),
        (
            "Reciprocity (ties named by both people)",
            [_fmt(r.summary.get("reciprocity"), True) for r in rels],
        ),
        (
            "Bridging: density of doctor–manager ties",
            [_fmt((r.summary.get("bridging") or {}).get("density_between")) for r in rels],
        ),
        (
            "Linking: share of ties across levels",
            [_fmt((r.summary.get("linking") or {}).get("share_cross_level"), True) for r in rels],
        ),
    ]
    labels = [label for label, _, _ in rels[0].bonding] if rels else []
    for position, label in enumerate(labels):
        values = []
        for r in rels:
            _, density, hidden = r.bonding[position]
            values.append("not shown" if hidden else _fmt(density))
        rows.append((f"Bonding: density among {label.lower()}s", values))
    return rows


def _wave_sentences(indices: selectors.WaveIndices) -> list[str]:
    sentences = []
    for r in indices.shown:
        bridging = (r.summary.get("bridging") or {}).get("density_between")
        linking = (r.summary.get("linking") or {}).get("share_cross_level")
        sentences.append(
            f"“{r.relation.text}”: {_fmt(bridging, True)} of the possible ties between doctors "
            f"and managers are present, and {_fmt(linking, True)} of all ties reach across levels "
            "of the organisation."
        )
    return sentences


def _map(
    data: selectors.WaveNetworks,
    rules: selectors.MapRules,
    positions: dict[str, tuple[float, float]] | None = None,
    gained: set[tuple[str, str]] | None = None,
    lost: set[tuple[str, str]] | None = None,
) -> tuple[str, str]:
    relation = data.relation(MAP_RELATION)
    caption = f"{data.wave.title}: who names whom (“{relation.text}” — {relation.name})"
    net = selectors.map_network(data.networks[MAP_RELATION], rules)
    svg = network_svg(
        net,
        title=caption,
        positions=positions,
        gained=gained or set(),
        lost=lost or set(),
        counts_hidden=rules.counts_hidden(net.nodes),
    )
    return caption, svg


def _hidden(respondents: int, k: int) -> str:
    return (
        f"Not shown: {respondents} {'person' if respondents == 1 else 'people'} answered the "
        f"roster, fewer than {k}."
    )


def _withheld_indices(indices: selectors.WaveIndices) -> list[tuple[str, str]]:
    return [
        (f"{indices.wave.title}: indices for “{r.relation.text}”", r.hidden)
        for r in indices.withheld
        if r.hidden
    ]


def wave_network_section(
    wave: Wave, *, surface: str = "reports.feedback"
) -> ReportNetworkSection | None:
    """The section for one wave's feedback report; None if its questionnaire has no roster."""
    with selectors.shared_builds():
        return _wave_network_section(wave, surface)


def _wave_network_section(wave: Wave, surface: str) -> ReportNetworkSection | None:
    data = selectors.wave_networks(wave=wave)
    if data is None:
        return None
    k = wave.programme.min_group_size
    if not data.scope.frozen:
        return ReportNetworkSection(respondents=0, k=k, hidden=data.scope.pending)
    if wave.programme.k_gate.hides(data.respondents):
        return ReportNetworkSection(
            respondents=data.respondents, k=k, hidden=_hidden(data.respondents, k)
        )
    rules = selectors.map_rules(wave.programme)
    left_out = set(rules.left_out)
    figures = NetworkFigures(programme=wave.programme, surface=surface)
    figures.indices(data)
    map_key = (
        figures.drawn(MAP, data, MAP_RELATION, left_out) if MAP_RELATION in data.networks else None
    )
    decisions = figures.decide()
    indices = selectors.wave_indices(data=data, k=k, decisions=decisions)
    withheld = _withheld_indices(indices)
    maps = []
    if map_key is not None:
        refused = decisions.reason(map_key)
        if refused is None:
            maps.append(_map(data, rules))
        else:
            withheld.append((f"{wave.title}: the map", refused))
    return ReportNetworkSection(
        respondents=data.respondents,
        k=k,
        relations=[r.relation for r in indices.shown],
        rows=_rows(indices),
        sentences=_wave_sentences(indices),
        maps=maps,
        withheld=withheld,
    )


def comparison_network_section(
    before: Wave, after: Wave, *, surface: str = "reports.comparison"
) -> ReportNetworkSection | None:
    """The section for the comparison report: each index before and after, in sentences.

    Each relation's change is a figure over the people matched across the two waves (and quotes
    each wave's indices); the ledger hides it, with the reason, if the matched people differ by
    1 to k − 1 from either wave's respondents. The maps are each wave's own, with the ties gained
    and lost among the people drawn on both.
    """
    with selectors.shared_builds():
        return _comparison_network_section(before, after, surface)


def _comparison_network_section(
    before: Wave, after: Wave, surface: str
) -> ReportNetworkSection | None:
    first, second = selectors.wave_networks(wave=before), selectors.wave_networks(wave=after)
    if first is None or second is None:
        return None
    k = before.programme.min_group_size
    pending = next((d.scope.pending for d in (first, second) if not d.scope.frozen), None)
    if pending is not None:
        return ReportNetworkSection(respondents=0, k=k, hidden=pending)
    fewest = min(first.respondents, second.respondents)
    if before.programme.k_gate.hides(fewest):
        return ReportNetworkSection(respondents=fewest, k=k, hidden=_hidden(fewest, k))
    rules = selectors.map_rules(before.programme)
    left_out = set(rules.left_out)
    figures = NetworkFigures(programme=before.programme, surface=surface)
    figures.indices(first)
    figures.indices(second)
    changes = {
        r.id: figures.change(first, second, r.id)
        for r in second.relations
        if r.id in first.networks
    }
    drawn = MAP_RELATION in first.networks and MAP_RELATION in second.networks
    map_keys = (
        (
            figures.drawn(MAP, first, MAP_RELATION, left_out),
            figures.drawn(MAP, second, MAP_RELATION, left_out),
            figures.map_change(first, second, MAP_RELATION, left_out),
        )
        if drawn
        else None
    )
    decisions = figures.decide()
    one = selectors.wave_indices(data=first, k=k, decisions=decisions)
    two = selectors.wave_indices(data=second, k=k, decisions=decisions)
    summaries = {
        (index.wave.pk, r.relation.id): r.summary for index in (one, two) for r in index.shown
    }
    sentences: list[str] = []
    withheld: list[tuple[str, str]] = []
    for relation in second.relations:
        if relation.id not in changes:
            continue
        refused = decisions.reason(changes[relation.id])
        if refused is not None:
            withheld.append((f"The change in “{relation.text}”", refused))
            continue
        sentences += [
            f"{relation.name.capitalize()}: {sentence}"
            for sentence in selectors.change_sentences(
                relation,
                summaries[(before.pk, relation.id)],
                summaries[(after.pk, relation.id)],
            )
        ]
    maps: list[tuple[str, str]] = []
    overlay = False
    if map_keys is not None:
        maps, overlay, refused_maps = _comparison_maps(first, second, rules, map_keys, decisions)
        withheld += refused_maps
    return ReportNetworkSection(
        respondents=fewest,
        k=k,
        relations=list(second.relations),
        sentences=sentences,
        maps=maps,
        withheld=withheld,
        overlay=overlay,
    )


def _comparison_maps(
    first: selectors.WaveNetworks,
    second: selectors.WaveNetworks,
    rules: selectors.MapRules,
    keys: tuple[FigureKey, FigureKey, FigureKey],
    decisions: Decisions,
) -> tuple[list[tuple[str, str]], bool, list[tuple[str, str]]]:
    """Each wave's map that the ledger allows, the later one with the ties gained and lost if it
    allows those too. Returns the maps, whether the last carries the gains and losses, and what
    was withheld with the reasons."""
    first_key, second_key, change_key = keys
    earlier = selectors.map_network(first.networks[MAP_RELATION], rules)
    later = selectors.map_network(second.networks[MAP_RELATION], rules)
    drawn = [
        net for net, key in ((earlier, first_key), (later, second_key)) if decisions.shown(key)
    ]
    # One layout for the maps shown, so that each person stays in the same place; a map not
    # shown has no say in it.
    positions = layout(
        {node for net in drawn for node in net.nodes},
        {(s, t) for net in drawn for s, t, _ in net.edges},
    )
    withheld = [
        (f"{data.wave.title}: the map", reason)
        for data, key in ((first, first_key), (second, second_key))
        if (reason := decisions.reason(key)) is not None
    ]
    maps = []
    if decisions.shown(first_key):
        maps.append(_map(first, rules, positions))
    overlay = False
    if decisions.shown(second_key):
        gained: set[tuple[str, str]] = set()
        lost: set[tuple[str, str]] = set()
        change_refused = decisions.reason(change_key)
        if change_refused is None:
            both = set(earlier.nodes) & set(later.nodes)
            then = {(s, t) for s, t, _ in earlier.edges if s in both and t in both}
            now = {(s, t) for s, t, _ in later.edges if s in both and t in both}
            gained, lost, overlay = now - then, then - now, True
        else:
            withheld.append(("The ties gained and lost drawn on the map", change_refused))
        maps.append(_map(second, rules, positions, gained, lost))
    return maps, overlay, withheld
