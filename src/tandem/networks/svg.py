"""Static SVG network maps, drawn on the server for pages without JavaScript and for the PDFs.

networkx's spring layout with a fixed seed, so the same network is drawn the same way every time
and a baseline and a repeat map can be laid out on the same positions (people in the same place,
ties changing between them). Nodes: colour by profession, shape by level, size by degree — the
same encoding as the interactive map — and a text alternative that says what the map shows.
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


def _shape(kind: str, x: float, y: float, r: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} {x - r * 1.3:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def network_svg(
    net: Network,
    *,
    title: str,
    positions: Mapping[str, tuple[float, float]] | None = None,
    gained: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    lost: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> str:
    """An accessible SVG (role="img", <title> and <desc>) of a pseudonymised network."""
    edges = [(s, t) for s, t, _ in net.edges]
    positions = positions or layout(net.nodes, [*edges, *lost])
    degree: dict[str, int] = defaultdict(int)
    for source, target in edges:
        degree[source] += 1
        degree[target] += 1
    professions: dict[str, int] = defaultdict(int)
    for node in net.nodes:
        professions[net.attributes.get(node, {}).get("profession", "other")] += 1
    desc = (
        f"{len(net.nodes)} people and {len(edges)} ties. "
        + ", ".join(
            f"{count} {name.replace('_', ' ')}{'s' if count != 1 else ''}"
            for name, count in sorted(professions.items())
        )
        + ". Colour shows profession (blue doctors, orange managers), shape shows level (squares"
        " executives, diamonds senior, circles service), size shows the number of ties."
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
        colour = PROFESSION_COLOURS.get(attrs.get("profession", ""), PROFESSION_COLOURS["other"])
        shape = LEVEL_SHAPES.get(attrs.get("level", ""), "circle")
        radius = 5 + 1.6 * math.sqrt(degree[node])
        parts.append(_shape(shape, x, y, radius, colour))
        parts.append(
            f'<text x="{x:.1f}" y="{y - radius - 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#212B32" font-family="Arial, sans-serif">{escape(node)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
