"""Reads for personal API tokens. A person sees and revokes only their own tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.api.limits import TOKEN_PREFIX
from tandem.api.models import ApiToken, token_digest

# 7 characters of prefix + 43 of token_urlsafe(32); anything far longer is not one of ours.
MAX_TOKEN_LENGTH = 100


class TokenNotFound(Http404):
    """No such token among the viewer's own (another person's token looks the same)."""


def tokens_for(*, viewer: Any) -> QuerySet[ApiToken]:
    if not getattr(viewer, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=viewer).order_by("-created_at", "-id")


def token_for(*, viewer: Any, token_id: int) -> ApiToken:
    token = tokens_for(viewer=viewer).filter(pk=token_id).first()
    if token is None:
        raise TokenNotFound("No such API token.")
    return token


def active_token(*, raw: str) -> ApiToken | None:
    """The live token behind `raw` (not expired, not revoked, its owner able to log in), or None.

    Found by its digest, so the comparison happens in the database index and the raw token is
    never compared, logged or kept.
    """
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = ApiToken.objects.filter(digest=token_digest(raw)).select_related("user").first()
    if token is None or not token.is_active(timezone.now()) or not token.user.is_active:
        return None
    return token
