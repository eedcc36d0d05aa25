"""The codebook: adding, editing and deleting codes, and the REFI-QDA downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tandem.coding import exports, selectors, services
from tandem.coding.forms import CodeForm
from tandem.coding.models import Code
from tandem.coding.views.pages import code_choices, lead_page, page, posted
from tandem.surveys.selectors import waves_for
from tandem.web import audited_download, service_form


@login_required
@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = lead_page(request, slug)
    tree = selectors.code_tree(viewer=request.user, programme=programme)

    def again(form: Form) -> HttpResponse:
        context = {
            "tree": tree,
            "form": form,
            "waves": list(waves_for(viewer=request.user, programme=programme)),
            "page_title": "Codebook",
        }
        return page(request, "coding/codebook.jinja", context, access=access)

    return service_form(
        request,
        CodeForm(posted(request), **code_choices(programme)),
        save=lambda data: services.code_create(programme=programme, **data),
        done=lambda _: redirect("coding:codebook", slug=slug),
        again=again,
        message=lambda code: f"Added the code “{code.name}”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_edit(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    programme, access = lead_page(request, slug)
    code = selectors.code_for(viewer=request.user, programme=programme, code_id=code_id)
    initial = {
        "name": code.name,
        "description": code.description,
        "parent": code.parent_id,
        "colour": code.colour,
    }
    form = CodeForm(
        posted(request),
        initial=initial,
        exclude={code.pk, *selectors.descendant_ids(code=code)},
        **code_choices(programme),
    )

    def again(bound: Form) -> HttpResponse:
        context = {"code": code, "form": bound, "page_title": f"Edit “{code.name}”"}
        return page(request, "coding/code_form.jinja", context, access=access)

    return service_form(
        request,
        form,
        save=lambda data: services.code_update(code=code, **data),
        done=lambda _: redirect("coding:codebook", slug=slug),
        again=again,
        message=lambda saved: f"Saved the code “{saved.name}”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_delete(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    programme, access = lead_page(request, slug)
    code = selectors.code_for(viewer=request.user, programme=programme, code_id=code_id)
    error = ""
    if request.method == "POST":
        try:
            removed = services.code_delete(code=code)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _deleted(code, removed))
            return redirect("coding:codebook", slug=slug)
    return page(
        request,
        "coding/code_delete.jinja",
        {
            "code": code,
            "uses": code.assignments.count(),
            "has_children": code.children.exists(),
            "error": error,
            "page_title": f"Delete “{code.name}”",
        },
        access=access,
        status=400 if error else 200,
    )


def _deleted(code: Code, removed: int) -> str:
    return f"Deleted the code “{code.name}”" + (
        f" and {removed} excerpts that had no other code." if removed else "."
    )


@never_cache
@login_required
@require_GET
def export_codebook(request: HttpRequest, slug: str) -> HttpResponse:
    programme, _ = lead_page(request, slug)
    return audited_download(
        actor=request.user,
        content=exports.codebook_export(viewer=request.user, programme=programme),
        filename=f"{programme.slug}-codebook.qdc",
        content_type="application/xml; charset=utf-8",
        action="coding.export",
        subject=programme,
        programme=programme,
        extra={"format": "qdc"},
    )


@never_cache
@login_required
@require_GET
def export_project(request: HttpRequest, slug: str) -> HttpResponse:
    programme, _ = lead_page(request, slug)
    return audited_download(
        actor=request.user,
        content=exports.project_export(viewer=request.user, programme=programme),
        filename=f"{programme.slug}-coding.qdpx",
        content_type="application/zip",
        action="coding.export",
        subject=programme,
        programme=programme,
        extra={"format": "qdpx"},
    )
