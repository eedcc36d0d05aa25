"""The away days: the landing page, planning a day, its agenda, attendance and files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tandem.programmes.access import Access
from tandem.programmes.models import Programme
from tandem.web import programme_page
from tandem.workshops import exports, selectors, services
from tandem.workshops.forms import (
    AgendaItemForm,
    AttendanceForm,
    AwayDayEditForm,
    AwayDayForm,
    MaterialForm,
)
from tandem.workshops.models import AwayDay
from tandem.workshops.views.pages import FormPage, export, form_page, on_the_day, page


def _day_to_manage(
    request: HttpRequest, slug: str, away_day_id: int
) -> tuple[Programme, Access, AwayDay]:
    programme, access = programme_page(request, slug)
    day = selectors.away_day_to_manage(
        viewer=request.user, programme=programme, away_day_id=away_day_id
    )
    return programme, access, day


@login_required
@require_GET
def home(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    away_days = (
        selectors.away_days_for(viewer=request.user, programme=programme)
        if access.has(*selectors.AWAY_DAY_ROLES)
        else []
    )
    return page(
        request,
        "workshops/home.jinja",
        {
            "page_title": "Away days",
            "away_days": away_days,
            "my_actions": selectors.my_actions_for(viewer=request.user, programme=programme),
            "today": timezone.localdate(),
        },
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def away_day_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    return form_page(
        request,
        access,
        AwayDayForm(request.POST or None),
        FormPage("Plan an away day", "Plan the away day", reverse("workshops:home", args=[slug])),
        save=lambda data: services.away_day_create(programme=programme, **data),
        message="Away day planned; everyone in the programme is invited.",
        then=lambda day: reverse("workshops:away_day", args=[slug, day.pk]),
    )


@login_required
@require_GET
def away_day(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    participant = access.participant if access.is_participant else None
    return page(
        request,
        "workshops/away_day.jinja",
        {
            "away_day": day,
            "page_title": day.title,
            "attendance": day.invitations.select_related("participant__person")
            if access.is_lead
            else [],
            "actions": list(day.actions.select_related("owner__person")) if access.oversees else [],
            "outputs": selectors.away_day_outputs(away_day=day),
            "may_evaluate": participant is not None
            and selectors.may_evaluate(participant=participant, away_day=day),
            "feedback_window": selectors.feedback_window_text(away_day=day),
        },
        access=access,
    )


@login_required
@require_http_methods(["GET", "POST"])
def away_day_edit(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    _, access, day = _day_to_manage(request, slug, away_day_id)
    fields = ("title", "date", "venue", "objectives", "outcomes", "evaluation_closes_on")
    initial = {f: getattr(day, f) for f in fields}
    return form_page(
        request,
        access,
        AwayDayEditForm(request.POST or None, initial=initial, away_day=day),
        on_the_day(day, slug, "Change the away day", "Save"),
        save=lambda data: services.away_day_update(away_day=day, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_new(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme, access, day = _day_to_manage(request, slug, away_day_id)
    return form_page(
        request,
        access,
        AgendaItemForm(request.POST or None, programme=programme),
        on_the_day(day, slug, "Add an agenda item", "Add to the agenda"),
        save=lambda data: services.agenda_item_add(away_day=day, **data),
        message="Agenda item added.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme, access, day = _day_to_manage(request, slug, away_day_id)
    invitations = selectors.attendance_for(viewer=request.user, programme=programme, away_day=day)
    initial = {"attended": [str(i.participant_id) for i in invitations if i.attended]}
    return form_page(
        request,
        access,
        AttendanceForm(request.POST or None, invitations=invitations, initial=initial),
        on_the_day(
            day,
            slug,
            "Record attendance",
            "Save attendance",
            intro="Tick everyone who came. Everyone else invited is recorded as absent.",
        ),
        save=lambda data: services.attendance_record(
            away_day=day, attended=[int(pid) for pid in data["attended"]]
        ),
        message=lambda came: f"Attendance recorded: {came} of {len(invitations)} came.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    _, access, day = _day_to_manage(request, slug, away_day_id)
    return form_page(
        request,
        access,
        MaterialForm(request.POST or None, request.FILES or None),
        on_the_day(day, slug, "Add a file", "Upload", extra={"multipart": True}),
        save=lambda data: services.material_upload(
            away_day=day, title=data["title"], upload=data["file"], actor=request.user
        ),
        message="File added.",
    )


@login_required
@require_GET
def material_download(
    request: HttpRequest, slug: str, away_day_id: int, material_id: int
) -> FileResponse:
    # Streamed from storage rather than read into memory for `audited_download`; the selector
    # writes the audit row, in this transaction.
    programme, _ = programme_page(request, slug)
    with transaction.atomic():
        material = selectors.material_for(
            viewer=request.user,
            programme=programme,
            away_day_id=away_day_id,
            material_id=material_id,
        )
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=f"{material.title[:80]}.{material.kind}",
    )


@login_required
@require_GET
def agenda_pdf(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    return export(
        request,
        access,
        what="agenda",
        fmt="pdf",
        rows=len(day.agenda_items.all()),
        build={"pdf": lambda: exports.agenda_pdf(away_day=day)},
        filename=f"agenda-{day.date:%Y-%m-%d}.pdf",
    )
