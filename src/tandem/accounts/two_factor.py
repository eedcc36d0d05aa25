"""Two-factor authentication (TOTP) for the people who can see a whole programme.

Programme leads, sponsors and superusers see names, completion and progress across a programme,
so a stolen password alone must not be enough. Participants and coaches are not asked: their
reach is their own record and their coachees'.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.audit.services import audit_record
from tandem.programmes.models import Participant, Role

TWO_FACTOR_ROLES = (Role.PROGRAMME_LEAD, Role.SPONSOR)


def needs_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return Participant.objects.filter(person__user=user, role__in=TWO_FACTOR_ROLES).exists()


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled: made once, so reloading the page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app that cannot scan."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    # Drawn here, never by an outside QR service: the secret must not leave the server.
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = "".join(str(self.cleaned_data["token"]).split())
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes. Wait a minute, then enter the code your app shows now."
            )
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(
                "That code is not right. Enter the 6 digits your app shows now."
            )
        return token


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (first time) or enter its code (every log-in)."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    if user.is_verified():  # type: ignore[union-attr,attr-defined,unused-ignore]
        return HttpResponseRedirect(_next_url(request))
    device = confirmed_device(user)
    enrolling = device is None
    if device is None:
        device = pending_device(user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="two_factor.enrol", subject=device)
            otp_login(request, device)
        return HttpResponseRedirect(_next_url(request))
    context: dict[str, Any] = {
        "form": form,
        "enrolling": enrolling,
        "next": _next_url(request),
        "page_title": "Set up two-step log-in" if enrolling else "Enter your code",
    }
    if enrolling:
        context["qr"] = qr_data_uri(device)
        context["secret"] = secret_text(device)
    return render(request, "accounts/two_factor.jinja", context)
