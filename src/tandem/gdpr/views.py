"""The lead's buttons on a person's page: download what is held about them, or erase them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.gdpr import services
from tandem.programmes.access import Access
from tandem.programmes.models import Participant, Programme
from tandem.programmes.selectors import participant_for
from tandem.web import programme_page, render_page


def _person(
    request: HttpRequest, slug: str, participant_id: int
) -> tuple[Programme, Access, Participant]:
    programme, access = programme_page(request, slug, manage=True)
    participant = participant_for(
        viewer=request.user, programme=programme, participant_id=participant_id
    )
    return programme, access, participant


@never_cache
@login_required
@require_POST
def export(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    _, _, participant = _person(request, slug, participant_id)
    # Not `audited_download`: the service writes the audit row in the transaction that reads
    # everything held (the CLI's export is audited the same way).
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
    programme, access, participant = _person(request, slug, participant_id)
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
    back = reverse("programmes:person", args=[slug, participant.pk])
    return render_page(
        request,
        "gdpr/erase_confirm.jinja",
        {
            "programme": programme,
            "participant": participant,
            "page_title": f"Erase {person.name}",
            "back": back,
        },
        access=access,
        crumbs=[("People", reverse("programmes:people", args=[slug])), (person.name, back)],
    )
