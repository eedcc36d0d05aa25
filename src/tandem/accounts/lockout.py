"""How django-axes reads the log-in form and what a locked-out person sees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address as the log-in form cleans it, so "A@x" and "a@x " count together."""
    if credentials and credentials.get("username"):
        value = credentials["username"]
    else:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.jinja",
        {"page_title": "Too many attempts", "minutes": minutes},
        status=429,
    )


def single_sign_on_attempt(request: HttpRequest, credentials: Any = None) -> bool:
    """Single sign-on is not throttled here: no password is guessed at Tandem's door.

    The identity provider throttles its own log-in. Counted, a refused answer (an unknown
    address, an expired log-in) would pile up under an empty e-mail address and, after five,
    lock that browser out of single sign-on with a page about wrong passwords.
    """
    return request.path_info == reverse("accounts:oidc_callback")
