"""Type profiling pages: take the indicator, see the profile, confirm best fit, share; team views.

Every view starts from `programme_for` (404 for people outside the programme) and a selector that
refuses, with 403, anyone the privacy rule leaves out. No page needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.analysis.typology import PAIRS
from tandem.programmes.models import Programme
from tandem.programmes.selectors import can_manage, programme_for
from tandem.typology import guidance, selectors, services
from tandem.typology.forms import BestFitForm, ExternalTypeForm, IndicatorForm
from tandem.typology.indicator import get_indicator
from tandem.typology.models import TypeProfile


def _form_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    crumbs: tuple[tuple[str, str], ...] = (),
    status: int = 200,
) -> HttpResponse:
    programme: Programme = context["programme"]
    context.setdefault("header_organisation", programme.organisation.name)
    context.setdefault("can_manage", can_manage(viewer=request.user, programme=programme))
    items = [
        {"text": "Programmes", "href": reverse("programmes:list")},
        {"text": programme.name, "href": reverse("programmes:overview", args=[programme.slug])},
    ]
    if template != "typology/index.jinja":
        items.append(
            {"text": "Type profiling", "href": reverse("typology:index", args=[programme.slug])}
        )
    items.extend({"text": text, "href": href} for text, href in crumbs)
    context.setdefault("breadcrumbs", items)
    return render(request, template, context, status=status)


def _profile_crumb(programme: Programme, participant_id: int, own: bool) -> tuple[str, str]:
    return (
        "Your type profile" if own else "Type profile",
        reverse("typology:profile", args=[programme.slug, participant_id]),
    )


@never_cache
@login_required
@require_GET
def index(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    me, own = selectors.own_type(viewer=request.user, programme=programme)
    return _render(
        request,
        "typology/index.jinja",
        {
            "programme": programme,
            "me": me,
            "own": own,
            "coachees": selectors.coachees_for(viewer=request.user, programme=programme),
            "page_title": "Type profiling",
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    me = selectors.own_participant(viewer=request.user, programme=programme)
    indicator = get_indicator()
    form = IndicatorForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_submit(participant=me, answers=form.answers(), indicator=indicator)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Your answers are scored. Here is your profile.")
            return redirect("typology:profile", slug=slug, participant_id=me.pk)
    return _render(
        request,
        "typology/take.jinja",
        {
            "programme": programme,
            "form": form,
            "indicator": indicator,
            "page_title": indicator.title,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_GET
def profile(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    person = selectors.person_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    view = selectors.personal_profile(viewer=request.user, participant=person)
    own = person.person.user_id == request.user.pk
    return _render(
        request,
        "typology/profile.jinja",
        {
            "programme": programme,
            "person": person,
            "view": view,
            "own": own,
            "page_title": "Your type profile" if own else f"Type profile: {person.person.name}",
        },
    )


def _own_profile(
    request: HttpRequest, slug: str, participant_id: int
) -> tuple[Programme, TypeProfile]:
    programme = programme_for(viewer=request.user, slug=slug)
    person = selectors.person_for(
        viewer=request.user, programme=programme, participant_id=participant_id, coach_allowed=False
    )
    found = selectors.profile_of(viewer=request.user, participant=person)
    if found is None:
        raise Http404("There is no type result to confirm yet.")
    return programme, found


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def best_fit(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme, found = _own_profile(request, slug, participant_id)
    form = BestFitForm(
        request.POST or None, reported=found.reported_type, current=found.best_fit_type
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.type_best_fit_confirm(profile=found, best_fit=form.best_fit())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Your best-fit type is {found.best_fit_type}.")
            return redirect("typology:profile", slug=slug, participant_id=participant_id)
    return _render(
        request,
        "typology/best_fit.jinja",
        {
            "programme": programme,
            "profile": found,
            "form": form,
            "page_title": "Confirm your best-fit type",
        },
        crumbs=(_profile_crumb(programme, participant_id, True),),
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def external(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    person = selectors.person_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    own = person.person.user_id == request.user.pk
    form = ExternalTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.type_external_record(
                participant=person,
                type_code=form.cleaned_data["type_code"],
                source=form.cleaned_data["source"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Recorded the type assessed elsewhere.")
            return redirect("typology:profile", slug=slug, participant_id=participant_id)
    return _render(
        request,
        "typology/external.jinja",
        {
            "programme": programme,
            "person": person,
            "own": own,
            "form": form,
            "page_title": "Enter a type assessed elsewhere",
        },
        crumbs=(_profile_crumb(programme, participant_id, own),),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def share(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _, found = _own_profile(request, slug, participant_id)
    shared = request.POST.get("shared") == "yes"
    try:
        services.type_share_set(profile=found, shared=shared)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Your best-fit type is now shared with the group."
            if shared
            else "Your type is no longer shared: only you and your coach can see it.",
        )
    return redirect("typology:profile", slug=slug, participant_id=participant_id)


@never_cache
@login_required
@require_GET
def team(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    view = selectors.team_table_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "typology/team.jinja",
        {
            "programme": programme,
            "view": view,
            "pole_names": {letter: guidance.pole_name(letter) for letter in guidance.POLES},
            "blind_spots": {letter: pole.blind_spot for letter, pole in guidance.POLES.items()},
            "page_title": "Team type table",
        },
    )


@never_cache
@login_required
@require_GET
def pairs(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug)
    cards = selectors.pair_cards_for(viewer=request.user, programme=programme)
    return _render(
        request,
        "typology/pairs.jinja",
        {"programme": programme, "cards": cards, "page_title": "Pair contrast cards"},
    )


@never_cache
@login_required
@require_GET
def evidence(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    result = selectors.indicator_evidence(viewer=request.user, programme=programme)
    return _render(
        request,
        "typology/evidence.jinja",
        {
            "programme": programme,
            "evidence": result,
            "pair_titles": {pair.id: guidance.pair_title(pair.id) for pair in PAIRS},
            "page_title": "How the type indicator performs",
        },
    )
