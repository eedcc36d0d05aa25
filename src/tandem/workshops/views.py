"""Away-day pages. Each view finds the programme, then the object, through a selector for this
viewer (selectors.py holds the rules), then calls one service or renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.audit.services import audit_record
from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for
from tandem.workshops import exports, selectors, services, trends
from tandem.workshops.forms import (
    ActionFilterForm,
    ActionForm,
    ActionUpdateForm,
    AgendaItemForm,
    AttendanceForm,
    AwayDayEditForm,
    AwayDayForm,
    EvaluationForm,
    MaterialForm,
    MeetingForm,
    MissionForm,
    ObservationForm,
    PracticeForm,
    RoleAgreementForm,
)
from tandem.workshops.models import STANDARD_AREAS, Responsibility

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    context.setdefault("v", selectors.viewer_for(viewer=request.user, programme=programme))
    context.setdefault(
        "breadcrumbs",
        [
            {"text": "Programmes", "href": reverse("programmes:list")},
            {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])},
            {"text": "Away days", "href": reverse("workshops:home", args=[programme.slug])},
        ],
    )
    return render(request, template, context, status=status)


def _form_page(
    request: HttpRequest,
    programme: Programme,
    form: Form,
    *,
    title: str,
    submit: str,
    back: str,
    caption: str = "",
    intro: str = "",
    template: str = "workshops/form_page.jinja",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "programme": programme,
        "form": form,
        "page_title": title,
        "submit": submit,
        "back_href": back,
        "caption": caption,
        "intro": intro,
        **(extra or {}),
    }
    return _render(request, template, context, status=400 if form.is_bound else 200)


def _away_day_initial(request: HttpRequest) -> dict[str, int]:
    """Forms opened from an away day's page start with that day chosen."""
    value = request.GET.get("away_day", "")
    return {"away_day": int(value)} if value.isdigit() else {}


def _download(
    request: HttpRequest,
    programme: Programme,
    *,
    content: bytes,
    filename: str,
    content_type: str,
    what: str,
    rows: int,
) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="workshops.export",
        programme=programme,
        subject_type="workshops." + what,
        subject_id=programme.pk,
        extra={"what": what, "format": filename.rsplit(".", 1)[-1], "rows": rows},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------
