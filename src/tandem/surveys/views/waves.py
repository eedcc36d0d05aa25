"""The programme lead's pages: waves, invitations, completion status, interview notes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from tandem.programmes.access import Access
from tandem.surveys import selectors, services
from tandem.surveys.forms import InterviewNoteForm, WaveForm
from tandem.surveys.models import Wave, WaveKind
from tandem.surveys.views.pages import page, wave_page
from tandem.web import programme_page, service_form


@login_required
def wave_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    waves = list(selectors.waves_for(viewer=request.user, programme=programme))
    completions = {
        wave.pk: selectors.wave_completion(viewer=request.user, wave=wave) for wave in waves
    }
    return page(
        request,
        "surveys/wave_list.jinja",
        {"waves": waves, "completions": completions, "page_title": "Questionnaires"},
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)

    def save(data: dict[str, Any]) -> Wave:
        data = dict(data)
        instrument_id, version = data.pop("instrument").split(":")
        return services.wave_create(
            programme=programme,
            instrument_id=instrument_id,
            instrument_version=int(version),
            actor=request.user,
            **data,
        )

    return service_form(
        request,
        WaveForm(request.POST if request.method == "POST" else None),
        save=save,
        done=lambda wave: redirect("surveys:wave", slug=slug, wave_id=wave.pk),
        again=lambda form: page(
            request,
            "surveys/wave_form.jinja",
            {
                "form": form,
                "page_title": "New questionnaire wave",
                "power": stock_take_power(programme),
            },
            access=access,
        ),
        message=lambda wave: (
            f"Created “{wave.title}” with {wave.invitations.count()} invitations. "
            "Send the invitations when you are ready."
        ),
    )


def stock_take_power(programme: Any) -> str:
    """What a before/after stock take of the programme's participants could detect, said before
    the baseline opens, while inviting more people (or a comparison group) still helps."""
    from tandem.analysis.impact import did_power_sentence, expected_matched, power_sentence
    from tandem.programmes.models import Participant, Role

    people = Participant.objects.filter(programme=programme).active()
    invited = people.filter(role=Role.PARTICIPANT).count()
    matched = expected_matched(invited, 0.8, 0.8)
    sentence = power_sentence(matched, invited=invited)
    comparison = people.filter(role=Role.COMPARISON).count()
    if comparison:
        sentence += " " + did_power_sentence(
            matched, expected_matched(comparison, 0.8, 0.8), invited=comparison
        )
    return sentence


def _wave_detail_page(
    request: HttpRequest, access: Access, wave: Wave, note_form: Form
) -> HttpResponse:
    return wave_page(
        request,
        "surveys/wave_detail.jinja",
        wave,
        {
            "completion": selectors.wave_completion(viewer=request.user, wave=wave),
            "comparison": selectors.comparison_status(wave=wave),
            # Before a stock take opens, what it could show: while more people can still be asked.
            "power": stock_take_power(wave.programme)
            if wave.kind != WaveKind.PULSE and not wave.is_open() and not wave.has_closed()
            else None,
            "notes": list(selectors.interview_notes_for(viewer=request.user, wave=wave)),
            "note_form": note_form,
            "page_title": wave.title,
        },
        access=access,
    )


@login_required
def wave_detail(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    return _wave_detail_page(request, access, wave, InterviewNoteForm())


@login_required
@require_POST
def wave_send(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    base_url = request.build_absolute_uri("/")
    try:
        if request.POST.get("what") == "open":
            services.wave_open(wave=wave, actor=request.user)
            result = services.invitations_send(wave=wave, base_url=base_url)
            verb = f"Opened “{wave.title}” and sent invitations to"
        elif request.POST.get("what") == "comparison":
            added = services.comparison_invite(wave=wave, actor=request.user)
            messages.success(
                request,
                f"Invited {added} comparison respondent{'s' if added != 1 else ''}. "
                + (
                    "Send the invitations not yet sent when you are ready."
                    if wave.is_open()
                    else "They are e-mailed when the wave opens."
                ),
            )
            return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
        elif request.POST.get("what") == "remind":
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
    # Queued (tandem.operations.mail): the worker sends them; any it cannot are listed there.
    text += " The e-mails leave within a minute; any not sent are listed under E-mail and schedule."
    messages.success(request, text)
    return redirect("surveys:wave", slug=slug, wave_id=wave.pk)


@login_required
@require_POST
def wave_close(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
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
    """The notes form is on the wave's page, which is shown again (400) when it has errors."""
    programme, access = programme_page(request, slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    form = InterviewNoteForm(request.POST, request.FILES)
    return service_form(
        request,
        form,
        save=lambda data: services.interview_note_add(wave=wave, actor=request.user, **data),
        done=lambda _: redirect("surveys:wave", slug=slug, wave_id=wave.pk),
        again=lambda bound: _wave_detail_page(request, access, wave, bound),
        message=lambda _: f"Added the interview notes “{form.cleaned_data['title']}”.",
    )
