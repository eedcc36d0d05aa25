"""Log in with the organisation's identity provider (OpenID Connect single sign-on).

mozilla-django-oidc does the protocol: the authorisation-code flow with PKCE (S256), `state`
bound to the session, `nonce` bound to the ID token, the token exchange and the signature check
against the provider's published keys. Tandem adds what the library leaves to its users:

- the provider's endpoints come from its discovery document (`TANDEM_OIDC_ISSUER` +
  `/.well-known/openid-configuration`), fetched when first needed and kept for an hour;
- the ID token's issuer, audience (and `azp`) and expiry are checked, not only its signature
  (mozilla-django-oidc 5 decodes with `verify_aud` off and lets PyJWT's expiry error escape);
- nobody gets a new account: a verified e-mail address must match an active Tandem account,
  which is what a lead's import of a participant list makes;
- a provider that says it checked a second factor (`amr`) spares the person Tandem's own code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from tandem.audit.services import audit_record

logger = logging.getLogger(__name__)

# Set at log-in to the user's id when the provider asserted a second factor; honoured by
# tandem.accounts.middleware.OTPMiddleware, so django-otp's `is_verified()` is true for the
# session exactly as if the person had typed a code from their authenticator app.
PROVIDER_MFA_SESSION_KEY = "tandem_second_factor_by_provider"

# `amr` values (RFC 8176, and ADFS's URI) that count as a second factor checked by the provider:
# "mfa" says so outright; one-time passwords, hardware- or software-bound keys and smart cards
# prove the person holds a device, which is what Tandem's own authenticator code proves. SMS and
# telephone ("sms", "tel") do not count: they are weaker than the code they would replace.
MFA_AMR_VALUES = frozenset(
    {"mfa", "otp", "hwk", "swk", "sc", "http://schemas.microsoft.com/claims/multipleauthn"}
)

DISCOVERY_CACHE_SECONDS = 3600
# Which provider a log-in went through: in its `oidc_states` entry, then in the session.
STATE_PROVIDER_KEY = "tandem_provider"
SESSION_PROVIDER_KEY = "tandem_oidc_provider"


class OidcConfigurationError(Exception):
    """The provider's settings are incomplete, or its discovery document is not what they say."""


@dataclass(frozen=True)
class OidcProvider:
    key: str  # in the start link (?provider=) and the session; "default" for the single one
    name: str
    issuer: str
    client_id: str
    client_secret: str


def configured_providers() -> list[OidcProvider]:
    """The identity providers this installation offers, in the order their buttons appear.

    TANDEM_OIDC_PROVIDERS (several, each with its own TANDEM_OIDC_<KEY>_* settings) when set,
    else the single TANDEM_OIDC_ISSUER one, else none.
    """
    listed = getattr(settings, "TANDEM_OIDC_PROVIDERS", None) or []
    if listed:
        return [
            OidcProvider(
                key=str(p["key"]),
                name=str(p.get("name") or p["key"]),
                issuer=str(p.get("issuer") or "").strip().rstrip("/"),
                client_id=str(p.get("client_id") or ""),
                client_secret=str(p.get("client_secret") or ""),
            )
            for p in listed
        ]
    issuer = str(getattr(settings, "TANDEM_OIDC_ISSUER", "") or "").strip()
    if not issuer:
        return []
    return [
        OidcProvider(
            key="default",
            name=str(settings.TANDEM_OIDC_NAME or "single sign-on"),
            issuer=issuer.rstrip("/"),
            client_id=str(settings.TANDEM_OIDC_CLIENT_ID or ""),
            client_secret=str(settings.TANDEM_OIDC_CLIENT_SECRET or ""),
        )
    ]


def provider_by_key(key: str | None) -> OidcProvider | None:
    """The provider `key` names, or the only one when there is one and no key is given."""
    providers = configured_providers()
    if not key:
        return providers[0] if len(providers) == 1 else None
    return next((p for p in providers if p.key == key), None)


def _setting_prefix(provider: OidcProvider) -> str:
    if provider.key == "default":
        return "TANDEM_OIDC_"
    return "TANDEM_OIDC_" + provider.key.upper().replace("-", "_") + "_"


def configuration_problems(provider: OidcProvider) -> list[str]:
    prefix = _setting_prefix(provider)
    missing = [
        prefix + name
        for name, value in (
            ("CLIENT_ID", provider.client_id),
            ("CLIENT_SECRET", provider.client_secret),
        )
        if not value
    ]
    if missing:
        return [f"{prefix}ISSUER is set but {' and '.join(missing)} is not."]
    return []


_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_discovery_lock = threading.Lock()


