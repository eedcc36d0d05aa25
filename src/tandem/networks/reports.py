"""The "Working relationships (network)" section of the feedback and comparison reports.

Indices with their meaning in plain English, and a pseudonymised static map (the same SVG as the
maps page). The whole section is left out, with the reason, when fewer than k people answered the
roster. Reports are shown to whoever may see the report (`tandem.reports.selectors`), so nothing
here names anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.networks import selectors
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


def _fmt(value: Any, percent: bool = False) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def _rows(indices: selectors.WaveIndices) -> list[tuple[str, list[str]]]:
    rels = indices.relations
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
    for r in indices.relations:
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
    hidden: set[str],
    positions: dict[str, tuple[float, float]] | None = None,
    gained: set[tuple[str, str]] | None = None,
    lost: set[tuple[str, str]] | None = None,
) -> tuple[str, str] | None:
    if MAP_RELATION not in data.networks:
        return None
    relation = data.relation(MAP_RELATION)
    caption = f"{data.wave.title}: who names whom (“{relation.text}” — {relation.name})"
    svg = network_svg(
        selectors.without(data.networks[MAP_RELATION], hidden),
        title=caption,
        positions=positions,
        gained=gained or set(),
        lost=lost or set(),
    )
    return caption, svg


def _hidden(respondents: int, k: int) -> str:
    return (
        f"Not shown: {respondents} {'person' if respondents == 1 else 'people'} answered the "
        f"roster, fewer than {k}."
    )


def wave_network_section(wave: Wave) -> ReportNetworkSection | None:
    """The section for one wave's feedback report; None if its questionnaire has no roster."""
    data = selectors.wave_networks(wave=wave)
    if data is None:
        return None
    k = wave.programme.min_group_size
    indices = selectors.wave_indices(data=data, k=k)
    if indices.suppressed:
        return ReportNetworkSection(
            respondents=data.respondents, k=k, hidden=_hidden(data.respondents, k)
        )
    drawn = _map(data, selectors.singled_out(wave.programme))
    return ReportNetworkSection(
        respondents=data.respondents,
        k=k,
        relations=list(data.relations),
        rows=_rows(indices),
        sentences=_wave_sentences(indices),
        maps=[drawn] if drawn else [],
    )


def comparison_network_section(before: Wave, after: Wave) -> ReportNetworkSection | None:
    """The section for the comparison report: each index before and after, in sentences."""
    first, second = selectors.wave_networks(wave=before), selectors.wave_networks(wave=after)
    if first is None or second is None:
        return None
    k = before.programme.min_group_size
    fewest = min(first.respondents, second.respondents)
    if fewest < k:
        return ReportNetworkSection(respondents=fewest, k=k, hidden=_hidden(fewest, k))
    one, two = selectors.wave_indices(data=first, k=k), selectors.wave_indices(data=second, k=k)
    sentences: list[str] = []
    for a, b in zip(one.relations, two.relations, strict=False):
        if a.relation.id != b.relation.id:
            continue
        sentences += [
            f"{b.relation.name.capitalize()}: {sentence}"
            for sentence in selectors.change_sentences(b.relation, a.summary, b.summary)
        ]
    maps = []
    if MAP_RELATION in first.networks and MAP_RELATION in second.networks:
        hidden = selectors.singled_out(before.programme)
        earlier = selectors.without(first.networks[MAP_RELATION], hidden)
        later = selectors.without(second.networks[MAP_RELATION], hidden)
        both = set(earlier.nodes) & set(later.nodes)
        then = {(s, t) for s, t, _ in earlier.edges if s in both and t in both}
        now = {(s, t) for s, t, _ in later.edges if s in both and t in both}
        positions = layout(
            set(earlier.nodes) | set(later.nodes),
            {(s, t) for s, t, _ in (*earlier.edges, *later.edges)},
        )
        for drawn in (
            _map(first, hidden, positions),
            _map(second, hidden, positions, now - then, then - now),
        ):
            if drawn:
                maps.append(drawn)
    return ReportNetworkSection(
        respondents=fewest,
        k=k,
        relations=list(second.relations),
        sentences=sentences,
        maps=maps,
    )
