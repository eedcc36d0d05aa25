"""Coding a wave: its page of open answers and interview notes, and coding one of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.coding import selectors, services
from tandem.coding.forms import ExcerptForm
from tandem.coding.views.pages import code_choices, lead_wave, page, posted
from tandem.programmes.access import Access
from tandem.surveys.models import Answer, InterviewNote, Wave
from tandem.web import service_form


@never_cache
@login_required
@require_GET
def wave_coding(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    return page(
        request,
        "coding/wave.jinja",
        {
            "wave": wave,
            "items": selectors.open_answers_for_coding(viewer=request.user, wave=wave),
            "notes": selectors.interview_notes_for_coding(viewer=request.user, wave=wave),
            "counts": selectors.review_counts(viewer=request.user, wave=wave),
            "page_title": f"Coding: {wave.title}",
        },
        access=access,
    )


def _code_source(
    request: HttpRequest, access: Access, wave: Wave, record: Answer | InterviewNote
) -> HttpResponse:
    programme = access.programme

    def again(form: Form) -> HttpResponse:
        source = selectors.coding_source(viewer=request.user, wave=wave, record=record)
        context = {
            "wave": wave,
            "source": source,
            "form": form,
            "has_codes": selectors.codes_for(programme=programme).exists(),
            "page_title": "Code interview notes"
            if source.kind == "interview"
            else "Code an answer",
        }
        return page(request, "coding/source.jinja", context, access=access, under=wave)

    return service_form(
        request,
        ExcerptForm(posted(request), **code_choices(programme)),
        save=lambda data: services.excerpt_code(
            wave=wave,
            source=record,
            quote=data["quote"],
            codes=list(data["codes"]),
            actor=request.user,
        ),
        done=lambda _: redirect(request.path),
        again=again,
        message="Coded the passage.",
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_coding(request: HttpRequest, slug: str, wave_id: int, ref: str) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    answer = selectors.answer_to_code(viewer=request.user, wave=wave, ref=ref)
    return _code_source(request, access, wave, answer)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note_coding(request: HttpRequest, slug: str, wave_id: int, note_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    note = selectors.note_to_code(viewer=request.user, wave=wave, note_id=note_id)
    return _code_source(request, access, wave, note)


@login_required
@require_POST
def excerpt_delete(request: HttpRequest, slug: str, wave_id: int, excerpt_id: int) -> HttpResponse:
    _, wave = lead_wave(request, slug, wave_id)
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
