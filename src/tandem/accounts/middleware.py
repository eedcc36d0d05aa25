"""Session time limits and the two-factor rule, applied to every request before any view runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from tandem.accounts.oidc import PROVIDER_MFA_SESSION_KEY
from tandem.accounts.two_factor import second_factor_owed

# Session keys (seconds since the epoch): when the person logged in, and their last request.
LOGIN_AT = "tandem_login_at"
LAST_SEEN = "tandem_last_seen"
# Refresh the last-seen time at most once a minute: saving the session on every request (every
# autosave) would add a database write each time for a precision nobody needs.
_TOUCH_EVERY = 60


def session_clock_start(session: Any) -> None:
    """Called at log-in, so the limits count from then (and the first page needs no write)."""
    now = time.time()
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Log out after `TANDEM_SESSION_IDLE_MINUTES` idle, or `TANDEM_SESSION_MAX_HOURS` after log-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.get(LOGIN_AT)
            last_seen = session.get(LAST_SEEN)
            if login_at is None:
                session[LOGIN_AT] = login_at = now
            if last_seen is None:
                session[LAST_SEEN] = last_seen = now
            idle = settings.TANDEM_SESSION_IDLE_MINUTES * 60
            absolute = settings.TANDEM_SESSION_MAX_HOURS * 3600
            reason = ""
            if now - float(login_at) > absolute:
                reason = (
                    f"You were logged out because {settings.TANDEM_SESSION_MAX_HOURS} hours "
                    "have passed since you logged in. Log in again to carry on."
                )
            elif now - float(last_seen) > idle:
                reason = (
                    f"You were logged out after {settings.TANDEM_SESSION_IDLE_MINUTES} minutes "
                    "without activity. Log in again to carry on."
                )
            if reason:
                logout(request)
                messages.info(request, reason)
                login_url = reverse(settings.LOGIN_URL)
                if request.method == "GET":
                    login_url += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(login_url)
            if now - float(last_seen) > _TOUCH_EVERY:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Pages a person who still owes a second factor may reach, by name: logging in and out, setting a
# password, the two-step pages themselves, and the pages that need no log-in at all (a
# respondent's own link). Named, not by path prefix: a prefix let the API-token pages under
# /accounts/ through, and a token made with a password alone reads all the API allows (issue 14).
OPEN_URL_NAMES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:oidc_login",
        "accounts:oidc_callback",
        "accounts:two_factor",
        "accounts:two_factor_enrol",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "healthz",
        "readyz",
        "surveys:respond_start",
        "surveys:respond_section",
        "surveys:respond_autosave",
        "surveys:respond_review",
        "surveys:respond_submit",
    }
)
# Files, not pages: the stylesheets and scripts the two-step page itself needs.
_ASSET_PREFIXES = ("/static/", "/assets/")


def _open_to_the_unverified(request: HttpRequest) -> bool:
    if request.path.startswith(_ASSET_PREFIXES):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in OPEN_URL_NAMES


class TwoFactorMiddleware:
    """Programme leads, sponsors and superusers prove a second factor before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _open_to_the_unverified(request) and second_factor_owed(request.user):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "Give the code from your authenticator app first (two-step log-in)."
                    },
                    status=403,
                )
            target = reverse("accounts:two_factor")
            return HttpResponseRedirect(target + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


class OTPMiddleware(DjangoOTPMiddleware):  # type: ignore[misc]
    """django-otp's middleware, and a session whose identity provider checked a second factor.

    At a single sign-on log-in whose ID token's `amr` shows a second factor
    (tandem.accounts.oidc.MFA_AMR_VALUES), the session remembers the user's id; `is_verified()`
    is then true for that session, so every check that asks django-otp — the two-step pages, the
    middleware above, the admin — treats the person as having given a code.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        user = super()._verify_user_sync(request, user)
        if (
            user.is_authenticated
            and user.otp_device is None
            and request.session.get(PROVIDER_MFA_SESSION_KEY) == user.pk
        ):
            user.is_verified = lambda: True
        return user
