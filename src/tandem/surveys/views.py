"""Answering a questionnaire (by invitation link, no log-in) and running waves (programme lead)."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.programmes import selectors as programme_selectors
from tandem.programmes.importer import ImportFileError
from tandem.surveys import selectors, services
from tandem.surveys.forms import (
    InterviewNoteForm,
    ResponseMappingForm,
    ResponseUploadForm,
    WaveForm,
)
from tandem.surveys.instruments import Instrument, Section
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave
from tandem.surveys.response_import import plan_response_import, read_responses, suggest_mapping
from tandem.surveys.sections import register_section_page as register_section_page
from tandem.surveys.sections import respondent_context, section_page

# ---------------------------------------------------------------------------------------------
# Respondents: the invitation link is the key; pages never show anyone else's answers.
# ---------------------------------------------------------------------------------------------


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
        rows.append(
            {
                "item": item,
                "current": current or "",
                "options": options,
                "error": errors.get(item.id),
            }
        )
    return rows


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
    invitation = selectors.invitation_key(token=token)
    item_id = request.POST.get("item", "")
    try:
        services.answer_save(
            invitation=invitation, item_id=item_id, value=request.POST.get("value")
        )
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


# ---------------------------------------------------------------------------------------------
# Programme lead: waves, invitations, completion status, interview notes.
# ---------------------------------------------------------------------------------------------


def _lead_render(
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


@login_required
def wave_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    waves = list(selectors.waves_for(viewer=request.user, programme=programme))
    completions = {
        wave.pk: selectors.wave_completion(viewer=request.user, wave=wave) for wave in waves
    }
    return _lead_render(
        request,
        "surveys/wave_list.jinja",
        {
            "programme": programme,
            "waves": waves,
            "completions": completions,
            "page_title": "Questionnaires",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    form = WaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        instrument_id, version = data.pop("instrument").split(":")
        try:
            wave = services.wave_create(
                programme=programme,
                instrument_id=instrument_id,
                instrument_version=int(version),
                actor=request.user,
                **data,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Created “{wave.title}” with {wave.invitations.count()} invitations. "
                "Send the invitations when you are ready.",
            )
            return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
    return _lead_render(
        request,
        "surveys/wave_form.jinja",
        {"programme": programme, "form": form, "page_title": "New questionnaire wave"},
        status=400 if form.errors else 200,
    )


@login_required
def wave_detail(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    completion = selectors.wave_completion(viewer=request.user, wave=wave)
    notes = list(selectors.interview_notes_for(viewer=request.user, wave=wave))
    return _lead_render(
        request,
        "surveys/wave_detail.jinja",
        {
            "programme": programme,
            "wave": wave,
            "completion": completion,
            "notes": notes,
            "note_form": InterviewNoteForm(),
            "page_title": wave.title,
        },
    )


@login_required
@require_POST
def wave_send(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    base_url = request.build_absolute_uri("/")
    try:
        if request.POST.get("what") == "remind":
            result = services.invitations_remind(wave=wave, base_url=base_url)
            verb = "Sent reminders to"
        else:
            result = services.invitations_send(wave=wave, base_url=base_url)
            verb = "Sent invitations to"
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
    text = f"{verb} {result.sent} {'person' if result.sent == 1 else 'people'}."
    if result.failed:
        text += f" Could not send to {len(result.failed)}: {', '.join(result.failed)}."
    messages.success(request, text)
    return redirect("surveys:wave", slug=slug, wave_id=wave.pk)


@login_required
@require_POST
def wave_close(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    services.wave_close(wave=wave)
    messages.success(
        request,
        f"Closed “{wave.title}”. Answers given so far are kept and can no longer be changed.",
    )
    return redirect("surveys:wave", slug=slug, wave_id=wave.pk)


@login_required
@require_POST
def interview_note_add(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    form = InterviewNoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.interview_note_add(wave=wave, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Added the interview notes “{form.cleaned_data['title']}”.")
            return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
    completion = selectors.wave_completion(viewer=request.user, wave=wave)
    notes = list(selectors.interview_notes_for(viewer=request.user, wave=wave))
    return _lead_render(
        request,
        "surveys/wave_detail.jinja",
        {
            "programme": programme,
            "wave": wave,
            "completion": completion,
            "notes": notes,
            "note_form": form,
            "page_title": wave.title,
        },
        status=400,
    )


def _response_upload_path(wave: Wave, token: uuid.UUID) -> str:
    return f"imports/responses/{wave.programme_id}/{wave.pk}/{token}"


@login_required
@require_http_methods(["GET", "POST"])
def responses_upload(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """Step 1 of importing another tool's responses: the file and which tool wrote it."""
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    if wave.has_closed():
        messages.error(request, services.CLOSED_FOR_IMPORT)
        return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
    form = ResponseUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        token = uuid.uuid4()
        default_storage.save(
            _response_upload_path(wave, token), ContentFile(form.cleaned_data["file"].read())
        )
        request.session[f"responses-{token}"] = {
            "filename": form.cleaned_data["file"].name,
            "source": form.cleaned_data["source"],
        }
        return redirect("surveys:responses_map", slug=slug, wave_id=wave.pk, token=token)
    return _lead_render(
        request,
        "surveys/responses_upload.jinja",
        {"programme": programme, "wave": wave, "form": form, "page_title": "Import responses"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def responses_map(request: HttpRequest, slug: str, wave_id: int, token: uuid.UUID) -> HttpResponse:
    """Steps 2 and 3: match columns to questions, check every cell, then confirm (one transaction)."""
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    path = _response_upload_path(wave, token)
    if wave.has_closed():
        default_storage.delete(path)
        request.session.pop(f"responses-{token}", None)
        messages.error(request, services.CLOSED_FOR_IMPORT)
        return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
    upload = request.session.get(f"responses-{token}")
    if upload is None or not default_storage.exists(path):
        messages.info(
            request, "That upload has expired or was already imported. Upload the file again."
        )
        return redirect("surveys:responses_upload", slug=slug, wave_id=wave.pk)
    with default_storage.open(path, "rb") as handle:
        data = handle.read()
    context: dict[str, Any] = {
        "programme": programme,
        "wave": wave,
        "filename": upload["filename"],
        "source": upload["source"],
        "page_title": "Import responses",
    }
    try:
        parsed = read_responses(data=data, filename=upload["filename"], source=upload["source"])
    except ImportFileError as exc:
        default_storage.delete(path)
        return _lead_render(
            request, "surveys/responses_map.jinja", context | {"file_error": str(exc)}, status=400
        )
    instrument = wave.instrument
    item_choices = [(item.id, f"{item.id}: {item.text}") for item in instrument.items]
    suggested = suggest_mapping(
        parsed, instrument, selectors.remembered_mapping(wave=wave, source=upload["source"])
    )
    action = request.POST.get("action")
    form = ResponseMappingForm(
        request.POST if action == "check" else None,
        columns=parsed.questions,
        texts=parsed.question_texts,
        item_choices=item_choices,
        initial_mapping=upload.get("mapping") or suggested,
    )
    context.update(parsed=parsed, form=form)
    if action == "check" and form.is_valid():
        upload["mapping"] = form.mapping()
        request.session[f"responses-{token}"] = upload
    if action in {"check", "confirm"} and "mapping" in upload:
        plan = plan_response_import(
            parsed=parsed,
            instrument=instrument,
            mapping=upload["mapping"],
            invited=selectors.invitation_statuses(wave=wave),
        )
        if action == "confirm" and plan.is_valid:
            try:
                result = services.responses_import_commit(
                    wave=wave, plan=plan, source=upload["source"]
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
            default_storage.delete(path)
            request.session.pop(f"responses-{token}", None)
            messages.success(
                request,
                f"Imported {result.responses} responses ({result.answers} answers) "
                f"from {upload['filename']}.",
            )
            return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
        context["plan"] = plan
        return _lead_render(
            request, "surveys/responses_map.jinja", context, status=200 if plan.is_valid else 400
        )
    return _lead_render(request, "surveys/responses_map.jinja", context)
