"""An organisation's localities and services from a spreadsheet: upload → preview → confirm.

The same two steps as the participant import: the upload is kept in storage, keyed by the
organisation and found only from the session that made it; the preview writes nothing; confirming
writes the whole file in one transaction or nothing. Only the organisation's administrators (and
superusers) reach these pages; to anyone else the organisation does not exist (404).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.programmes.forms import ImportConfirmForm, ServicesImportForm
from tandem.programmes.importer import ImportFileError
from tandem.programmes.importer.services_table import (
    plan_services_import,
    services_template_csv,
)
from tandem.programmes.models import Organisation
from tandem.programmes.org_services import services_import_commit
from tandem.programmes.organisations import organisation_for
from tandem.web import render_page
from tandem.web.uploads import EXPIRED, stash_upload, stashed_upload

KIND = "services"
TITLE = "Import localities and services"


def _crumbs(organisation: Organisation, *, upload_page: bool = False) -> list[dict[str, str]]:
    # The organisation's own page is not on this branch yet: the trail links only what exists.
    items = [{"text": "Programmes", "href": reverse("programmes:list")}]
    if upload_page:
        items.append(
            {"text": TITLE, "href": reverse("programmes:services_import", args=[organisation.slug])}
        )
    return items


@login_required
@require_http_methods(["GET", "POST"])
def services_import(request: HttpRequest, org: str) -> HttpResponse:
    """Step 1: upload. The file is kept in storage until it is confirmed."""
    organisation = organisation_for(viewer=request.user, slug=org)
    form = ServicesImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        stash = stash_upload(
            request, organisation=organisation, kind=KIND, upload=form.cleaned_data["file"]
        )
        return redirect("programmes:services_import_preview", org=org, token=stash.token)
    return render_page(
        request,
        "programmes/services_import.jinja",
        {
            "organisation": organisation,
            "header_organisation": organisation.name,
            "form": form,
            "page_title": TITLE,
            "breadcrumbs": _crumbs(organisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def services_import_preview(request: HttpRequest, org: str, token: uuid.UUID) -> HttpResponse:
    """Step 2: every problem by row, or what will be added; confirming writes it all at once."""
    organisation = organisation_for(viewer=request.user, slug=org)
    stash = stashed_upload(organisation=organisation, kind=KIND, token=token)
    filename = stash.info(request)
    if filename is None:
        # Another session's token, another organisation's, or one already imported: all alike.
        raise Http404(EXPIRED)
    context = {
        "organisation": organisation,
        "header_organisation": organisation.name,
        "filename": filename,
        "token": token,
        "breadcrumbs": _crumbs(organisation, upload_page=True),
    }
    try:
        plan = plan_services_import(organisation=organisation, data=stash.read(), filename=filename)
    except ImportFileError as exc:
        stash.discard_file()
        context.update(file_error=str(exc), page_title=f"{TITLE} – problems")
        return render_page(request, "programmes/services_import_preview.jinja", context, status=400)
    if request.method == "POST" and ImportConfirmForm(request.POST).is_valid() and plan.is_valid:
        stash.drop(request)
        try:
            result = services_import_commit(
                organisation=organisation, plan=plan, actor=request.user
            )
        except ValidationError as exc:  # someone changed the services since the preview
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{result.sentence()}.")
        return redirect("programmes:services_import", org=org)
    context.update(
        plan=plan,
        counts=plan.counts(),
        errors_by_row=plan.errors_by_row(),
        page_title=f"{TITLE} – " + ("check" if plan.is_valid else "problems"),
    )
    return render_page(
        request,
        "programmes/services_import_preview.jinja",
        context,
        status=200 if plan.is_valid else 400,
    )


@login_required
def services_import_template(request: HttpRequest, org: str) -> HttpResponse:
    # A blank template, not data leaving the building: not audited, so not `audited_download`.
    organisation_for(viewer=request.user, slug=org)
    response = HttpResponse(services_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-services-template.csv"'
    return response
