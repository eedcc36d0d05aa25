"""Pages for an organisation's administrator: start a programme from a template, or copy one.

Who may: superusers, and the organisation's administrators (`organisation_for`, 404 for anyone
else, like a programme one has no role in).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from markupsafe import Markup

from tandem.programmes.models import Organisation, Programme
from tandem.programmes.organisations import organisation_for
from tandem.programmes.plans import ProgrammeTemplate, programme_templates
from tandem.programmes.selectors import programmes_for
from tandem.programmes.setup import programme_copy, programme_start
from tandem.programmes.setup_forms import ProgrammeCopyForm, ProgrammeStartForm
from tandem.web import render_page, service_form


def _weeks(days: int) -> str:
    return f"week {days // 7}" if days % 7 == 0 else f"day {days}"


def _template_items(form: Form, templates: list[ProgrammeTemplate]) -> list[dict[str, Any]]:
    """Each template as a radio button, its milestones listed under it."""
    chosen = str(form["template_id"].value() or "")
    items = []
    for template in templates:
        steps = sorted(template.milestones, key=lambda m: m.offset_days)
        lines = Markup("").join(
            Markup("<li>{}: {}</li>").format(_weeks(m.offset_days), m.title) for m in steps
        )
        items.append(
            {
                "value": template.id,
                "text": template.title,
                "checked": template.id == chosen,
                "hint": {"html": Markup("{}<ul>{}</ul>").format(template.description, lines)},
            }
        )
    return items


def _member(request: HttpRequest, programme: Programme) -> bool:
    return programmes_for(viewer=request.user).filter(pk=programme.pk).exists()


def _done(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The new programme's page if the viewer has a role in it (an administrator gets none by
    being one), else the list of programmes."""
    if _member(request, programme):
        return redirect("programmes:overview", slug=programme.slug)
    return redirect("programmes:list")


def _started(request: HttpRequest, programme: Programme, what: str) -> str:
    text = f"Started {what} “{programme.name}”."
    if not _member(request, programme):
        text += " You have no role in it, so its lead takes it from here."
    return text


def _page(
    request: HttpRequest, template: str, organisation: Organisation, context: dict[str, Any]
) -> HttpResponse:
    return render_page(
        request,
        template,
        {
            "organisation": organisation,
            "header_organisation": organisation.name,
            "breadcrumbs": [{"text": "Programmes", "href": reverse("programmes:list")}],
            **context,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_start_page(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    templates = programme_templates()
    form = ProgrammeStartForm(request.POST or None)

    def again(form: Form) -> HttpResponse:
        return _page(
            request,
            "programmes/programme_start.jinja",
            organisation,
            {
                "form": form,
                "template_items": _template_items(form, templates),
                "page_title": "Start a programme",
            },
        )

    return service_form(
        request,
        form,
        save=lambda data: programme_start(organisation=organisation, actor=request.user, **data),
        done=lambda programme: _done(request, programme),
        again=again,
        message=lambda programme: _started(request, programme, "the programme"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_copy_page(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    form = ProgrammeCopyForm(request.POST or None, organisation=organisation)

    def again(form: Form) -> HttpResponse:
        return _page(
            request,
            "programmes/programme_copy.jinja",
            organisation,
            {"form": form, "page_title": "Copy a programme"},
        )

    return service_form(
        request,
        form,
        save=lambda data: programme_copy(
            source=data["source"],
            title=data["title"],
            start_date=data["start_date"],
            copy_pairs=data["copy_pairs"],
            lead_email=data["lead_email"] or None,
            lead_name=data["lead_name"],
            actor=request.user,
        ),
        done=lambda programme: _done(request, programme),
        again=again,
        message=lambda programme: _started(request, programme, "the copy"),
    )
