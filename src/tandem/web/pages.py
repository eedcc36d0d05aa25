"""A programme page: the programme resolved for the viewer, and its frame (header, navigation,
breadcrumbs) added the same way on every page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from tandem.programmes.access import Access, access_for
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for
from tandem.registry import navigation

# (text, href) — one breadcrumb after "Programmes › <programme>".
Crumb = tuple[str, str]


def programme_page(
    request: HttpRequest, slug: str, *, manage: bool = False
) -> tuple[Programme, Access]:
    """The programme with this slug for the logged-in viewer, and what they may do in it."""
    programme = programme_for(viewer=request.user, slug=slug, manage=manage)
    return programme, access_for(viewer=request.user, programme=programme)


def breadcrumbs(programme: Programme | None, crumbs: Iterable[Crumb] = ()) -> list[dict[str, str]]:
    items = [{"text": "Programmes", "href": reverse("programmes:list")}]
    if programme is not None:
        items.append(
            {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])}
        )
    items.extend({"text": text, "href": href} for text, href in crumbs)
    return items


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    access: Access | None = None,
    crumbs: Iterable[Crumb] = (),
    status: int = 200,
) -> HttpResponse:
    """Render a page of a programme (`context["programme"]`) in the common frame.

    Breadcrumbs are Programmes › the programme › `crumbs`, unless the context sets its own.
    """
    programme: Programme | None = context.get("programme")
    if programme is not None:
        access = access or access_for(viewer=request.user, programme=programme)
        context.setdefault("header_organisation", programme.organisation.name)
        context.setdefault("can_manage", access.can_manage)
        context.setdefault("access", access)
        context.setdefault("programme_navigation", navigation(access))
    context.setdefault("breadcrumbs", breadcrumbs(programme, crumbs))
    return render(request, template, context, status=status)


class SectionPage:
    """How one app draws its pages: under Programmes › programme › `label` (linking `url_name`).

    `page = SectionPage("Away days", "workshops:home")` then `page(request, template, context,
    access=access)` — the section's breadcrumb and the programme are added the same way for every app.
    """

    def __init__(self, label: str, url_name: str) -> None:
        self.label = label
        self.url_name = url_name

    def __call__(
        self,
        request: HttpRequest,
        template: str,
        context: dict[str, Any],
        *,
        access: Access,
        status: int = 200,
    ) -> HttpResponse:
        crumb = (self.label, reverse(self.url_name, args=[access.programme.slug]))
        context.setdefault("programme", access.programme)
        return render_page(request, template, context, access=access, crumbs=[crumb], status=status)
