"""Type profiling pages: take the indicator, see the profile, confirm best fit, share; team views.

Every view starts from `programme_page` (404 for people outside the programme) and a selector that
refuses, with 403, anyone the privacy rule leaves out. No page needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.analysis.typology import PAIRS
from tandem.programmes.access import Access
from tandem.programmes.models import Programme
from tandem.typology import guidance, selectors, services
from tandem.typology.forms import BestFitForm, ExternalTypeForm, IndicatorForm
from tandem.typology.indicator import get_indicator
from tandem.typology.models import TypeProfile
from tandem.web import Crumb, programme_page, render_page, service_form


def _section(programme: Programme) -> Crumb:
    return ("Type profiling", reverse("typology:index", args=[programme.slug]))


def _profile_crumb(programme: Programme, participant_id: int, own: bool) -> Crumb:
    return (
        "Your type profile" if own else "Type profile",
        reverse("typology:profile", args=[programme.slug, participant_id]),
    )


def _to_profile(slug: str, participant_id: int) -> HttpResponse:
    return redirect("typology:profile", slug=slug, participant_id=participant_id)


@never_cache
@login_required
@require_GET
def index(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    me, own = selectors.own_type(viewer=request.user, programme=programme)
    return render_page(
        request,
        "typology/index.jinja",
        {
            "programme": programme,
            "me": me,
            "own": own,
            "coachees": selectors.coachees_for(viewer=request.user, programme=programme),
            "page_title": "Type profiling",
        },
        access=access,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    me = selectors.own_participant(viewer=request.user, programme=programme)
    indicator = get_indicator()
    form = IndicatorForm(request.POST or None, indicator=indicator)

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "typology/take.jinja",
            {
                "programme": programme,
                "form": form,
                "indicator": indicator,
                "page_title": indicator.title,
            },
            access=access,
            crumbs=[_section(programme)],
        )

    return service_form(
        request,
        form,
        save=lambda _data: services.indicator_submit(
            participant=me, answers=form.answers(), indicator=indicator
        ),
        done=lambda _profile: _to_profile(slug, me.pk),
        again=page,
        message="Your answers are scored. Here is your profile.",
    )


@never_cache
@login_required
@require_GET
def profile(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    person = selectors.person_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    view = selectors.personal_profile(viewer=request.user, participant=person)
    own = person.person.user_id == request.user.pk
    return render_page(
        request,
        "typology/profile.jinja",
        {
            "programme": programme,
            "person": person,
            "view": view,
            "own": own,
            "page_title": "Your type profile" if own else f"Type profile: {person.person.name}",
        },
        access=access,
        crumbs=[_section(programme)],
    )


def _own_profile(
    request: HttpRequest, slug: str, participant_id: int
) -> tuple[Programme, Access, TypeProfile]:
    programme, access = programme_page(request, slug)
    person = selectors.person_for(
        viewer=request.user, programme=programme, participant_id=participant_id, coach_allowed=False
    )
    found = selectors.profile_of(viewer=request.user, participant=person)
    if found is None:
        raise Http404("There is no type result to confirm yet.")
    return programme, access, found


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def best_fit(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme, access, found = _own_profile(request, slug, participant_id)
    form = BestFitForm(
        request.POST or None, reported=found.reported_type, current=found.best_fit_type
    )

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "typology/best_fit.jinja",
            {
                "programme": programme,
                "profile": found,
                "form": form,
                "page_title": "Confirm your best-fit type",
            },
            access=access,
            crumbs=[_section(programme), _profile_crumb(programme, participant_id, True)],
        )

    return service_form(
        request,
        form,
        save=lambda _data: services.type_best_fit_confirm(profile=found, best_fit=form.best_fit()),
        done=lambda _profile: _to_profile(slug, participant_id),
        again=page,
        message=lambda confirmed: f"Your best-fit type is {confirmed.best_fit_type}.",
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def external(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug)
    person = selectors.person_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    own = person.person.user_id == request.user.pk

    def page(form: Form) -> HttpResponse:
        return render_page(
            request,
            "typology/external.jinja",
            {
                "programme": programme,
                "person": person,
                "own": own,
                "form": form,
                "page_title": "Enter a type assessed elsewhere",
            },
            access=access,
            crumbs=[_section(programme), _profile_crumb(programme, participant_id, own)],
        )

    def save(data: dict[str, Any]) -> TypeProfile:
        return services.type_external_record(
            participant=person,
            type_code=data["type_code"],
            source=data["source"],
            actor=request.user,
        )

    return service_form(
        request,
        ExternalTypeForm(request.POST or None),
        save=save,
        done=lambda _profile: _to_profile(slug, participant_id),
        again=page,
        message="Recorded the type assessed elsewhere.",
    )


@login_required
@require_POST
def share(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _, _, found = _own_profile(request, slug, participant_id)
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
    return _to_profile(slug, participant_id)


@never_cache
@login_required
@require_GET
def team(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    view = selectors.team_table_for(viewer=request.user, programme=programme)
    return render_page(
        request,
        "typology/team.jinja",
        {
            "programme": programme,
            "view": view,
            "pole_names": {letter: guidance.pole_name(letter) for letter in guidance.POLES},
            "blind_spots": {letter: pole.blind_spot for letter, pole in guidance.POLES.items()},
            "page_title": "Team type table",
        },
        access=access,
        crumbs=[_section(programme)],
    )


@never_cache
@login_required
@require_GET
def pairs(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug)
    cards = selectors.pair_cards_for(viewer=request.user, programme=programme)
    return render_page(
        request,
        "typology/pairs.jinja",
        {"programme": programme, "cards": cards, "page_title": "Pair contrast cards"},
        access=access,
        crumbs=[_section(programme)],
    )


@never_cache
@login_required
@require_GET
def evidence(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    result = selectors.indicator_evidence(viewer=request.user, programme=programme)
    return render_page(
        request,
        "typology/evidence.jinja",
        {
            "programme": programme,
            "evidence": result,
            "pair_titles": {pair.id: guidance.pair_title(pair.id) for pair in PAIRS},
            "page_title": "How the type indicator performs",
        },
        access=access,
        crumbs=[_section(programme)],
    )
