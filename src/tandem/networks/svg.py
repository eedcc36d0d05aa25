"""Static SVG network maps, drawn on the server for pages without JavaScript and for the PDFs.

networkx's spring layout with a fixed seed, so the same network is drawn the same way every time
and a baseline and a repeat map can be laid out on the same positions (people in the same place,
ties changing between them). Nodes: colour by profession, shape by level, size by degree — the
same encoding as the interactive map — and a text alternative that says what the map shows.

A map shows what `selectors.map_rules` allows: a profession that is not shown is drawn hollow,
a level that is not shown as a triangle (never as the colour or shape of a real category, which
would say something false), and a person whose ties may not be counted at one fixed size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from tandem.analysis.networks import Network

# Colour-blind-safe (Okabe–Ito) colours that also pass 3:1 contrast against white.
PROFESSION_COLOURS = {
    "doctor": "#0072B2",
    "manager": "#D55E00",
    "other_clinician": "#009E73",
    "other": "#6B6B6B",
}
LEVEL_SHAPES = {"executive": "square", "senior": "diamond", "service": "circle"}
NOT_SHOWN_SHAPE = "triangle"  # level not shown
NOT_SHOWN_STROKE = "#4C6272"  # outline of a node whose profession is not shown (hollow)
FIXED_RADIUS = 7.0  # a person whose number of ties is not shown
STATUS_STYLES = {
    "kept": ('stroke="#8A8A8A"', "kept"),
    "gained": ('stroke="#007F3B" stroke-width="2.5"', "gained"),
    "lost": ('stroke="#D5281B" stroke-width="2" stroke-dasharray="5 3"', "lost"),
}
SIZE = 420
MARGIN = 28


def layout(
    nodes: Iterable[str], edges: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Positions in [MARGIN, SIZE − MARGIN]², from a seeded spring layout of all nodes and ties."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted(edges))
    if graph.number_of_nodes() == 0:
        return {}
    raw = nx.spring_layout(graph, seed=7, iterations=100)
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    inner = SIZE - 2 * MARGIN
    return {
        node: (
            MARGIN + (float(p[0]) - min(xs)) / span_x * inner,
            MARGIN + (float(p[1]) - min(ys)) / span_y * inner,
        )
        for node, p in raw.items()
    }


def _shape(kind: str, x: float, y: float, r: float, paint: str) -> str:
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} {x - r * 1.3:.1f},{y:.1f}"
        return f'<polygon points="{points}" {paint}/>'
    if kind == NOT_SHOWN_SHAPE:
        points = f"{x:.1f},{y - r * 1.3:.1f} {x + r * 1.2:.1f},{y + r * 0.8:.1f} {x - r * 1.2:.1f},{y + r * 0.8:.1f}"
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def _paint(profession: str | None) -> str:
    if not profession:
        return f'fill="#ffffff" stroke="{NOT_SHOWN_STROKE}" stroke-width="2"'
    return f'fill="{PROFESSION_COLOURS.get(profession, PROFESSION_COLOURS["other"])}"'


def network_svg(
    net: Network,
    *,
    title: str,
    positions: Mapping[str, tuple[float, float]] | None = None,
    gained: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    lost: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    counts_hidden: Iterable[str] = frozenset(),
) -> str:
    """An accessible SVG (role="img", <title> and <desc>) of a pseudonymised network.

    `net` is drawn as given: pass the map's network (`selectors.map_network`), never the wave's.
    People in `counts_hidden` are all drawn at one size, which says nothing of their ties.
    """
    fixed = set(counts_hidden)
    edges = [(s, t) for s, t, _ in net.edges]
    positions = positions or layout(net.nodes, [*edges, *lost])
    degree: dict[str, int] = defaultdict(int)
    for source, target in edges:
        degree[source] += 1
        degree[target] += 1
    professions: dict[str, int] = defaultdict(int)
    no_level = 0
    for node in net.nodes:
        attrs = net.attributes.get(node, {})
        professions[attrs.get("profession") or ""] += 1
        no_level += 0 if attrs.get("level") else 1
    unshown = professions.pop("", 0)
    groups = [
        f"{count} {name.replace('_', ' ')}{'s' if count != 1 else ''}"
        for name, count in sorted(professions.items())
    ]
    if unshown:
        groups.append(
            f"{unshown} {'person' if unshown == 1 else 'people'} whose profession is not shown"
        )
    desc = (
        f"{len(net.nodes)} people and {len(edges)} ties. "
        + ", ".join(groups)
        + ". Colour shows profession (blue doctors, orange managers"
        + (", hollow not shown" if unshown else "")
        + "), shape shows level (squares executives, diamonds senior, circles service"
        + (", triangles not shown" if no_level else "")
        + "), size shows the number of ties"
        + (
            f" (the same size for {len(fixed & set(net.nodes))} whose ties are not counted)"
            if fixed & set(net.nodes)
            else ""
        )
        + "."
    )
    if gained or lost:
        desc += f" {len(gained)} ties gained (green) and {len(lost)} lost (red, dashed)."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" '
        f'class="tandem-network-svg" aria-label={quoteattr(title + ". " + desc)}>',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    drawn = [(s, t, "gained" if (s, t) in gained else "kept") for s, t in edges]
    drawn += [(s, t, "lost") for s, t in sorted(lost) if s in positions and t in positions]
    for source, target, status in drawn:
        if source not in positions or target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[source], positions[target]
        style = STATUS_STYLES[status][0]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style} stroke-opacity="0.7"/>'
        )
    for node in sorted(net.nodes):
        if node not in positions:
            continue
        x, y = positions[node]
        attrs = net.attributes.get(node, {})
        level = attrs.get("level")
        shape = LEVEL_SHAPES.get(level, "circle") if level else NOT_SHOWN_SHAPE
        radius = FIXED_RADIUS if node in fixed else 5 + 1.6 * math.sqrt(degree[node])
        parts.append(_shape(shape, x, y, radius, _paint(attrs.get("profession"))))
        parts.append(
            f'<text x="{x:.1f}" y="{y - radius - 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#212B32" font-family="Arial, sans-serif">{escape(node)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
