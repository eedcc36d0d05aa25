"""What the lead's questionnaire pages share: the programme's frame, and the "Questionnaires"
breadcrumb on every page about one wave.

Built on the page layer (`tandem.web`): `programme_page` finds the programme and the viewer's
access, `render_page` adds the header, navigation and breadcrumbs.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tandem.programmes.access import Access
from tandem.surveys.models import Wave
from tandem.web import render_page


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    access: Access,
    status: int = 200,
) -> HttpResponse:
    """A page of the questionnaires as a whole, under Programmes › programme."""
    context.setdefault("programme", access.programme)
    return render_page(request, template, context, access=access, status=status)


def wave_page(
    request: HttpRequest,
    template: str,
    wave: Wave,
    context: dict[str, Any],
    *,
    access: Access,
    status: int = 200,
) -> HttpResponse:
    """A page about one wave, under Programmes › programme › Questionnaires."""
    waves = ("Questionnaires", reverse("surveys:waves", args=[access.programme.slug]))
    context = {"programme": access.programme, "wave": wave, **context}
    return render_page(request, template, context, access=access, crumbs=[waves], status=status)
