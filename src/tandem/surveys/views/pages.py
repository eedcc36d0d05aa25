"""What the lead's questionnaire pages share: the frame they are drawn in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def lead_render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    programme = context["programme"]
    context.setdefault("header_organisation", programme.organisation.name)
    context.setdefault("can_manage", True)
    crumbs = [
        {"text": "Programmes", "href": reverse("programmes:list")},
        {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])},
    ]
    if "wave" in context:
        crumbs.append(
            {"text": "Questionnaires", "href": reverse("surveys:waves", args=[programme.slug])}
        )
    context.setdefault("breadcrumbs", crumbs)
    return render(request, template, context, status=status)
