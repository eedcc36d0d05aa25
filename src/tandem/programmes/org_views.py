"""Setting up organisations: the first run on an empty install, localities, services and who
administers each organisation. Superusers and organisation administrators only (404 for others)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.programmes import org_services
from tandem.programmes.models import Locality, Organisation, OrganisationAdministrator, Service
from tandem.programmes.org_forms import (
    AdministratorForm,
    LocalityForm,
    OrganisationForm,
    ServiceForm,
)
from tandem.programmes.organisations import (
    OrganisationNotFound,
    organisation_for,
    organisation_locality,
    organisation_service,
    organisations_for,
)
from tandem.programmes.services import organisation_create
from tandem.web import render_page, service_form


def _crumbs(organisation: Organisation | None = None) -> list[dict[str, str]]:
    items = [
        {"text": "Programmes", "href": reverse("programmes:list")},
        {"text": "Organisations", "href": reverse("programmes:organisations")},
    ]
    if organisation is not None:
        items.append(
            {
                "text": organisation.name,
                "href": reverse("programmes:organisation", args=[organisation.slug]),
            }
        )
    return items


def _require_superuser(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied("Only a superuser can do this.")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = list(
        organisations_for(viewer=request.user).annotate(
            programme_count=Count("programmes", distinct=True),
            service_count=Count(
                "services", filter=Q(services__retired_at__isnull=True), distinct=True
            ),
        )
    )
    if not organisations and not request.user.is_superuser:
        # Not an administrator anywhere: there is nothing here for them (as for a programme).
        raise OrganisationNotFound("No organisations to set up.")
    return render_page(
        request,
        "organisations/list.jinja",
        {
            "organisations": organisations,
            "page_title": "Organisations",
            "breadcrumbs": _crumbs()[:1],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    _require_superuser(request)
    first_run = not Organisation.objects.exists()

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "organisations/new.jinja",
            {
                "form": form,
                "first_run": first_run,
                "page_title": "Set up your organisation" if first_run else "Add an organisation",
                "breadcrumbs": _crumbs(),
            },
        )

    return service_form(
        request,
        OrganisationForm(request.POST or None),
        save=lambda data: organisation_create(actor=request.user, **data),
        done=lambda organisation: redirect("programmes:organisation", org=organisation.slug),
        again=page,
        message=lambda organisation: (
            f"Added {organisation.name}. Now add its localities and services."
        ),
    )


def _detail_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    localities = list(
        Locality.objects.filter(organisation=organisation)
        .prefetch_related("services")
        .order_by("retired_at", "name")
    )
    in_use = set(
        Service.objects.filter(organisation=organisation)
        .filter(Q(pairs__isnull=False) | Q(people__isnull=False) | Q(kpis__isnull=False))
        .values_list("pk", flat=True)
    )
    return {
        "organisation": organisation,
        "localities": localities,
        "in_use": in_use,
        "programmes": list(organisation.programmes.order_by("-start_date", "name")),
        "administrators": list(
            OrganisationAdministrator.objects.filter(organisation=organisation).select_related(
                "user"
            )
        ),
        "is_superuser": request.user.is_superuser,
        "links": {
            "services_import": reverse("programmes:services_import", args=[organisation.slug]),
        },
        "setup_links": [
            {
                "label": "Start a programme",
                "href": reverse("programmes:programme_start", args=[organisation.slug]),
            },
            {
                "label": "Copy an earlier programme for a new cohort",
                "href": reverse("programmes:programme_copy", args=[organisation.slug]),
            },
        ]
        if organisation.programmes.exists()
        else [
            {
                "label": "Start a programme",
                "href": reverse("programmes:programme_start", args=[organisation.slug]),
            }
        ],
        "page_title": organisation.name,
        "header_organisation": organisation.name,
        "breadcrumbs": _crumbs(),
    }


@login_required
def organisation_detail(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    context = _detail_context(request, organisation)
    context["locality_form"] = LocalityForm(prefix="locality")
    context["service_form"] = ServiceForm(organisation=organisation, prefix="service")
    return render_page(request, "organisations/detail.jinja", context)


def _again(request: HttpRequest, organisation: Organisation, **forms: Form) -> Any:
    def page(_form: Form) -> HttpResponse:
        context = _detail_context(request, organisation)
        context["locality_form"] = forms.get("locality_form") or LocalityForm(prefix="locality")
        context["service_form"] = forms.get("service_form") or ServiceForm(
            organisation=organisation, prefix="service"
        )
        return render_page(request, "organisations/detail.jinja", context)

    return page


@login_required
@require_POST
def locality_add(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    form = LocalityForm(request.POST, prefix="locality")
    return service_form(
        request,
        form,
        save=lambda data: org_services.locality_add(
            organisation=organisation, name=data["name"], actor=request.user
        ),
        done=lambda _l: redirect("programmes:organisation", org=organisation.slug),
        again=_again(request, organisation, locality_form=form),
        message=lambda locality: f"Added the locality “{locality.name}”.",
    )


@login_required
@require_POST
def service_add(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    form = ServiceForm(request.POST, organisation=organisation, prefix="service")
    return service_form(
        request,
        form,
        save=lambda data: org_services.service_add(
            locality=data["locality"], name=data["name"], actor=request.user
        ),
        done=lambda _s: redirect("programmes:organisation", org=organisation.slug),
        again=_again(request, organisation, service_form=form),
        message=lambda service: f"Added the service “{service.name}” in {service.locality.name}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def administrator_add(request: HttpRequest, org: str) -> HttpResponse:
    # Another organisation's administrator is told "not found" before "not allowed".
    organisation = organisation_for(viewer=request.user, slug=org)
    _require_superuser(request)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "organisations/administrator_form.jinja",
            {
                "form": form,
                "organisation": organisation,
                "page_title": f"Add an administrator for {organisation.name}",
                "breadcrumbs": _crumbs(organisation),
            },
        )

    return service_form(
        request,
        AdministratorForm(request.POST or None),
        save=lambda data: org_services.administrator_grant(
            organisation=organisation, email=data["email"], name=data["name"], actor=request.user
        ),
        done=lambda _a: redirect("programmes:organisation", org=organisation.slug),
        again=page,
        message=lambda grant: f"{grant.user.email} can now set up {organisation.name}.",
    )


@login_required
@require_POST
def administrator_remove(request: HttpRequest, org: str, administrator_id: int) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    grant = OrganisationAdministrator.objects.filter(
        organisation=organisation, pk=administrator_id
    ).first()
    if grant is None:
        raise OrganisationNotFound("No such administrator.")
    _require_superuser(request)
    org_services.administrator_revoke(grant=grant, actor=request.user)
    messages.success(request, f"{grant.user.email} no longer sets up {organisation.name}.")
    return redirect("programmes:organisation", org=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def locality_edit(request: HttpRequest, org: str, locality_id: int) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    locality = organisation_locality(organisation, locality_id)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "organisations/locality_form.jinja",
            {
                "form": form,
                "organisation": organisation,
                "locality": locality,
                "page_title": f"Locality: {locality.name}",
                "header_organisation": organisation.name,
                "breadcrumbs": _crumbs(organisation),
            },
        )

    return service_form(
        request,
        LocalityForm(request.POST or None, initial={"name": locality.name}),
        save=lambda data: org_services.locality_rename(
            locality=locality, name=data["name"], actor=request.user
        ),
        done=lambda _l: redirect("programmes:organisation", org=organisation.slug),
        again=page,
        message=lambda renamed: f"The locality is now called “{renamed.name}”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, org: str, service_id: int) -> HttpResponse:
    organisation = organisation_for(viewer=request.user, slug=org)
    service = organisation_service(organisation, service_id)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "organisations/service_form.jinja",
            {
                "form": form,
                "organisation": organisation,
                "service": service,
                "page_title": f"Service: {service.name}",
                "header_organisation": organisation.name,
                "breadcrumbs": _crumbs(organisation),
            },
        )

    @transaction.atomic
    def save(data: dict[str, Any]) -> Service:
        changed = service
        if data["name"].strip() != service.name:
            changed = org_services.service_rename(
                service=changed, name=data["name"], actor=request.user
            )
        if data["locality"].pk != service.locality_id:
            changed = org_services.service_move(
                service=changed, locality=data["locality"], actor=request.user
            )
        return changed

    return service_form(
        request,
        ServiceForm(
            request.POST or None,
            organisation=organisation,
            initial={"name": service.name, "locality": service.locality_id},
        ),
        save=save,
        done=lambda _s: redirect("programmes:organisation", org=organisation.slug),
        again=page,
        message=lambda saved: f"Saved the service “{saved.name}” ({saved.locality.name}).",
    )


@login_required
@require_POST
def retire_or_restore(
    request: HttpRequest, org: str, what: str, object_id: int, action: str
) -> HttpResponse:
    """Retire or restore a locality or service; an error (a locality with services in use,
    say) comes back as a message on the organisation's page."""
    organisation = organisation_for(viewer=request.user, slug=org)
    try:
        if what == "locality":
            locality = organisation_locality(organisation, object_id)
            if action == "retire":
                org_services.locality_retire(locality=locality, actor=request.user)
            else:
                org_services.locality_restore(locality=locality, actor=request.user)
            name = locality.name
        else:
            service = organisation_service(organisation, object_id)
            if action == "retire":
                org_services.service_retire(service=service, actor=request.user)
            else:
                org_services.service_restore(service=service, actor=request.user)
            name = service.name
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = "Retired" if action == "retire" else "Restored"
        messages.success(request, f"{done} “{name}”.")
    return redirect("programmes:organisation", org=organisation.slug)