# Landing page and away days
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    v = selectors.viewer_for(viewer=request.user, programme=programme)
    away_days = (
        selectors.away_days_for(viewer=request.user, programme=programme)
        if v.has(*selectors.AWAY_DAY_ROLES)
        else []
    )
    return _render(
        request,
        "workshops/home.jinja",
        {
            "programme": programme,
            "page_title": "Away days",
            "away_days": away_days,
            "my_actions": selectors.my_actions_for(viewer=request.user, programme=programme),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def away_day_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    form = AwayDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            away_day = services.away_day_create(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Away day planned; everyone in the programme is invited.")
            return redirect("workshops:away_day", slug=slug, away_day_id=away_day.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Plan an away day",
        submit="Plan the away day",
        back=reverse("workshops:home", args=[slug]),
    )


@login_required
@require_GET
def away_day(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    v = selectors.viewer_for(viewer=request.user, programme=programme)
    participant = v.participant if v.has(selectors.PARTICIPANT) else None
    return _render(
        request,
        "workshops/away_day.jinja",
        {
            "programme": programme,
            "away_day": day,
            "page_title": day.title,
            "attendance": day.invitations.select_related("participant__person")
            if v.is_lead
            else [],
            "actions": list(day.actions.select_related("owner__person")) if v.oversees else [],
            "outputs": selectors.away_day_outputs(away_day=day),
            "may_evaluate": participant is not None
            and selectors.may_evaluate(participant=participant, away_day=day),
            "feedback_window": selectors.feedback_window_text(away_day=day),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def away_day_edit(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_to_manage(
        viewer=request.user, programme=programme, away_day_id=away_day_id
    )
    fields = ("title", "date", "venue", "objectives", "outcomes", "evaluation_closes_on")
    initial = {f: getattr(day, f) for f in fields}
    form = AwayDayEditForm(request.POST or None, initial=initial, away_day=day)
    if request.method == "POST" and form.is_valid():
        try:
            services.away_day_update(away_day=day, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("workshops:away_day", slug=slug, away_day_id=day.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Change the away day",
        submit="Save",
        back=reverse("workshops:away_day", args=[slug, day.pk]),
        caption=day.title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_new(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_to_manage(
        viewer=request.user, programme=programme, away_day_id=away_day_id
    )
    form = AgendaItemForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(away_day=day, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Agenda item added.")
            return redirect("workshops:away_day", slug=slug, away_day_id=day.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Add an agenda item",
        submit="Add to the agenda",
        back=reverse("workshops:away_day", args=[slug, day.pk]),
        caption=day.title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_to_manage(
        viewer=request.user, programme=programme, away_day_id=away_day_id
    )
    invitations = selectors.attendance_for(viewer=request.user, programme=programme, away_day=day)
    initial = {"attended": [str(i.participant_id) for i in invitations if i.attended]}
    form = AttendanceForm(request.POST or None, invitations=invitations, initial=initial)
    if request.method == "POST" and form.is_valid():
        came = services.attendance_record(
            away_day=day, attended=[int(pid) for pid in form.cleaned_data["attended"]]
        )
        messages.success(request, f"Attendance recorded: {came} of {len(invitations)} came.")
        return redirect("workshops:away_day", slug=slug, away_day_id=day.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Record attendance",
        submit="Save attendance",
        back=reverse("workshops:away_day", args=[slug, day.pk]),
        caption=day.title,
        intro="Tick everyone who came. Everyone else invited is recorded as absent.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_to_manage(
        viewer=request.user, programme=programme, away_day_id=away_day_id
    )
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_upload(
                away_day=day,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "File added.")
            return redirect("workshops:away_day", slug=slug, away_day_id=day.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Add a file",
        submit="Upload",
        back=reverse("workshops:away_day", args=[slug, day.pk]),
        caption=day.title,
        extra={"multipart": True},
    )


@login_required
@require_GET
def material_download(
    request: HttpRequest, slug: str, away_day_id: int, material_id: int
) -> FileResponse:
    programme = programme_for(viewer=request.user, slug=slug)
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
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    with transaction.atomic():
        return _download(
            request,
            programme,
            content=exports.agenda_pdf(away_day=day),
            filename=f"agenda-{day.date:%Y-%m-%d}.pdf",
            content_type="application/pdf",
            what="agenda",
            rows=len(day.agenda_items.all()),
        )


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    participant = selectors.evaluation_form_for(
        viewer=request.user, programme=programme, away_day=day
    )
    closed = day.evaluation_window_message()
    if closed:
        return _render(
            request,
            "workshops/evaluation_closed.jinja",
            {
                "programme": programme,
                "away_day": day,
                "message": closed,
                "page_title": "How was the away day?",
            },
            status=200 if request.method == "GET" else 400,
        )
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(away_day=day, participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Thank you: your feedback is counted only with others'.")
            return redirect("workshops:away_day", slug=slug, away_day_id=day.pk)
    return _form_page(
        request,
        programme,
        form,
        title="How was the away day?",
        submit="Send feedback",
        back=reverse("workshops:away_day", args=[slug, day.pk]),
        caption=day.title,
        intro=(
            "Your answers are reported only together with others': no figure is shown for fewer "
            f"than {programme.min_group_size} people, and written answers only when at least "
            f"{programme.min_text_group_size} people have answered."
        ),
    )


@login_required
@require_GET
def evaluation_results(request: HttpRequest, slug: str, away_day_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    day = selectors.away_day_for(viewer=request.user, programme=programme, away_day_id=away_day_id)
    summary = selectors.evaluation_summary_for(
        viewer=request.user, programme=programme, away_day=day
    )
    return _render(
        request,
        "workshops/evaluation_results.jinja",
        {"programme": programme, "summary": summary, "page_title": f"Feedback on {day.title}"},
    )


# ---------------------------------------------------------------------------------------------
# Charter and mission
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def charter(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    entries = selectors.charter_for(viewer=request.user, programme=programme)
    missions = selectors.missions_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "workshops/charter.jinja",
        {
            "programme": programme,
            "entries": entries,
            "mission": missions[-1] if missions else None,
            "page_title": "Our charter",
        },
    )


@login_required
@require_GET
def practice(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    entry = selectors.practice_for(
        viewer=request.user, programme=programme, practice_id=practice_id
    )
    return _render(
        request,
        "workshops/practice.jinja",
        {"programme": programme, "entry": entry, "page_title": entry.current.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    form = PracticeForm(
        request.POST or None, programme=programme, initial=_away_day_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_agree(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Practice added to the charter.")
            return redirect("workshops:charter", slug=slug)
    return _form_page(
        request,
        programme,
        form,
        title="Agree a practice",
        submit="Add to the charter",
        back=reverse("workshops:charter", args=[slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_revise(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    entry = selectors.practice_for(
        viewer=request.user, programme=programme, practice_id=practice_id
    )
    current = entry.current
    initial = {
        "title": current.title,
        "description": current.description,
        "why_it_matters": current.why_it_matters,
        "how_we_know": current.how_we_know,
        "owner": current.owner_id,
    }
    form = PracticeForm(request.POST or None, programme=programme, revising=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_revise(practice=entry.practice, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, "Practice revised; the earlier wording is kept in its history."
            )
            return redirect("workshops:practice", slug=slug, practice_id=practice_id)
    return _form_page(
        request,
        programme,
        form,
        title="Revise a practice",
        submit="Save the new version",
        back=reverse("workshops:practice", args=[slug, practice_id]),
        caption=current.title,
    )


@login_required
@require_GET
def mission(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    missions = selectors.missions_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "workshops/mission.jinja",
        {"programme": programme, "missions": list(reversed(missions)), "page_title": "Our mission"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mission_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    form = MissionForm(
        request.POST or None, programme=programme, initial=_away_day_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mission_agree(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("workshops:mission", slug=slug)
    return _form_page(
        request,
        programme,
        form,
        title="Record the agreed mission",
        submit="Save the mission",
        back=reverse("workshops:mission", args=[slug]),
    )


@login_required
@require_GET
def charter_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    entries = selectors.charter_for(viewer=request.user, programme=programme)
    missions = selectors.missions_for(viewer=request.user, programme=programme)
    if fmt == "pdf":
        content = exports.charter_pdf(
            programme=programme, entries=entries, mission=missions[-1] if missions else None
        )
        content_type = "application/pdf"
    else:
        content, content_type = exports.charter_xlsx(entries), XLSX
    with transaction.atomic():
        return _download(
            request,
            programme,
            content=content,
            filename=f"charter.{fmt}",
            content_type=content_type,
            what="charter",
            rows=len(entries),
        )


# ---------------------------------------------------------------------------------------------
# Role agreements
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def role_agreements(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    pairs = selectors.pairs_with_agreements_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "workshops/role_agreements.jinja",
        {"programme": programme, "pairs": pairs, "page_title": "Role agreements"},
    )


@login_required
@require_GET
def role_agreement(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    view = selectors.role_agreement_for(viewer=request.user, programme=programme, pair_id=pair_id)
    return _render(
        request,
        "workshops/role_agreement.jinja",
        {
            "programme": programme,
            "view": view,
            "page_title": f"Role agreement: {view.pair.service}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_agreement_new(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    view = selectors.role_agreement_for(viewer=request.user, programme=programme, pair_id=pair_id)
    if not view.may_edit:
        raise selectors.WorkshopsAccessDenied("Only the pair and the lead write the agreement.")
    current = view.current
    areas = (
        [
            {"area": a.area, "leads": a.leads, "supports": a.supports, "consulted": a.consulted}
            for a in current.areas.all()
        ]
        if current
        else [{"area": name} for name in STANDARD_AREAS]
    )
    form = RoleAgreementForm(request.POST or None, programme=programme, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rows = [
            services.AreaInput(
                area=data[a].strip(), leads=data[lead], supports=data[sup], consulted=data[con]
            )
            for a, lead, sup, con in form.rows
            if (data.get(a) or "").strip()
        ]
        try:
            services.role_agreement_record(pair=view.pair, away_day=data["away_day"], areas=rows)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "New version saved: each partner now confirms it.")
            return redirect("workshops:role_agreement", slug=slug, pair_id=pair_id)
    return _form_page(
        request,
        programme,
        form,
        title="Agree who does what",
        submit="Save this version",
        back=reverse("workshops:role_agreement", args=[slug, pair_id]),
        caption=str(view.pair.service),
        template="workshops/role_agreement_form.jinja",
        extra={"choices": Responsibility.choices},
    )


@login_required
@require_POST
def role_agreement_confirm(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    view = selectors.role_agreement_for(viewer=request.user, programme=programme, pair_id=pair_id)
    v = selectors.viewer_for(viewer=request.user, programme=programme)
    if not view.viewer_side or view.current is None or v.participant is None:
        raise selectors.WorkshopsAccessDenied("Only the two partners confirm their agreement.")
    services.role_agreement_confirm(agreement=view.current, participant=v.participant)
    messages.success(request, "You have confirmed the agreement.")
    return redirect("workshops:role_agreement", slug=slug, pair_id=pair_id)


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


def _filters(form: ActionFilterForm) -> selectors.ActionFilters:
    if not form.is_valid():
        return selectors.ActionFilters()
    data = form.cleaned_data
    return selectors.ActionFilters(
        owner=data["owner"].pk if data.get("owner") else None,
        pair=data["pair"].pk if data.get("pair") else None,
        locality=data["locality"].pk if data.get("locality") else None,
        away_day=data["away_day"].pk if data.get("away_day") else None,
        status=data.get("status") or None,
    )


@login_required
@require_GET
def actions(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    form = ActionFilterForm(request.GET or None, programme=programme)
    found = selectors.actions_for(viewer=request.user, programme=programme, filters=_filters(form))
    today = timezone.localdate()
    query = request.GET.urlencode()
    return _render(
        request,
        "workshops/actions.jinja",
        {
            "programme": programme,
            "form": form,
            "actions": found,
            "today": today,
            "counts": selectors.action_status_counts(found, today),
            "query": f"?{query}" if query else "",
            "page_title": "Actions",
        },
    )


@login_required
@require_GET
def my_actions(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    return _render(
        request,
        "workshops/my_actions.jinja",
        {
            "programme": programme,
            "actions": selectors.my_actions_for(viewer=request.user, programme=programme),
            "today": timezone.localdate(),
            "page_title": "My actions",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    form = ActionForm(request.POST or None, programme=programme, initial=_away_day_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Action assigned.")
            return redirect("workshops:actions", slug=slug)
    return _form_page(
        request,
        programme,
        form,
        title="Assign an action",
        submit="Assign the action",
        back=reverse("workshops:actions", args=[slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    view = selectors.action_for(viewer=request.user, programme=programme, action_id=action_id)
    form = ActionUpdateForm(
        request.POST or None,
        initial={"status": view.action.status, "due_on": view.action.due_on},
        may_move=selectors.viewer_for(viewer=request.user, programme=programme).is_lead,
    )
    if request.method == "POST":
        if not view.may_update:
            raise selectors.WorkshopsAccessDenied("Only the owner and the lead update an action.")
        if form.is_valid():
            try:
                services.action_update(action=view.action, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Update saved.")
                return redirect("workshops:action", slug=slug, action_id=action_id)
    return _render(
        request,
        "workshops/action.jinja",
        {
            "programme": programme,
            "view": view,
            "form": form,
            "today": timezone.localdate(),
            "page_title": view.action.title,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def remind_overdue(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    sent = services.overdue_reminders_send(
        programme=programme, base_url=request.build_absolute_uri("/")
    )
    text = f"Reminders sent to {sent.owners} owner(s) about {sent.actions} overdue action(s)."
    if sent.failed:
        text += f" Could not send to: {', '.join(sent.failed)}."
    messages.info(request, text)
    return redirect("workshops:actions", slug=slug)


@login_required
@require_GET
def actions_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    form = ActionFilterForm(request.GET or None, programme=programme)
    found = selectors.actions_for(viewer=request.user, programme=programme, filters=_filters(form))
    today = timezone.localdate()
    if fmt == "pdf":
        content = exports.actions_pdf(programme=programme, actions=found, today=today)
        content_type = "application/pdf"
    else:
        content, content_type = exports.actions_xlsx(found, today), XLSX
    with transaction.atomic():
        return _download(
            request,
            programme,
            content=content,
            filename=f"actions.{fmt}",
            content_type=content_type,
            what="actions",
            rows=len(found),
        )


# ---------------------------------------------------------------------------------------------
# Pair observations
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def observations(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    with transaction.atomic():
        found = selectors.observations_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "workshops/observations.jinja",
        {"programme": programme, "observations": found, "page_title": "Pair observations"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    own = selectors.observer_pair_for(viewer=request.user, programme=programme)
    form = ObservationForm(request.POST or None, programme=programme, own_pair=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_record(observing_pair=own, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Observation saved: only your pair and theirs can read it.")
            return redirect("workshops:observations", slug=slug)
    return _form_page(
        request,
        programme,
        form,
        title="Record an observation",
        submit="Save the observation",
        back=reverse("workshops:observations", args=[slug]),
        caption=str(own.service),
        intro="Only the members of your pair and of the pair you observed can read this.",
    )


# ---------------------------------------------------------------------------------------------
# Meeting effectiveness
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    found = selectors.meetings_for(viewer=request.user, programme=programme)
    # With one meeting, its trend is the page; "?all=1" shows the list (to add another).
    if len(found) == 1 and not request.GET.get("all"):
        return redirect("workshops:meeting", slug=slug, meeting_id=found[0].pk)
    return _render(
        request,
        "workshops/meetings.jinja",
        {"programme": programme, "meetings": found, "page_title": "Meeting effectiveness"},
    )


@login_required
@require_GET
def meeting(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    found = selectors.meeting_for(viewer=request.user, programme=programme, meeting_id=meeting_id)
    trend = trends.meeting_trend(found)
    return _render(
        request,
        "workshops/meeting.jinja",
        {
            "programme": programme,
            "trend": trend,
            "chart": trends.trend_chart_svg(trend),
            "page_title": f"Meeting effectiveness: {found.name}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    form = MeetingForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.recurring_meeting_create(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("workshops:meeting", slug=slug, meeting_id=found.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Track a recurring meeting",
        submit="Save",
        back=reverse("workshops:meetings", args=[slug]) + "?all=1",
        intro="Attach the meeting checks people filled in after this meeting, to follow its "
        "effectiveness month by month.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    found = selectors.meeting_for(viewer=request.user, programme=programme, meeting_id=meeting_id)
    initial = {"name": found.name, "description": found.description, "waves": found.waves.all()}
    form = MeetingForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recurring_meeting_update(meeting=found, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("workshops:meeting", slug=slug, meeting_id=found.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Change the meeting",
        submit="Save",
        back=reverse("workshops:meeting", args=[slug, found.pk]),
        caption=found.name,
    )
