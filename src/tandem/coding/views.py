"""The programme lead's pages for coding open answers and interview notes (no JavaScript needed).

Every view starts with `programme_for(manage=True)`: people outside the programme get 404, its
other members 403, before anything else is read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.coding import exports, selectors, services
from tandem.coding.forms import AcceptSuggestionForm, ApproveForm, CodeForm, ExcerptForm
from tandem.coding.models import ReviewStatus
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for
from tandem.surveys.models import Answer, InterviewNote, Wave
from tandem.surveys.selectors import waves_for


def _form_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    programme: Programme = context["programme"]
    context.setdefault("header_organisation", programme.organisation.name)
    context.setdefault("can_manage", True)
    crumbs = [
        {"text": "Programmes", "href": reverse("programmes:list")},
        {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])},
        {"text": "Coding", "href": reverse("coding:codebook", args=[programme.slug])},
    ]
    wave: Wave | None = context.get("wave")
    if wave is not None and template != "coding/wave.jinja":
        crumbs.append(
            {"text": wave.title, "href": reverse("coding:wave", args=[programme.slug, wave.pk])}
        )
    context.setdefault("breadcrumbs", crumbs)
    return render(request, template, context, status=status)


def _lead_wave(request: HttpRequest, slug: str, wave_id: int) -> tuple[Programme, Wave]:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    return programme, selectors.coding_wave_for(
        viewer=request.user, programme=programme, wave_id=wave_id
    )


def _code_form(programme: Programme, data: Any = None, **kwargs: Any) -> CodeForm:
    return CodeForm(
        data,
        codes=selectors.codes_for(programme=programme),
        paths=selectors.code_paths(programme=programme),
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------
# Codebook
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    tree = selectors.code_tree(viewer=request.user, programme=programme)
    form = _code_form(programme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.code_create(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Added the code “{code.name}”.")
            return redirect("coding:codebook", slug=slug)
    return _render(
        request,
        "coding/codebook.jinja",
        {
            "programme": programme,
            "tree": tree,
            "form": form,
            "waves": list(waves_for(viewer=request.user, programme=programme)),
            "page_title": "Codebook",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_edit(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    code = selectors.code_for(viewer=request.user, programme=programme, code_id=code_id)
    initial = {
        "name": code.name,
        "description": code.description,
        "parent": code.parent_id,
        "colour": code.colour,
    }
    form = _code_form(
        programme,
        request.POST if request.method == "POST" else None,
        initial=initial,
        exclude={code.pk, *selectors.descendant_ids(code=code)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.code_update(code=code, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Saved the code “{code.name}”.")
            return redirect("coding:codebook", slug=slug)
    return _render(
        request,
        "coding/code_form.jinja",
        {"programme": programme, "code": code, "form": form, "page_title": f"Edit “{code.name}”"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_delete(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    code = selectors.code_for(viewer=request.user, programme=programme, code_id=code_id)
    error = ""
    if request.method == "POST":
        try:
            removed = services.code_delete(code=code)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                f"Deleted the code “{code.name}”"
                + (f" and {removed} excerpts that had no other code." if removed else "."),
            )
            return redirect("coding:codebook", slug=slug)
    return _render(
        request,
        "coding/code_delete.jinja",
        {
            "programme": programme,
            "code": code,
            "uses": code.assignments.count(),
            "has_children": code.children.exists(),
            "error": error,
            "page_title": f"Delete “{code.name}”",
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
@require_GET
def export_codebook(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    data = exports.codebook_export(viewer=request.user, programme=programme)
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-codebook.qdc"'
    return response


@never_cache
@login_required
@require_GET
def export_project(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    data = exports.project_export(viewer=request.user, programme=programme)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-coding.qdpx"'
    return response


# ---------------------------------------------------------------------------------------------
# Coding a wave's open answers and interview notes
# ---------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def wave_coding(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    return _render(
        request,
        "coding/wave.jinja",
        {
            "programme": programme,
            "wave": wave,
            "items": selectors.open_answers_for_coding(viewer=request.user, wave=wave),
            "notes": selectors.interview_notes_for_coding(viewer=request.user, wave=wave),
            "counts": selectors.review_counts(viewer=request.user, wave=wave),
            "page_title": f"Coding: {wave.title}",
        },
    )


def _code_source(
    request: HttpRequest, programme: Programme, wave: Wave, record: Answer | InterviewNote
) -> HttpResponse:
    form = ExcerptForm(
        request.POST if request.method == "POST" else None,
        codes=selectors.codes_for(programme=programme),
        paths=selectors.code_paths(programme=programme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.excerpt_code(
                wave=wave,
                source=record,
                quote=form.cleaned_data["quote"],
                codes=list(form.cleaned_data["codes"]),
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Coded the passage.")
            return redirect(request.path)
    source = selectors.coding_source(viewer=request.user, wave=wave, record=record)
    return _render(
        request,
        "coding/source.jinja",
        {
            "programme": programme,
            "wave": wave,
            "source": source,
            "form": form,
            "has_codes": selectors.codes_for(programme=programme).exists(),
            "page_title": "Code interview notes"
            if source.kind == "interview"
            else "Code an answer",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_coding(request: HttpRequest, slug: str, wave_id: int, ref: str) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    answer = selectors.answer_to_code(viewer=request.user, wave=wave, ref=ref)
    return _code_source(request, programme, wave, answer)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note_coding(request: HttpRequest, slug: str, wave_id: int, note_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    note = selectors.note_to_code(viewer=request.user, wave=wave, note_id=note_id)
    return _code_source(request, programme, wave, note)


@login_required
@require_POST
def excerpt_delete(request: HttpRequest, slug: str, wave_id: int, excerpt_id: int) -> HttpResponse:
    _, wave = _lead_wave(request, slug, wave_id)
    excerpt = selectors.excerpt_for(viewer=request.user, wave=wave, excerpt_id=excerpt_id)
    if excerpt.answer_id is not None:
        back = reverse(
            "coding:answer", args=[slug, wave.pk, selectors.answer_ref(excerpt.answer_id)]
        )
    else:
        back = reverse("coding:note", args=[slug, wave.pk, excerpt.interview_note_id])
    services.excerpt_delete(excerpt=excerpt)
    messages.success(request, "Removed the coded passage.")
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# Review before release
# ---------------------------------------------------------------------------------------------


def _review_page(
    request: HttpRequest,
    programme: Programme,
    wave: Wave,
    status: str,
    previewed: tuple[int, ApproveForm, selectors.ReleasePreview] | None = None,
) -> HttpResponse:
    excerpts = selectors.excerpts_for_review(viewer=request.user, wave=wave, status=status)
    forms = {
        e.excerpt_id: ApproveForm(
            initial={"release_text": e.release_text}, prefix=f"e{e.excerpt_id}"
        )
        for e in excerpts
    }
    previews = {}
    if previewed is not None:
        forms[previewed[0]] = previewed[1]
        previews[previewed[0]] = previewed[2]
    return _render(
        request,
        "coding/review.jinja",
        {
            "programme": programme,
            "wave": wave,
            "status": status,
            "statuses": ReviewStatus.choices,
            "counts": selectors.review_counts(viewer=request.user, wave=wave),
            "excerpts": excerpts,
            "forms": forms,
            "previews": previews,
            "page_title": f"Review excerpts: {wave.title}",
        },
    )


@never_cache
@login_required
@require_GET
def review(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    status = request.GET.get("status", ReviewStatus.PENDING)
    if status not in ReviewStatus.values:
        status = ReviewStatus.PENDING
    return _review_page(request, programme, wave, status)


@never_cache
@login_required
@require_POST
def excerpt_review(request: HttpRequest, slug: str, wave_id: int, excerpt_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    excerpt = selectors.excerpt_for(viewer=request.user, wave=wave, excerpt_id=excerpt_id)
    back_to = excerpt.status
    decision = request.POST.get("decision")
    if decision in {"approve", "preview"}:
        form = ApproveForm(request.POST, prefix=f"e{excerpt.pk}")
        release_text = form.cleaned_data["release_text"] if form.is_valid() else ""
        if decision == "preview":
            # Shown, not saved: the lead checks what would be released before approving it.
            preview = selectors.release_preview(
                programme=programme,
                text=excerpt.text,
                release_text=release_text,
                also_redact=form.phrases(),
            )
            return _review_page(
                request, programme, wave, excerpt.status, previewed=(excerpt.pk, form, preview)
            )
        services.excerpt_approve(
            excerpt=excerpt,
            actor=request.user,
            release_text=release_text,
            also_redact=form.phrases(),
        )
        messages.success(request, "Approved the excerpt: reports may quote its redacted text.")
    elif decision == "reject":
        services.excerpt_reject(excerpt=excerpt, actor=request.user)
        messages.success(request, "Marked the excerpt as not for release.")
    return redirect(f"{reverse('coding:review', args=[slug, wave.pk])}?status={back_to}")


# ---------------------------------------------------------------------------------------------
# Theme suggestions
# ---------------------------------------------------------------------------------------------


def _themes_page(
    request: HttpRequest,
    programme: Programme,
    wave: Wave,
    failed: tuple[int, AcceptSuggestionForm] | None = None,
) -> HttpResponse:
    suggestions = selectors.theme_suggestions_for(viewer=request.user, wave=wave)
    forms = {
        s.id: _accept_form(programme, initial={"name": s.label}, prefix=f"s{s.id}")
        for s in suggestions
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return _render(
        request,
        "coding/themes.jinja",
        {
            "programme": programme,
            "wave": wave,
            "suggestions": suggestions,
            "forms": forms,
            "uncoded": selectors.uncoded_answer_count(viewer=request.user, wave=wave),
            "page_title": f"Theme suggestions: {wave.title}",
        },
        status=400 if failed else 200,
    )


def _accept_form(programme: Programme, data: Any = None, **kwargs: Any) -> AcceptSuggestionForm:
    return AcceptSuggestionForm(
        data,
        codes=selectors.codes_for(programme=programme),
        paths=selectors.code_paths(programme=programme),
        **kwargs,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def themes(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    if request.method == "POST":
        created = services.theme_suggestions_generate(wave=wave)
        messages.success(
            request,
            f"Found {len(created)} possible themes."
            if created
            else "No themes found: too few uncoded answers, or nothing they share.",
        )
        return redirect("coding:themes", slug=slug, wave_id=wave.pk)
    return _themes_page(request, programme, wave)


@login_required
@require_POST
def theme_accept(request: HttpRequest, slug: str, wave_id: int, suggestion_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    suggestion = selectors.theme_suggestion_for(
        viewer=request.user, wave=wave, suggestion_id=suggestion_id
    )
    form = _accept_form(programme, request.POST, prefix=f"s{suggestion.pk}")
    if form.is_valid():
        try:
            code = services.theme_suggestion_accept(
                suggestion=suggestion, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Added the code “{code.name}” to {len(suggestion.answer_ids)} answers.",
            )
            return redirect("coding:themes", slug=slug, wave_id=wave.pk)
    return _themes_page(request, programme, wave, failed=(suggestion.pk, form))


@login_required
@require_POST
def theme_reject(request: HttpRequest, slug: str, wave_id: int, suggestion_id: int) -> HttpResponse:
    _, wave = _lead_wave(request, slug, wave_id)
    suggestion = selectors.theme_suggestion_for(
        viewer=request.user, wave=wave, suggestion_id=suggestion_id
    )
    services.theme_suggestion_reject(suggestion=suggestion, actor=request.user)
    messages.success(request, "Rejected the suggestion. It will not be suggested again.")
    return redirect("coding:themes", slug=slug, wave_id=wave.pk)


# ---------------------------------------------------------------------------------------------
# Summary (what reports will show, suppressed)
# ---------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def summary(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, wave = _lead_wave(request, slug, wave_id)
    approved_only = request.GET.get("include") != "pending"
    found = selectors.coding_summary(viewer=request.user, wave=wave, approved_only=approved_only)
    return _render(
        request,
        "coding/summary.jinja",
        {
            "programme": programme,
            "wave": wave,
            "approved_only": approved_only,
            "frequencies": found.frequencies,
            "cooccurrence": found.cooccurrence,
            "release": found.release,
            # Approved excerpts, whatever an erasure did to their words: a count of quotations
            # that fell after an erasure would say the erased person had been quoted.
            "counts": selectors.review_counts(viewer=request.user, wave=wave),
            "page_title": f"Coding summary: {wave.title}",
        },
    )
