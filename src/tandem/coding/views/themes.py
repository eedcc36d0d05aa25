"""Theme suggestions for a wave's uncoded answers (finding, accepting, rejecting), and the
summary of what reports will show of the wave's coding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.coding import selectors, services
from tandem.coding.forms import AcceptSuggestionForm
from tandem.coding.views.pages import code_choices, lead_wave, page
from tandem.programmes.access import Access
from tandem.surveys.models import Wave
from tandem.web import service_form


def _themes_page(
    request: HttpRequest,
    access: Access,
    wave: Wave,
    failed: tuple[int, Form] | None = None,
) -> HttpResponse:
    suggestions = selectors.theme_suggestions_for(viewer=request.user, wave=wave)
    forms: dict[int, Form] = {
        s.id: AcceptSuggestionForm(
            initial={"name": s.label}, prefix=f"s{s.id}", **code_choices(access.programme)
        )
        for s in suggestions
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return page(
        request,
        "coding/themes.jinja",
        {
            "wave": wave,
            "suggestions": suggestions,
            "forms": forms,
            "uncoded": selectors.uncoded_answer_count(viewer=request.user, wave=wave),
            "page_title": f"Theme suggestions: {wave.title}",
        },
        access=access,
        under=wave,
        status=400 if failed else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def themes(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    if request.method == "POST":
        created = services.theme_suggestions_generate(wave=wave)
        messages.success(
            request,
            f"Found {len(created)} possible themes."
            if created
            else "No themes found: too few uncoded answers, or nothing they share.",
        )
        return redirect("coding:themes", slug=slug, wave_id=wave.pk)
    return _themes_page(request, access, wave)


@login_required
@require_POST
def theme_accept(request: HttpRequest, slug: str, wave_id: int, suggestion_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    suggestion = selectors.theme_suggestion_for(
        viewer=request.user, wave=wave, suggestion_id=suggestion_id
    )
    return service_form(
        request,
        AcceptSuggestionForm(
            request.POST, prefix=f"s{suggestion.pk}", **code_choices(access.programme)
        ),
        save=lambda data: services.theme_suggestion_accept(
            suggestion=suggestion, actor=request.user, **data
        ),
        done=lambda _: redirect("coding:themes", slug=slug, wave_id=wave.pk),
        again=lambda form: _themes_page(request, access, wave, failed=(suggestion.pk, form)),
        message=lambda code: (
            f"Added the code “{code.name}” to {len(suggestion.answer_ids)} answers."
        ),
    )


@login_required
@require_POST
def theme_reject(request: HttpRequest, slug: str, wave_id: int, suggestion_id: int) -> HttpResponse:
    _, wave = lead_wave(request, slug, wave_id)
    suggestion = selectors.theme_suggestion_for(
        viewer=request.user, wave=wave, suggestion_id=suggestion_id
    )
    services.theme_suggestion_reject(suggestion=suggestion, actor=request.user)
    messages.success(request, "Rejected the suggestion. It will not be suggested again.")
    return redirect("coding:themes", slug=slug, wave_id=wave.pk)


@never_cache
@login_required
@require_GET
def summary(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    approved_only = request.GET.get("include") != "pending"
    found = selectors.coding_summary(viewer=request.user, wave=wave, approved_only=approved_only)
    return page(
        request,
        "coding/summary.jinja",
        {
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
        access=access,
        under=wave,
    )
