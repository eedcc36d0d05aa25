"""Importing responses collected in another survey tool into a wave: upload, match, check, confirm."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tandem.programmes.importer import ImportFileError
from tandem.surveys import selectors, services
from tandem.surveys.forms import ResponseMappingForm, ResponseUploadForm
from tandem.surveys.models import Wave
from tandem.surveys.response_import import (
    KEY_COLUMNS,
    SOURCE_NAMES,
    code_schemes,
    meaning_choices,
    plan_response_import,
    read_participant_list,
    read_responses,
    suggest_codes,
    suggest_mapping,
)
from tandem.surveys.response_import.codes import meaning_label
from tandem.surveys.views.pages import wave_page
from tandem.web import programme_page, service_form
from tandem.web.uploads import keep_file


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
        keep_file(_response_upload_path(wave, token), data["file"].read())
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


def _list_path(wave: Wave, token: uuid.UUID) -> str:
    return _response_upload_path(wave, token) + ".list"


@login_required
@require_http_methods(["GET", "POST"])
def responses_map(request: HttpRequest, slug: str, wave_id: int, token: uuid.UUID) -> HttpResponse:
    """Steps 2 and 3: match respondents, columns and answer codes, check every cell, then confirm
    (one transaction)."""
    programme, access = programme_page(request, slug, manage=True)
    wave = selectors.wave_for(viewer=request.user, programme=programme, wave_id=wave_id)
    path = _response_upload_path(wave, token)
    if wave.has_closed():
        _forget(request, wave, token)
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
    source = upload["source"]
    unmatched = bool(upload.get("unmatched", False))
    context: dict[str, Any] = {
        "filename": upload["filename"],
        "source": source,
        "tool": SOURCE_NAMES[source],
        "unmatched": unmatched,
        "page_title": "Import responses",
    }
    try:
        parsed = read_responses(
            data=data, filename=upload["filename"], source=source, unmatched=unmatched
        )
    except ImportFileError as exc:
        _forget(request, wave, token)
        return wave_page(
            request,
            "surveys/responses_map.jinja",
            wave,
            context | {"file_error": str(exc)},
            access=access,
            status=400,
        )
    instrument = wave.instrument
    remembered = selectors.remembered_import(wave=wave, source=source)
    suggested = suggest_mapping(parsed, instrument, dict(remembered.columns) if remembered else {})
    match_keys = [] if unmatched else [(key, _key_label(parsed, key)) for key in parsed.match_keys]
    remembered_key = remembered.match_by if remembered else ""
    default_key = remembered_key if remembered_key in parsed.match_keys else ""

    def schemes(mapping: dict[str, str]) -> list[tuple[Any, list[tuple[str, str]]]]:
        return [
            (scheme, meaning_choices(instrument.response_scales[scheme.scale_id]))
            for scheme in code_schemes(parsed, instrument, mapping)
        ]

    mapping_now = upload.get("mapping") or suggested
    action = request.POST.get("action")
    form = ResponseMappingForm(
        *((request.POST, request.FILES) if action == "check" else ()),
        columns=parsed.questions,
        texts=parsed.question_texts,
        item_choices=[(item.id, f"{item.id}: {item.text}") for item in instrument.items],
        initial_mapping=mapping_now,
        match_keys=match_keys,
        initial_match_by=upload.get("match_by") or default_key,
        incomplete_rows=0 if unmatched else len(parsed.incomplete),
        initial_incomplete=upload.get("incomplete", "leave_out"),
        schemes=schemes,
        initial_codes=lambda mapping: suggest_codes(
            parsed,
            instrument,
            mapping,
            upload.get("codes") or (dict(remembered.codes) if remembered else {}),
        ),
    )
    context.update(parsed=parsed, form=form)

    def page(status: int) -> HttpResponse:
        return wave_page(
            request, "surveys/responses_map.jinja", wave, context, access=access, status=status
        )

    if action == "check" and form.is_valid():
        upload["mapping"] = form.mapping()
        upload["codes"] = form.codes()
        upload["match_by"] = form.chosen("match_by")
        upload["incomplete"] = form.chosen("incomplete") or "leave_out"
        listed = form.cleaned_data.get("participant_list")
        if listed:
            default_storage.delete(_list_path(wave, token))
            keep_file(_list_path(wave, token), listed.read())
            upload["list_filename"] = listed.name
        request.session[f"responses-{token}"] = upload
    if action in {"check", "confirm"} and "mapping" in upload and not form.errors:
        participant_list = None
        match_by = upload.get("match_by") or None
        list_path = _list_path(wave, token)
        if (
            not unmatched
            and match_by
            and match_by != "email"
            and upload.get("list_filename")
            and default_storage.exists(list_path)
        ):
            with default_storage.open(list_path, "rb") as handle:
                listed_data = handle.read()
            try:
                participant_list = read_participant_list(
                    data=listed_data, filename=upload["list_filename"], key=match_by
                )
            except ImportFileError as exc:
                context["list_error"] = str(exc)
                return page(400)
        plan = plan_response_import(
            parsed=parsed,
            instrument=instrument,
            mapping=upload["mapping"],
            invited=selectors.invitation_statuses(wave=wave),
            already_imported=selectors.imported_response_ids(wave=wave, source=source),
            match_by=match_by,
            participant_list=participant_list,
            codes=upload.get("codes"),
            incomplete=upload.get("incomplete", "leave_out"),
        )
        if action == "confirm" and plan.is_valid:
            try:
                result = services.responses_import_commit(wave=wave, plan=plan, source=source)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
            _forget(request, wave, token)
            messages.success(
                request,
                f"Imported {result.responses} responses ({result.answers} answers) "
                f"from {upload['filename']}"
                + (" as unmatched responses" if result.unmatched else "")
                + (
                    f", and {result.in_progress} unfinished as in progress"
                    if result.in_progress
                    else ""
                )
                + ".",
            )
            return redirect("surveys:wave", slug=slug, wave_id=wave.pk)
        context["plan"] = plan
        context["preview"] = plan.preview()
        context["code_table"] = [
            (
                scheme,
                [
                    (
                        code,
                        meaning_label(
                            instrument.response_scales[scheme.scale_id],
                            plan.codes.get(scheme.key, {}).get(code, ""),
                        ),
                    )
                    for code in scheme.codes
                ],
            )
            for scheme in code_schemes(parsed, instrument, plan.mapping)
        ]
        return page(200 if plan.is_valid else 400)
    return page(400 if form.errors else 200)


def _forget(request: HttpRequest, wave: Wave, token: uuid.UUID) -> None:
    """The uploaded files and the session's note of them, once imported or refused."""
    default_storage.delete(_response_upload_path(wave, token))
    default_storage.delete(_list_path(wave, token))
    request.session.pop(f"responses-{token}", None)


def _key_label(parsed: Any, key: str) -> str:
    if key == "email":
        return f"E-mail address (column “{parsed.email_column}”)"
    label = KEY_COLUMNS[parsed.source][key][0]
    return f"{label[0].upper()}{label[1:]} (column “{parsed.key_columns[key]}”), through the participant list"
