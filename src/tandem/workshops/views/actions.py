"""The action log, one's own actions, an action's updates, reminders and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.web import programme_page, service_form
from tandem.workshops import exports, selectors, services
from tandem.workshops.forms import ActionFilterForm, ActionForm, ActionUpdateForm
from tandem.workshops.views.pages import FormPage, away_day_initial, export, form_page, page


def _filters(form: ActionFilterForm) -> selectors.ActionFilters:
    if not form.is_valid():
        return selectors.ActionFilters()
    data = form.cleaned_data
    return selectors.ActionFilters(
        owner=data["owner"].pk if data.get("owner") else None,
        pair=data["pair"].pk if data.get("pair") else None,
        locality=data["locality"].pk if data.get("locality") else None,
        away_day=data["away_day"].pk if data.get("away_day") else None,
        status=data.get("status") or None,
    )


@login_required
@require_GET
def actions(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    form = ActionFilterForm(request.GET or None, programme=programme)
    found = selectors.actions_for(viewer=request.user, programme=programme, filters=_filters(form))
    today = timezone.localdate()
    query = request.GET.urlencode()
    return page(
        request,
        "workshops/actions.jinja",
        {
            "form": form,
            "actions": found,
            "today": today,
            "counts": selectors.action_status_counts(found, today),
            "query": f"?{query}" if query else "",
            "page_title": "Actions",
        },
        access=access,
    )


@login_required
@require_GET
def my_actions(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    return page(
        request,
        "workshops/my_actions.jinja",
        {
            "actions": selectors.my_actions_for(viewer=request.user, programme=programme),
            "today": timezone.localdate(),
            "page_title": "My actions",
        },
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    return form_page(
        request,
        access,
        ActionForm(request.POST or None, programme=programme, initial=away_day_initial(request)),
        FormPage(
            "Assign an action", "Assign the action", reverse("workshops:actions", args=[slug])
        ),
        save=lambda data: services.action_create(programme=programme, **data),
        message="Action assigned.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    """The action and its updates, with the form its owner (or the lead) writes an update in."""
    programme, access = programme_page(request, slug)
    view = selectors.action_for(viewer=request.user, programme=programme, action_id=action_id)
    if request.method == "POST" and not view.may_update:
        raise selectors.WorkshopsAccessDenied("Only the owner and the lead update an action.")
    form = ActionUpdateForm(
        request.POST or None,
        initial={"status": view.action.status, "due_on": view.action.due_on},
        may_move=access.is_lead,
    )
    context = {"view": view, "today": timezone.localdate(), "page_title": view.action.title}
    return service_form(
        request,
        form,
        save=lambda data: services.action_update(action=view.action, actor=request.user, **data),
        done=lambda _: redirect("workshops:action", slug=slug, action_id=action_id),
        again=lambda bound: page(
            request, "workshops/action.jinja", {**context, "form": bound}, access=access
        ),
        message="Update saved.",
    )


@login_required
@require_POST
def remind_overdue(request: HttpRequest, slug: str) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
    sent = services.overdue_reminders_send(
        programme=programme, base_url=request.build_absolute_uri("/")
    )
    text = f"Reminders sent to {sent.owners} owner(s) about {sent.actions} overdue action(s)."
    if sent.failed:
        text += f" Could not send to: {', '.join(sent.failed)}."
    messages.info(request, text)
    return redirect("workshops:actions", slug=slug)


@login_required
@require_GET
def actions_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    form = ActionFilterForm(request.GET or None, programme=programme)
    found = selectors.actions_for(viewer=request.user, programme=programme, filters=_filters(form))
    today = timezone.localdate()
    return export(
        request,
        access,
        what="actions",
        fmt=fmt,
        rows=len(found),
        build={
            "pdf": lambda: exports.actions_pdf(programme=programme, actions=found, today=today),
            "xlsx": lambda: exports.actions_xlsx(found, today),
        },
    )
