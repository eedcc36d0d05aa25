"""Working-relationship pages: indices and their change, pair ties, maps, locality matrix, own network.

Thin views: every permission rule is in `tandem.networks.selectors`. The selectors of waves and
relations are GET forms, so every page works without JavaScript; the interactive map only adds to
the static SVG and tables.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tandem.networks import selectors
from tandem.networks.roster import relations
from tandem.networks.svg import layout, network_svg
from tandem.programmes.models import Programme
from tandem.surveys.models import Wave
from tandem.web import Crumb, programme_page, render_page


def _section(programme: Programme) -> Crumb:
    return ("Working relationships", reverse("networks:overview", args=[programme.slug]))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _chosen_wave(request: HttpRequest, programme: Programme) -> tuple[list[Wave], Wave | None]:
    waves = selectors.network_waves(viewer=request.user, programme=programme)
    wave_id = _int(request.GET.get("wave"))
    if wave_id is not None:
        return waves, selectors.network_wave_for(
            viewer=request.user, programme=programme, wave_id=wave_id
        )
    return waves, waves[-1] if waves else None


def _relation_choices(wave: Wave | None) -> list[tuple[str, str]]:
    section = selectors.roster_section_of(wave) if wave is not None else None
    if section is None:
        return []
    return [(relation.id, relation.text) for relation in relations(section)]


def _chosen_relation(request: HttpRequest, choices: list[tuple[str, str]]) -> str | None:
    wanted = request.GET.get("relation")
    ids = [relation_id for relation_id, _ in choices]
    if wanted in ids:
        return wanted
    return ids[0] if ids else None


@never_cache
@login_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    if not access.oversees and access.is_participant:
        return redirect("networks:me", slug=slug)
    data = selectors.network_overview(viewer=request.user, programme=programme)
    return render_page(
        request,
        "networks/overview.jinja",
        {"programme": programme, "overview": data, "page_title": "Working relationships"},
        access=access,
    )


@never_cache
@login_required
@require_GET
def pairs(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    waves, wave = _chosen_wave(request, programme)
    view = (
        selectors.pair_ties_for(viewer=request.user, programme=programme, wave=wave)
        if wave is not None
        else None
    )
    return render_page(
        request,
        "networks/pairs.jinja",
        {
            "programme": programme,
            "waves": waves,
            "wave": wave,
            "view": view,
            "page_title": "Pair ties",
        },
        access=access,
        crumbs=[_section(programme)],
    )


def _map_context(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    waves, wave = _chosen_wave(request, programme)
    choices = _relation_choices(wave)
    relation_id = _chosen_relation(request, choices)
    context: dict[str, Any] = {
        "programme": programme,
        "waves": waves,
        "wave": wave,
        "relation_choices": choices,
        "relation_id": relation_id,
        "maps": [],
    }
    if wave is None or relation_id is None:
        return context
    earlier = [w for w in waves if (w.opens_on, w.pk) < (wave.opens_on, wave.pk)]
    before = earlier[-1] if earlier else None
    after = selectors.network_map(
        viewer=request.user,
        programme=programme,
        wave=wave,
        relation_id=relation_id,
        compare_with=before,
    )
    first = (
        selectors.network_map(
            viewer=request.user, programme=programme, wave=before, relation_id=relation_id
        )
        if before is not None
        else None
    )
    maps = [m for m in (first, after) if m is not None]
    drawn = [m for m in maps if m.hidden is None]
    # One layout for both waves, so that each person stays in the same place; a map not shown
    # has no say in it.
    positions = layout(
        {node for m in drawn for node in m.network.nodes},
        {(s, t) for m in drawn for s, t, _ in m.network.edges},
    )
    for m in maps:
        if m.hidden is not None:
            context["maps"].append({"data": m, "hidden": m.hidden})
            continue
        m_title = f"{m.wave.title}: {m.relation.text}"
        context["maps"].append(
            {
                "data": m,
                "svg": network_svg(
                    m.network,
                    title=m_title,
                    positions=positions,
                    gained=m.gained,
                    lost=m.lost,
                    counts_hidden=m.counts_hidden,
                ),
                "json_url": reverse("networks:map_json", args=[programme.slug])
                + f"?wave={m.wave.pk}&relation={relation_id}"
                + (f"&compare={m.compared_with.pk}" if m.compared_with else ""),
                "nodes": _node_rows(m),
            }
        )
    context["suppressed"] = after is None
    return context


def _node_rows(data: selectors.MapData) -> list[dict[str, Any]]:
    """ "The map as a table": what the map may show of each person, and nothing more."""
    return [
        {
            "code": person.code,
            "profession": person.attributes.get("profession", "").replace("_", " "),
            "level": person.attributes.get("level", ""),
            "ties_named": person.ties_named,
            "named_by": person.named_by,
        }
        for person in data.people
    ]


@never_cache
@login_required
@require_GET
def network_map(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    context = _map_context(request, programme)
    context["page_title"] = "Network maps"
    return render_page(
        request, "networks/map.jinja", context, access=access, crumbs=[_section(programme)]
    )


@never_cache
@login_required
@require_GET
def map_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The map's pseudonymised elements for Cytoscape.js (the same rules as the page)."""
    programme, _access = programme_page(request, slug)
    _waves, wave = _chosen_wave(request, programme)
    relation_id = _chosen_relation(request, _relation_choices(wave))
    compare_id = _int(request.GET.get("compare"))
    compare = (
        selectors.network_wave_for(viewer=request.user, programme=programme, wave_id=compare_id)
        if compare_id is not None
        else None
    )
    if wave is None or relation_id is None:
        return JsonResponse({"elements": [], "hidden": None})
    data = selectors.network_map(
        viewer=request.user,
        programme=programme,
        wave=wave,
        relation_id=relation_id,
        compare_with=compare,
    )
    if data is not None and data.hidden is not None:
        return JsonResponse({"elements": [], "hidden": data.hidden})
    return JsonResponse(
        {
            "elements": selectors.map_elements(data) if data else [],
            "hidden": None,
            "change_hidden": data.change_hidden if data else None,
        }
    )


@never_cache
@login_required
@require_GET
def localities(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    waves, wave = _chosen_wave(request, programme)
    choices = _relation_choices(wave)
    relation_id = _chosen_relation(request, choices)
    matrix = (
        selectors.locality_matrix(
            viewer=request.user, programme=programme, wave=wave, relation_id=relation_id
        )
        if wave is not None and relation_id is not None
        else None
    )
    return render_page(
        request,
        "networks/localities.jinja",
        {
            "programme": programme,
            "waves": waves,
            "wave": wave,
            "relation_choices": choices,
            "relation_id": relation_id,
            "matrix": matrix,
            "page_title": "Doctor and manager ties by locality",
        },
        access=access,
        crumbs=[_section(programme)],
    )


@never_cache
@login_required
@require_GET
def me(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    ego = selectors.ego_network(viewer=request.user, programme=programme)
    return render_page(
        request,
        "networks/me.jinja",
        {"programme": programme, "ego": ego, "page_title": "Your working relationships"},
        access=access,
    )
