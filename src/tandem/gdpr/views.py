"""The lead's buttons on a person's page: download what is held about them, or erase them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.gdpr import services
from tandem.programmes.models import Participant, Programme
from tandem.programmes.selectors import participant_for, programme_for


def _person(request: HttpRequest, slug: str, participant_id: int) -> tuple[Programme, Participant]:
    programme = programme_for(viewer=request.user, slug=slug, manage=True)
    participant = participant_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    return programme, participant


@never_cache
@login_required
@require_POST
def export(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _, participant = _person(request, slug, participant_id)
    data = services.subject_access_export(person=participant.person, actor=request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="tandem-person-{participant.person.pk}.zip"'
    )
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme, participant = _person(request, slug, participant_id)
    person = participant.person
    if request.method == "POST" and request.POST.get("confirm") == "erase":
        report = services.person_erase(person=person, actor=request.user)
        messages.success(request, f"Erased: the person is now “{report.label}”.")
        review = report.counts.get(
            "texts by others with their surname, left for the lead to review"
        )
        if review:
            messages.warning(
                request,
                f"{review} written answers or notes by others contain their surname on its own "
                "(perhaps a ward or a place): review them when coding and redact the name if it "
                "is theirs.",
            )
        return redirect("programmes:people", slug=slug)
    return render(
        request,
        "gdpr/erase_confirm.jinja",
        {
            "programme": programme,
            "participant": participant,
            "header_organisation": programme.organisation.name,
            "page_title": f"Erase {person.name}",
            "back": reverse("programmes:person", args=[slug, participant.pk]),
        },
    )