def discover(provider: OidcProvider) -> dict[str, Any]:
    """The provider's discovery document, checked; fetched at most once an hour per process."""
    problems = configuration_problems(provider)
    if not provider.issuer:
        problems = [f"{_setting_prefix(provider)}ISSUER is not set.", *problems]
    if problems:
        raise OidcConfigurationError(" ".join(problems))
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovered.get(provider.issuer)
        if cached and now - cached[0] < DISCOVERY_CACHE_SECONDS:
            return cached[1]
    address = provider.issuer + "/.well-known/openid-configuration"
    try:
        response = requests.get(address, timeout=10)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcConfigurationError(
            f"The identity provider's discovery document {address} could not be read ({exc}): "
            "check TANDEM_OIDC_ISSUER."
        ) from exc
    if not isinstance(document, dict):
        raise OidcConfigurationError(f"{address} is not an OpenID discovery document.")
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was
    # fetched for, or tokens from another tenant could pass as this one's.
    named = str(document.get("issuer", "")).rstrip("/")
    if named != provider.issuer:
        setting = _setting_prefix(provider) + "ISSUER"
        raise OidcConfigurationError(
            f"{setting} is {provider.issuer} but the provider's discovery document "
            f"names its issuer as {document.get('issuer')!r}: set {setting} to that."
        )
    needed = ["authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"]
    lacking = [key for key in needed if not document.get(key)]
    if lacking:
        raise OidcConfigurationError(f"{address} does not give {', '.join(lacking)}.")
    with _discovery_lock:
        _discovered[provider.issuer] = (now, document)
    return document


def forget_discovery() -> None:
    """Fetch the discovery document again next time (tests start a provider on a new port)."""
    with _discovery_lock:
        _discovered.clear()


# The provider this request's log-in goes through: chosen by the start link, and found again at
# the callback from the session's record of the `state` it sent (never from the answer itself).
_current: ContextVar[OidcProvider | None] = ContextVar("tandem_oidc_provider", default=None)


def _provider() -> OidcProvider:
    provider = _current.get() or provider_by_key(None)
    if provider is None:
        raise OidcConfigurationError("Single sign-on is not set up (TANDEM_OIDC_ISSUER).")
    return provider


@contextmanager
def using_provider(provider: OidcProvider) -> Iterator[None]:
    token = _current.set(provider)
    try:
        yield
    finally:
        _current.reset(token)


_FROM_DISCOVERY = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings: endpoints from discovery, the client from TANDEM_OIDC_*."""
    if attr in _FROM_DISCOVERY:
        return discover(_provider())[_FROM_DISCOVERY[attr]]
    if attr == "OIDC_RP_CLIENT_ID":
        return _provider().client_id
    if attr == "OIDC_RP_CLIENT_SECRET":
        return _provider().client_secret
    return import_from_settings(attr, *default)


def provider_asserts_mfa(amr: Any) -> bool:
    return isinstance(amr, list) and any(str(value) in MFA_AMR_VALUES for value in amr)


def email_is_verified(claims: dict[str, Any]) -> bool:
    # Microsoft Entra ID sends no `email_verified`; its optional claim `xms_edov` says the
    # address's domain is verified by the tenant that issued the token, which is the same promise.
    return any(claims.get(name) in (True, "true") for name in ("email_verified", "xms_edov"))


def _now() -> float:
    """The clock ID tokens are checked against (a test moves it to make a token expire)."""
    return time.time()


@dataclass(frozen=True)
class Refusal:
    reason: str  # "unverified", "unknown", "state", "refused" or "unavailable"
    email: str = ""


REFUSAL_STATUS = {"unverified": 403, "unknown": 403, "state": 400, "refused": 403}


class TandemOidcBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Authenticate by the provider's ID token; find, never create, the matching account."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every endpoint here; Django makes a backend for each password log-in
        # and each request of a person who logged in this way, so they are read only when used.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_USER_ENDPOINT"))

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_JWKS_ENDPOINT"))

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return _provider().client_id

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return _provider().client_secret

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return str(settings.OIDC_RP_SIGN_ALGO)

    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if _current.get() is None:
            return None  # only OidcCallback, which has chosen the provider, logs in this way
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: bytes | str, key: Any) -> dict[str, Any]:
        """The signature, and the claims that say the token is for Tandem and current."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"The ID token is not a JWT: {exc}") from exc
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"The ID token is signed with {algorithm!r}, not RS256.")
        provider = _provider()
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=provider.client_id,
                issuer=str(discover(provider)["issuer"]),
                leeway=settings.TANDEM_OIDC_CLOCK_LEEWAY_SECONDS,
                # Expiry is checked below against `_now`, with the same leeway.
                options={"require": ["iss", "aud", "exp", "iat", "sub"], "verify_exp": False},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"The ID token was refused: {exc}") from exc
        if float(claims["exp"]) + settings.TANDEM_OIDC_CLOCK_LEEWAY_SECONDS < _now():
            raise SuspiciousOperation("The ID token has expired.")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OpenID Connect Core 3.1.3.7: with several audiences, `azp` must name this client.
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != provider.client_id:
            raise SuspiciousOperation("The ID token was issued to another client (azp).")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        info = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            # OpenID Connect Core 5.3.2: otherwise the answer may be about someone else.
            raise SuspiciousOperation("The userinfo answer is about another subject.")
        if self.request is not None:
            self.request.tandem_oidc_claims = payload
        # The ID token's claims (amr among them), then the userinfo endpoint's, which are fuller.
        return {**payload, **info}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # The e-mail claims are judged in filter_users_by_claims, which can say why it refuses.
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        email = str(claims.get("email") or "").strip()
        refusal = None
        users = self.UserModel.objects.none()
        if not email or not email_is_verified(claims):
            refusal = Refusal("unverified", email)
        else:
            users = self.UserModel.objects.filter(email__iexact=email, is_active=True)
            if not users.exists():
                refusal = Refusal("unknown", email)
        if refusal is not None and self.request is not None:
            self.request.tandem_oidc_refusal = refusal
        return users

    def create_user(self, claims: dict[str, Any]) -> Any:
        # Belt and braces beside OIDC_CREATE_USER = False: accounts come from a lead's import.
        raise SuspiciousOperation("Tandem does not make accounts at log-in.")


