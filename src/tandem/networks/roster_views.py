"""The roster page of the stock take, served for `surveys:respond_section` (registration.py).

Two ways to answer, both plain HTML forms:
- a table per service, one row per colleague (rosters up to the section's `name_generator_above`);
- a name generator for larger rosters (or when the respondent asks for it): search by name, tick
  the colleagues to add, then rate only those — paged and grouped by service, with the search a
  GET form so that it works without JavaScript. JavaScript only filters the list as you type.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tandem.networks import selectors, services
from tandem.networks.roster import name_generator_above, relations
from tandem.programmes.models import Participant, Role
from tandem.surveys.models import Invitation
from tandem.surveys.sections import respondent_context

RESULTS_PER_PAGE = 20


def _service_name(member: Participant) -> str:
    service = member.person.service
    if service is None:
        return "Across the trust"
    return f"{service.name} ({service.locality.name})"


def _grouped(members: list[Participant]) -> list[tuple[str, list[Participant]]]:
    ordered = sorted(members, key=lambda m: (m.person.service is None, _service_name(m)))
    return [(name, list(group)) for name, group in groupby(ordered, key=_service_name)]


def _rows(
    members: list[Participant],
    answers: dict[int, dict[str, int]],
    data: Any,
    relation_ids: list[str],
) -> list[dict[str, Any]]:
    """One row per colleague: the values to show (what was just posted, if it had errors)."""
    rows = []
    for member in members:
        if data is not None:
            values = {r: str(data.get(services.field_name(member.pk, r), "")) for r in relation_ids}
        else:
            stored = answers.get(member.pk, {})
            values = {r: str(stored[r]) if r in stored else "" for r in relation_ids}
        rows.append({"member": member, "values": values})
    return rows


def _page_url(token: str, section_id: str, **query: Any) -> str:
    url = reverse("surveys:respond_section", args=[token, section_id])
    params = urlencode({key: value for key, value in query.items() if value not in ("", None)})
    return f"{url}?{params}" if params else url


def _comparison_page(request: HttpRequest, invitation: Invitation, index: int) -> HttpResponse:
    """A comparison respondent is not in the programme: nothing about its members is asked of
    them, and nothing is saved; the page only says so and moves on."""
    instrument = invitation.wave.instrument
    token = invitation.token
    if request.method == "POST":
        if request.POST.get("go") == "back" and index > 0:
            return redirect(
                "surveys:respond_section", token=token, section_id=instrument.sections[index - 1].id
            )
        if index + 1 < len(instrument.sections):
            return redirect(
                "surveys:respond_section", token=token, section_id=instrument.sections[index + 1].id
            )
        return redirect("surveys:respond_review", token=token)
    return render(
        request,
        "networks/roster_comparison.jinja",
        respondent_context(
            invitation,
            section=instrument.sections[index],
            index=index,
            previous=instrument.sections[index - 1] if index > 0 else None,
            page_title=f"{instrument.sections[index].title} – {invitation.wave.title}",
        ),
    )


def roster_page(request: HttpRequest, invitation: Invitation, index: int) -> HttpResponse:
    instrument = invitation.wave.instrument
    section = instrument.sections[index]
    token = invitation.token
    if invitation.participant is not None and invitation.participant.role == Role.COMPARISON:
        return _comparison_page(request, invitation, index)
    members = selectors.roster_members(
        programme=invitation.wave.programme, exclude=invitation.participant_id, askable=True
    )
    source = request.POST if request.method == "POST" else request.GET
    search_mode = len(members) > name_generator_above(section) or source.get("mode") == "search"
    query = source.get("q", "").strip()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            errors = services.roster_answers_save(
                invitation=invitation,
                section_id=section.id,
                shown=request.POST.getlist("shown"),
                data=request.POST,
                keep_picked=search_mode,
            )
            if request.POST.get("action") == "pick":
                services.roster_pick(
                    invitation=invitation,
                    section_id=section.id,
                    alter_ids=request.POST.getlist("pick"),
                )
            if request.POST.get("remove"):
                services.roster_unpick(
                    invitation=invitation, section_id=section.id, alter_id=request.POST["remove"]
                )
        except ValidationError:
            return redirect("surveys:respond_start", token=token)
        if not errors:
            go = request.POST.get("go")
            if go == "back" and index > 0:
                return redirect(
                    "surveys:respond_section",
                    token=token,
                    section_id=instrument.sections[index - 1].id,
                )
            if go == "next":
                if index + 1 < len(instrument.sections):
                    return redirect(
                        "surveys:respond_section",
                        token=token,
                        section_id=instrument.sections[index + 1].id,
                    )
                return redirect("surveys:respond_review", token=token)
            return redirect(
                _page_url(
                    token,
                    section.id,
                    mode="search" if search_mode else "",
                    q=query,
                    page=request.POST.get("page", ""),
                )
            )
    answers = selectors.own_roster_entries(invitation=invitation, section_id=section.id)
    data = request.POST if errors else None
    relation_ids = [relation.id for relation in relations(section)]
    context: dict[str, Any] = {
        "section": section,
        "index": index,
        "relations": relations(section),
        "talk_options": instrument.response_scales["frequency5"].options
        if "frequency5" in instrument.response_scales
        else (),
        "errors": errors,
        "previous": instrument.sections[index - 1] if index > 0 else None,
        "search_mode": search_mode,
        "query": query,
        "roster_size": len(members),
        "page_title": f"{section.title} – {invitation.wave.title}",
    }
    if search_mode:
        picked = [member for member in members if member.pk in answers]
        needle = query.casefold()
        candidates = [
            member
            for member in members
            if member.pk not in answers and (not needle or needle in member.person.name.casefold())
        ]
        paginator = Paginator(
            sorted(candidates, key=lambda m: (m.person.service is None, _service_name(m))),
            RESULTS_PER_PAGE,
        )
        page = paginator.get_page(source.get("page"))
        context.update(
            picked_rows=_rows(picked, answers, data, relation_ids),
            results=_grouped(list(page.object_list)),
            page=page,
            result_count=len(candidates),
            page_url=lambda number: _page_url(
                token, section.id, mode="search", q=query, page=number
            ),
        )
    else:
        context["groups"] = [
            (name, _rows(group, answers, data, relation_ids)) for name, group in _grouped(members)
        ]
        context["search_url"] = _page_url(token, section.id, mode="search")
    return render(
        request,
        "networks/roster.jinja",
        respondent_context(invitation, **context),
        status=400 if errors else 200,
    )
