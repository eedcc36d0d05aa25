"""Two-factor authentication (TOTP) for the people who can see a whole programme.

Programme leads, sponsors and superusers see names, completion and progress across a programme,
so a stolen password alone must not be enough. Participants and coaches are not asked: their
reach is their own record and their coachees'.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
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


def second_factor_owed(user: Any) -> bool:
    """Whether this logged-in user must still give a code before doing anything else."""
    return bool(
        settings.TANDEM_REQUIRE_2FA
        and getattr(user, "is_authenticated", False)
        and not user.is_verified()
        and needs_two_factor(user)
    )


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


# Setting up an authenticator needs more than the password: whoever holds the password alone
# could otherwise enrol their own phone and pass every later check (issue 14). The person proves
# they also read their e-mail: a signed link, bound to their account and current password, valid
# for half an hour, opened in a session that logged in within the last half hour.
ENROL_SALT = "tandem.two-factor.enrol"
ENROL_MINUTES = 30
ENROLMENT_ALLOWED = "tandem_two_factor_enrol_user"
LINK_SENT_AT = "tandem_two_factor_link_sent_at"
RESEND_AFTER_SECONDS = 120


def _password_fingerprint(user: Any) -> str:
    # A new password (or a reset) makes every link sent before it useless.
    return salted_hmac(ENROL_SALT, user.password or "").hexdigest()[:20]


def enrol_link_token(user: Any) -> str:
    return signing.dumps({"u": user.pk, "p": _password_fingerprint(user)}, salt=ENROL_SALT)


def enrol_link_user_ok(user: Any, token: str) -> bool:
    try:
        data = signing.loads(token, salt=ENROL_SALT, max_age=ENROL_MINUTES * 60)
    except signing.BadSignature:
        return False
    return bool(data.get("u") == user.pk and data.get("p") == _password_fingerprint(user))


def send_enrol_link(request: HttpRequest, user: Any) -> None:
    link = request.build_absolute_uri(
        reverse("accounts:two_factor_enrol", args=[enrol_link_token(user)])
    )
    send_mail(
        subject="Set up two-step log-in for Tandem",
        message=render_to_string(
            "accounts/two_factor_link_email.txt",
            {"user": user, "link": link, "minutes": ENROL_MINUTES},
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    request.session[LINK_SENT_AT] = time.time()
    audit_record(actor=user, action="two_factor.enrol_link_sent", subject=user)


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
    if enrolling and request.session.get(ENROLMENT_ALLOWED) != user.pk:
        return _awaiting_link(request, user)
    if device is None:
        device = pending_device(user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="two_factor.enrol", subject=device)
                request.session.pop(ENROLMENT_ALLOWED, None)
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


def _awaiting_link(request: HttpRequest, user: Any) -> HttpResponse:
    """No authenticator yet: e-mail a set-up link rather than show a secret to a password alone."""
    sent_at = float(request.session.get(LINK_SENT_AT) or 0)
    wants_another = request.method == "POST" and request.POST.get("action") == "send"
    if wants_another or time.time() - sent_at > RESEND_AFTER_SECONDS:
        with transaction.atomic():
            send_enrol_link(request, user)
    return render(
        request,
        "accounts/two_factor.jinja",
        {
            "awaiting_link": True,
            "email": user.email,
            "minutes": ENROL_MINUTES,
            "next": _next_url(request),
            "page_title": "Check your e-mail to set up two-step log-in",
        },
    )


def two_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: opened in a fresh session of the same person, it allows enrolment."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(
            resolve_url(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path()})
        )
    if not needs_two_factor(user) or confirmed_device(user) is not None:
        return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    if not enrol_link_user_ok(user, token):
        return render(
            request,
            "accounts/two_factor.jinja",
            {"bad_link": True, "page_title": "This link cannot be used"},
            status=400,
        )
    from tandem.accounts.middleware import LOGIN_AT

    login_at = float(request.session.get(LOGIN_AT) or 0)
    if time.time() - login_at > ENROL_MINUTES * 60:
        # A long-open session is not proof that whoever sits at it knows the password now.
        logout(request)
        return HttpResponseRedirect(
            resolve_url(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path()})
        )
    request.session[ENROLMENT_ALLOWED] = user.pk
    return HttpResponseRedirect(reverse("accounts:two_factor"))
