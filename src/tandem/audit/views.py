"""The audit log pages: who did what, when — never what the record said."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tandem.audit import selectors
from tandem.programmes.access import Access
from tandem.web import programme_page, render_page

PAGE_SIZE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _filter(request: HttpRequest) -> selectors.AuditFilter:
    return selectors.AuditFilter(
        action=(request.GET.get("action") or "").strip()[:80],
        actor=(request.GET.get("actor") or "").strip()[:254],
        since=_date(request.GET.get("since")),
        until=_date(request.GET.get("until")),
    )


def _events_page(
    request: HttpRequest, events: Any, context: dict[str, Any], access: Access | None = None
) -> HttpResponse:
    chosen = _filter(request)
    paginator = Paginator(chosen.apply(events), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "audit/events.jinja",
        context
        | {
            "page": page,
            "filter": chosen,
            "actions": selectors.actions_in(events),
            "query": query.urlencode(),
        },
        access=access,
    )


@never_cache
@login_required
@require_GET
def programme_events(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    events = selectors.audit_events_for(viewer=request.user, programme=programme)
    return _events_page(
        request,
        events,
        {
            "programme": programme,
            "action_url": reverse("audit:programme", args=[slug]),
            "page_title": f"Audit log – {programme.name}",
        },
        access,
    )


@never_cache
@login_required
@require_GET
def all_events(request: HttpRequest) -> HttpResponse:
    events = selectors.all_audit_events(viewer=request.user)
    return _events_page(
        request,
        events,
        {
            "action_url": reverse("audit:all"),
            "page_title": "Audit log – all programmes",
            "show_programme": True,
        },
    )
