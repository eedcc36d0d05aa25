"""How an API caller proves who they are: a personal token, or the browser's log-in session.

A request that carries a bearer token is judged by that token alone: a bad, expired or revoked
token is refused (401) even if the same browser is also logged in, so a script never succeeds
by accident on someone else's session.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from tandem.api.selectors import active_token
from tandem.api.services import api_token_touch

INVALID_TOKEN = "The API token is not valid: it may be mistyped, expired or revoked."  # noqa: S105 - a message


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = active_token(raw=token)
        if found is None:
            raise AuthenticationError(message=INVALID_TOKEN)
        api_token_touch(token=found)
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class BrowserSession(SessionAuth):
    """Django's session, with Django's CSRF check on unsafe methods (ninja does it for cookies)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def api_auth() -> list[Any]:
    return [TokenAuth(), BrowserSession(csrf=True)]


def audit_extra(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """`extra` for an audit event of an API read: how the caller came in, and which token."""
    token = getattr(request, "api_token", None)
    return {"via": "api", "token": token.prefix if token is not None else None, **extra}
