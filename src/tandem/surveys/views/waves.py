"""The programme lead's pages: waves, invitations, completion status, interview notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from tandem.programmes import selectors as programme_selectors
from tandem.surveys import selectors, services
from tandem.surveys.forms import InterviewNoteForm, WaveForm
from tandem.surveys.views.pages import lead_render


@login_required
def wave_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_selectors.programme_for(viewer=request.user, slug=slug, manage=True)
    waves = list(selectors.waves_for(viewer=request.user, programme=programme))
    completions = {
        wave.pk: selectors.wave_completion(viewer=request.user, wave=wave) for wave in waves
    }
    return lead_render(
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
    return lead_render(
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
    return lead_render(
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
    return lead_render(
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
