from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.programmes import people, selectors, services
from tandem.programmes.access import Access
from tandem.programmes.forms import (
    ImportConfirmForm,
    LeaveForm,
    MilestoneForm,
    PairForm,
    ParticipantImportForm,
    PersonInviteForm,
    RoleForm,
)
from tandem.programmes.importer import ImportFileError, plan_participant_import, template_csv
from tandem.programmes.models import Milestone, Pair, Participant, Programme, Role
from tandem.programmes.organisations import organisations_for
from tandem.programmes.plan import plan_for
from tandem.registry import PLAN, NextStep, next_steps
from tandem.web import programme_page, render_page, service_form
from tandem.web.pages import breadcrumbs
from tandem.web.uploads import EXPIRED, stash_upload, stashed_upload


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.programmes_for(viewer=request.user))
    administers = organisations_for(viewer=request.user).count()
    return render_page(
        request,
        "programmes/list.jinja",
        {
            "programmes": programmes,
            "page_title": "Programmes",
            # The top of the site: nothing above it to lead back to.
            "breadcrumbs": [],
            # A superuser on an empty install is shown where to begin.
            "first_run": request.user.is_superuser and not administers,
            "administers": administers,
        },
    )


@login_required
def programme_overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    overview = selectors.programme_overview(viewer=request.user, programme=programme)
    steps = next_steps(access)
    groups: dict[str, list[NextStep]] = {}
    for step in steps:
        if step.group != PLAN:  # the lead's plan is drawn on its own, with buttons
            groups.setdefault(step.group, []).append(step)
    return render_page(
        request,
        "programmes/overview.jinja",
        {
            "programme": programme,
            "overview": overview,
            "step_groups": groups,
            "plan": plan_for(access, steps=steps),
            "page_title": programme.name,
            # The programme's own page: its trail ends at the list of programmes.
            "breadcrumbs": breadcrumbs(None),
        },
        access=access,
    )


@login_required
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    role = request.GET.get("role") or None
    if role not in Role.values:
        role = None
    query = (request.GET.get("q") or "").strip()[:100]
    participants = list(
        selectors.participants_for(viewer=request.user, programme=programme, role=role, query=query)
    )
    return render_page(
        request,
        "programmes/people.jinja",
        {
            "programme": programme,
            "participants": participants,
            "role": role,
            "query": query,
            "roles": Role.choices,
            "page_title": f"People – {programme.name}",
        },
        access=access,
    )


def _people(slug: str) -> tuple[str, str]:
    return ("People", reverse("programmes:people", args=[slug]))


