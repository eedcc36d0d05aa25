"""Importing responses collected in another survey tool into a wave: upload, match, check, confirm."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tandem.programmes.importer import ImportFileError
from tandem.surveys import selectors, services
from tandem.surveys.forms import ResponseMappingForm, ResponseUploadForm
from tandem.surveys.models import Wave
from tandem.surveys.response_import import plan_response_import, read_responses, suggest_mapping
from tandem.surveys.views.pages import wave_page
from tandem.web import programme_page, service_form


def _response_upload_path(wave: Wave, token: uuid.UUID) -> str:
    return f"imports/responses/{wave.programme_id}/{wave.pk}/{token}"


@login_required
@require_http_methods(["GET", "POST"])
def responses_upload(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """Step 1 of importing another tool's responses: the file and which tool wrote it."""
    programme, access = programme_page(request, slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    if wave.has_closed():
        messages.error(request, services.CLOSED_FOR_IMPORT)
        return redirect("surveys:wave", slug=slug, wave_id=wave.pk)

    def keep(data: dict[str, Any]) -> uuid.UUID:
        """The file waits in storage (not in this process) for the next step, on any server."""
        token = uuid.uuid4()
        default_storage.save(_response_upload_path(wave, token), ContentFile(data["file"].read()))
        request.session[f"responses-{token}"] = {
            "filename": data["file"].name,
            "source": data["source"],
            "unmatched": bool(data.get("unmatched")),
        }
        return token

    return service_form(
        request,
        ResponseUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ())),
        save=keep,
        done=lambda token: redirect(
            "surveys:responses_map", slug=slug, wave_id=wave.pk, token=token
        ),
        again=lambda form: wave_page(
            request,
            "surveys/responses_upload.jinja",
            wave,
            {"form": form, "page_title": "Import responses"},
            access=access,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def responses_map(request: HttpRequest, slug: str, wave_id: int, token: uuid.UUID) -> HttpResponse:
    """Steps 2 and 3: match columns to questions, check every cell, then confirm (one transaction)."""
    programme, access = programme_page(request, slug, manage=True)
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
        "filename": upload["filename"],
        "source": upload["source"],
        "unmatched": upload.get("unmatched", False),
        "page_title": "Import responses",
    }
    try:
        parsed = read_responses(
            data=data,
            filename=upload["filename"],
            source=upload["source"],
            unmatched=upload.get("unmatched", False),
        )
    except ImportFileError as exc:
        default_storage.delete(path)
        return wave_page(
            request,
            "surveys/responses_map.jinja",
            wave,
            context | {"file_error": str(exc)},
            access=access,
            status=400,
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
            already_imported=selectors.imported_response_ids(wave=wave, source=upload["source"]),
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
                f"from {upload['filename']}"
                + (" as unmatched responses." if result.unmatched else "."),
            )
            return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
        context["plan"] = plan
        return wave_page(
            request,
            "surveys/responses_map.jinja",
            wave,
            context,
            access=access,
            status=200 if plan.is_valid else 400,
        )
    return wave_page(request, "surveys/responses_map.jinja", wave, context, access=access)