def refuse(
    request: HttpRequest, refusal: Refusal, provider: OidcProvider | None = None
) -> HttpResponse:
    """The page a person sees when single sign-on does not let them in, with what to do next."""
    provider = provider or _current.get() or provider_by_key(None)
    extra = {"reason": refusal.reason}
    if provider is not None:
        extra["provider"] = provider.name
    audit_record(action="login.sso_refused", extra=extra)
    return render(
        request,
        "accounts/sso_refused.jinja",
        {
            "page_title": "You cannot log in this way",
            "reason": refusal.reason,
            "email": refusal.email,
            "provider_name": provider.name if provider else "single sign-on",
            "password_login": settings.TANDEM_PASSWORD_LOGIN,
        },
        status=REFUSAL_STATUS.get(refusal.reason, 503),
    )


class OidcLogin(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Send the person to their identity provider, with a fresh state, nonce and PKCE challenge."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The library looks the endpoint up here, where a failure could not be shown as a page.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        provider = provider_by_key(request.GET.get("provider"))
        if provider is None:
            raise Http404("No such single sign-on provider")
        with using_provider(provider):
            try:
                self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
                self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
            except OidcConfigurationError as exc:
                logger.error("Single sign-on with %s cannot start: %s", provider.key, exc)
                return refuse(request, Refusal("unavailable"))
            response: HttpResponse = super().get(request)
        # Remember which provider this state was sent to, beside the nonce and PKCE verifier.
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state][STATE_PROVIDER_KEY] = provider.key
        request.session.modified = True
        return response


class OidcCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Where the provider sends the person back: check everything, then log in or explain why not."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not configured_providers():
            raise Http404("Single sign-on is not set up")
        state = request.GET.get("state")
        sent = request.session.get("oidc_states", {}).get(state) if state else None
        provider = provider_by_key(sent.get(STATE_PROVIDER_KEY)) if sent else None
        if provider is None:
            # A forged or replayed answer, or one for a session that has since ended.
            logger.warning("Single sign-on refused: unknown state")
            return refuse(request, Refusal("state"))
        with using_provider(provider):
            return self._finish(request, provider)

    def _finish(self, request: HttpRequest, provider: OidcProvider) -> HttpResponse:
        try:
            answered_by = request.GET.get("iss")
            # RFC 9207: a provider that names itself in its answer must be the one asked, or
            # an answer from another provider could be passed off as this one's (mix-up).
            if answered_by is not None and answered_by.rstrip("/") != provider.issuer:
                raise SuspiciousOperation(f"The answer came from {answered_by}.")
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as exc:
            logger.warning("Single sign-on refused: %s", exc)
            return refuse(request, Refusal("refused"))
        except requests.HTTPError as exc:
            # The token endpoint turned the code down (RFC 6749 5.2: a 400 such as invalid_grant).
            logger.warning("Single sign-on refused by the provider: %s", exc)
            status = exc.response.status_code if exc.response is not None else 500
            return refuse(request, Refusal("refused" if status < 500 else "unavailable"))
        except (requests.RequestException, OidcConfigurationError) as exc:
            logger.error("Single sign-on failed talking to the provider: %s", exc)
            return refuse(request, Refusal("unavailable"))
        return response

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "tandem_oidc_refusal", None) or Refusal("refused")
        return refuse(self.request, refusal)

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        claims = getattr(self.request, "tandem_oidc_claims", {})
        mfa = provider_asserts_mfa(claims.get("amr"))
        if mfa:
            self.request.session[PROVIDER_MFA_SESSION_KEY] = self.user.pk
        else:
            self.request.session.pop(PROVIDER_MFA_SESSION_KEY, None)
        provider = _provider()
        self.request.session[SESSION_PROVIDER_KEY] = provider.key
        audit_record(
            actor=self.user,
            action="login.sso",
            subject=self.user,
            extra={"provider": provider.name, "second_factor_by_provider": mfa},
        )
        return response


def provider_logout_url(request: HttpRequest, id_token: str, provider_key: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), when it publishes one."""
    provider = provider_by_key(provider_key)
    if provider is None:
        return None
    try:
        end_session = discover(provider).get("end_session_endpoint")
    except OidcConfigurationError as exc:
        logger.warning("Could not log out of the identity provider: %s", exc)
        return None
    if not end_session:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": provider.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGIN_URL)),
        }
    )
    return f"{end_session}?{query}"