@login_required
def person_detail(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    participant = selectors.participant_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    pairs = [(pair, pair.manager) for pair in participant.pairs_as_doctor.all()] + [
        (pair, pair.doctor) for pair in participant.pairs_as_manager.all()
    ]
    return render_page(
        request,
        "programmes/person.jinja",
        {
            "programme": programme,
            "participant": participant,
            "pairs": pairs,
            "page_title": participant.person.name,
            "role_form": RoleForm(initial={"role": participant.role}),
            "leave_form": LeaveForm(),
            "awaiting_password": (
                participant.person.user is None or not participant.person.user.has_usable_password()
            ),
        },
        access=access,
        crumbs=[_people(slug)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Add one person by hand and invite them (the participant import does many at once)."""
    programme, access = programme_page(request, slug, manage=True)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "programmes/person_form.jinja",
            {"programme": programme, "form": form, "page_title": "Add a person and invite them"},
            access=access,
            crumbs=[_people(slug)],
        )

    return service_form(
        request,
        PersonInviteForm(request.POST or None, programme=programme),
        save=lambda data: people.person_invite(programme=programme, actor=request.user, **data),
        done=lambda participant: redirect(
            "programmes:person", slug=slug, participant_id=participant.pk
        ),
        again=page,
        message=lambda participant: (
            f"Added {participant.person.name} as a comparison respondent. They have no account: "
            "invite them to a stock take on its page, and they answer by their own link."
            if participant.role == Role.COMPARISON
            else f"Added {participant.person.name} as {participant.get_role_display().lower()} "
            f"and sent an invitation to {participant.person.email}."
        ),
    )


def _person_action(
    request: HttpRequest, slug: str, participant_id: int
) -> tuple[Programme, Access, Participant]:
    programme, access = programme_page(request, slug, manage=True)
    participant = selectors.participant_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    return programme, access, participant


@login_required
@require_POST
def person_role(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _programme, _access, participant = _person_action(request, slug, participant_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            people.role_change(
                participant=participant, role=form.cleaned_data["role"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{participant.person.name} is now {participant.get_role_display().lower()}.",
            )
    else:
        messages.error(request, "Choose a role.")
    return redirect("programmes:person", slug=slug, participant_id=participant.pk)


@login_required
@require_POST
def person_leave(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _programme, _access, participant = _person_action(request, slug, participant_id)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            people.participant_leave(
                participant=participant, left_on=form.cleaned_data["left_on"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Recorded that {participant.person.name} left on "
                f"{participant.left_on:%-d %B %Y}. What they gave stays.",
            )
    else:
        messages.error(request, "Enter the date they left, for example 3 March 2027.")
    return redirect("programmes:person", slug=slug, participant_id=participant.pk)


@login_required
@require_POST
def person_invite_again(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _programme, _access, participant = _person_action(request, slug, participant_id)
    try:
        people.invitation_resend(participant=participant, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Sent the invitation to {participant.person.email} again.")
    return redirect("programmes:person", slug=slug, participant_id=participant.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: upload. The file is kept in storage (not in this process) until it is confirmed."""
    programme, access = programme_page(request, slug, manage=True)
    form = ParticipantImportForm(
        *((request.POST, request.FILES) if request.method == "POST" else ())
    )
    if request.method == "POST" and form.is_valid():
        stash = stash_upload(
            request, programme=programme, kind="participants", upload=form.cleaned_data["file"]
        )
        return redirect("programmes:import_preview", slug=slug, token=stash.token)
    return render_page(
        request,
        "programmes/import.jinja",
        {"programme": programme, "form": form, "page_title": "Import participants"},
        access=access,
        crumbs=[_people(slug)],
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_import_preview(request: HttpRequest, slug: str, token: uuid.UUID) -> HttpResponse:
    """Step 2: every problem by row, or what will change; confirming writes it in one transaction."""
    programme, access = programme_page(request, slug, manage=True)
    stash = stashed_upload(programme=programme, kind="participants", token=token)
    filename = stash.info(request)
    if filename is None:
        messages.info(request, EXPIRED)
        return redirect("programmes:import", slug=slug)
    data = stash.read()
    crumbs = [("Import participants", reverse("programmes:import", args=[slug]))]
    try:
        plan = plan_participant_import(programme=programme, data=data, filename=filename)
    except ImportFileError as exc:
        stash.discard_file()
        return render_page(
            request,
            "programmes/import_preview.jinja",
            {
                "programme": programme,
                "file_error": str(exc),
                "filename": filename,
                "page_title": "Import participants – problems",
            },
            access=access,
            crumbs=crumbs,
            status=400,
        )
    if request.method == "POST" and ImportConfirmForm(request.POST).is_valid() and plan.is_valid:
        result = services.participants_import_commit(programme=programme, plan=plan)
        stash.drop(request)
        messages.success(
            request,
            f"Imported {filename}: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged; {result.pairs_created} pairs created.",
        )
        return redirect("programmes:people", slug=slug)
    return render_page(
        request,
        "programmes/import_preview.jinja",
        {
            "programme": programme,
            "plan": plan,
            "filename": filename,
            "token": token,
            "errors_by_row": plan.errors_by_row(),
            "page_title": "Import participants – check"
            if plan.is_valid
            else "Import participants – problems",
        },
        access=access,
        crumbs=crumbs,
        status=200 if plan.is_valid else 400,
    )


@login_required
def participant_import_template(request: HttpRequest, slug: str) -> HttpResponse:
    # A blank template, not data leaving the building: not audited, so not `audited_download`.
    programme_page(request, slug, manage=True)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-participants-template.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(
    request: HttpRequest, slug: str, milestone_id: int | None = None
) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    milestone = None
    initial: dict[str, Any] = {}
    if milestone_id is not None:
        milestone = selectors.milestone_for(programme=programme, milestone_id=milestone_id)
        initial = {
            f: getattr(milestone, f)
            for f in ("kind", "title", "start_date", "end_date", "description")
        }

    def save(data: dict[str, Any]) -> Milestone:
        if milestone is None:
            return services.milestone_create(programme=programme, **data)
        return services.milestone_update(milestone=milestone, **data)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "programmes/milestone_form.jinja",
            {
                "programme": programme,
                "form": form,
                "milestone": milestone,
                "page_title": "Edit milestone" if milestone else "Add a milestone",
            },
            access=access,
        )

    form = MilestoneForm(request.POST or None, initial=initial)
    return service_form(
        request,
        form,
        save=save,
        done=lambda _saved: redirect("programmes:overview", slug=slug),
        again=page,
        message=lambda _saved: f"Saved the milestone “{form.cleaned_data['title']}”.",
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    programme, _access = programme_page(request, slug, manage=True)
    milestone = selectors.milestone_for(programme=programme, milestone_id=milestone_id)
    services.milestone_delete(milestone=milestone)
    messages.success(request, f"Removed the milestone “{milestone.title}”.")
    return redirect("programmes:overview", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def pair_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "programmes/pair_form.jinja",
            {"programme": programme, "form": form, "page_title": "Pair a doctor and a manager"},
            access=access,
        )

    def paired(pair: Pair) -> str:
        return (
            f"Paired {pair.doctor.person.name} and {pair.manager.person.name} "
            f"for {pair.service.name}."
        )

    return service_form(
        request,
        PairForm(request.POST or None, programme=programme),
        save=lambda data: services.pair_create(programme=programme, **data),
        done=lambda _pair: redirect("programmes:overview", slug=slug),
        again=page,
        message=paired,
    )


@login_required
@require_POST
def pair_delete(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    programme, _access = programme_page(request, slug, manage=True)
    pair = selectors.pair_for(programme=programme, pair_id=pair_id)
    services.pair_delete(pair=pair)
    messages.success(request, f"Removed the pair for {pair.service.name}.")
    return redirect("programmes:overview", slug=slug)
