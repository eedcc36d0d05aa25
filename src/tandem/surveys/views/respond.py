"""Answering a questionnaire, by invitation link and without logging in: the link is the key, and
a page never shows anyone else's answers. A section type another app registers
(tandem.surveys.sections) is served by that app's page."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.surveys import selectors, services
from tandem.surveys.instruments import Instrument, Item, Section
from tandem.surveys.models import Answer, Invitation, InvitationStatus
from tandem.surveys.sections import respondent_context, section_page


def _section_index(instrument: Instrument, section_id: str) -> int:
    for index, section in enumerate(instrument.sections):
        if section.id == section_id:
            return index
    raise selectors.InvitationNotFound("No such page in this questionnaire.")


def _state_page(request: HttpRequest, invitation: Invitation) -> HttpResponse | None:
    """The page to show instead of a question page when answering is over (or not begun)."""
    wave = invitation.wave
    if invitation.status == InvitationStatus.SUBMITTED:
        return render(
            request,
            "surveys/respond_done.jinja",
            respondent_context(invitation, page_title="Thank you"),
        )
    if not wave.is_open():
        template = "surveys/respond_closed.jinja"
        title = (
            "This questionnaire is closed"
            if wave.has_closed()
            else "This questionnaire is not open yet"
        )
        return render(
            request,
            template,
            respondent_context(invitation, page_title=title),
            status=410 if wave.has_closed() else 200,
        )
    return None


@never_cache
def respond_start(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    state = _state_page(request, invitation)
    if state is not None:
        return state
    instrument = invitation.wave.instrument
    resume = invitation.current_section or instrument.sections[0].id
    return render(
        request,
        "surveys/respond_start.jinja",
        respondent_context(
            invitation,
            page_title=invitation.wave.title,
            resume_section=resume,
            resuming=invitation.status == InvitationStatus.IN_PROGRESS,
        ),
    )


def _section_items(
    instrument: Instrument,
    section: Section,
    answers: dict[str, Answer],
    data: Any,
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    """What the section template needs for each item: the question, its options, the current answer."""
    rows = []
    for item in section.items:
        current: str | None
        if data is not None:
            current = data.get(item.id)
        elif item.id in answers:
            answer = answers[item.id]
            current = (
                "dont_know"
                if answer.dont_know
                else (answer.text if item.kind == "open" else str(answer.value))
            )
        else:
            current = None
        scale = instrument.response_scales.get(item.response_scale or "")
        options: list[dict[str, Any]] = []
        if scale is not None:
            options = [{"value": str(o.value), "text": o.label} for o in scale.options]
            if scale.dont_know is not None:
                options.append(
                    {"value": "dont_know", "text": scale.dont_know.label, "dont_know": True}
                )
        row = {
            "item": item,
            "current": current or "",
            "options": options,
            "error": errors.get(item.id),
        }
        if item.kind != "open":
            row["html"] = (
                _radios(row)
                if row["error"]
                else _radios_kept(item, tuple(tuple(o.items()) for o in options), row["current"])
            )
        rows.append(row)
    return rows


def _radios(row: dict[str, Any]) -> SafeString:
    """One question's radios, drawn by the NHS.UK radios macro (surveys/_item_radios.jinja)."""
    return mark_safe(render_to_string("surveys/_item_radios.jinja", {"row": row}).strip())  # noqa: S308


@lru_cache(maxsize=4096)
def _radios_kept(
    item: Item, options: tuple[tuple[tuple[str, Any], ...], ...], current: str
) -> SafeString:
    """`_radios` for a question without an error, kept per process: the design system's macros
    were four fifths of a question page's time, and a question with a given answer chosen is the
    same HTML for everyone (the key is the question's text, its options and the chosen value,
    nothing about who chose it)."""
    return _radios(
        {"item": item, "options": [dict(o) for o in options], "current": current, "error": None}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def respond_section(request: HttpRequest, token: str, section_id: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    state = _state_page(request, invitation)
    if state is not None:
        return state
    instrument = invitation.wave.instrument
    index = _section_index(instrument, section_id)
    section = instrument.sections[index]
    page = section_page(section.type)
    if page is not None:
        return page(request, invitation, index)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            errors = services.section_save(
                invitation=invitation, section_id=section.id, data=request.POST
            )
        except ValidationError:
            return redirect("surveys:respond_start", token=token)
        if not errors:
            if request.POST.get("go") == "back" and index > 0:
                return redirect(
                    "surveys:respond_section",
                    token=token,
                    section_id=instrument.sections[index - 1].id,
                )
            if index + 1 < len(instrument.sections):
                return redirect(
                    "surveys:respond_section",
                    token=token,
                    section_id=instrument.sections[index + 1].id,
                )
            return redirect("surveys:respond_review", token=token)
    answers = selectors.own_answers(invitation=invitation)
    return render(
        request,
        "surveys/respond_section.jinja",
        respondent_context(
            invitation,
            page_title=f"{section.title} – {invitation.wave.title}",
            section=section,
            index=index,
            rows=_section_items(
                instrument, section, answers, request.POST if errors else None, errors
            ),
            errors=errors,
            previous=instrument.sections[index - 1] if index > 0 else None,
        ),
        status=400 if errors else 200,
    )


@never_cache
@require_POST
def respond_autosave(request: HttpRequest, token: str) -> JsonResponse:
    """One answer, saved as it changes (JavaScript only; the form's own button saves the page)."""
    item_id = request.POST.get("item", "")
    try:
        services.answer_autosave(token=token, item_id=item_id, value=request.POST.get("value"))
    except services.AlreadySubmitted as exc:
        return JsonResponse({"saved": False, "error": exc.messages[0]}, status=409)
    except services.WaveClosed as exc:
        return JsonResponse({"saved": False, "error": exc.messages[0]}, status=410)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "error": exc.messages[0]}, status=400)
    return JsonResponse({"saved": True, "item": item_id})


@never_cache
def respond_review(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    state = _state_page(request, invitation)
    if state is not None:
        return state
    instrument = invitation.wave.instrument
    answered = set(selectors.own_answers(invitation=invitation))
    progress = [
        (section, sum(1 for item in section.items if item.id in answered), len(section.items))
        for section in instrument.sections
    ]
    return render(
        request,
        "surveys/respond_review.jinja",
        respondent_context(
            invitation,
            page_title="Check and submit",
            progress=progress,
            answered=len(answered),
            total=len(instrument.items),
        ),
    )


@never_cache
@require_POST
def respond_submit(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    # If the wave has just closed, the start page explains that; nothing else to do here.
    with contextlib.suppress(services.WaveClosed):
        services.response_submit(invitation=invitation)
    return redirect("surveys:respond_start", token=token)
