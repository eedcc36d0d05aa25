"""Writes for personal API tokens: create (the token is returned once) and revoke."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.api.limits import MAX_TOKEN_DAYS, TOKEN_PREFIX, VISIBLE_CHARS
from tandem.api.models import ApiToken, token_digest
from tandem.audit.services import audit_record

# Writing last_used_at on every call would turn each API read into a write (and, on SQLite, a
# wait for the write lock); to the nearest few minutes is all anyone needs to know.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown to its owner once and never stored


@transaction.atomic
def api_token_create(
    *, user: Any, name: str, days: int, actor: Any = None, via: str = "web"
) -> NewToken:
    """A new token for `user`, valid for `days` days (1 to 365). Audited as `api_token.create`."""
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the token, such as the script that will use it."
    elif len(name) > 100:
        errors["name"] = "The name must be 100 characters or fewer."
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = f"A token lasts from 1 to {MAX_TOKEN_DAYS} days, not {days}."
    if errors:
        raise ValidationError(errors)
    if not getattr(user, "is_active", False):
        raise ValidationError({"user": f"{user} cannot log in, so cannot have an API token."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + VISIBLE_CHARS],
        digest=token_digest(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        subject=token,
        extra={"user_id": user.pk, "prefix": token.prefix, "days": days, "via": via},
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any = None, via: str = "web") -> ApiToken:
    """Revoke the token at once. Revoking a revoked token changes nothing and records nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        subject=token,
        extra={"user_id": token.user_id, "prefix": token.prefix, "via": via},
    )
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Note that the token was used now, at most once every few minutes."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


@transaction.atomic
def api_tokens_revoke_all(*, user: Any, actor: Any = None, via: str) -> int:
    """Revoke every token of `user` still in force (each audited); how many were revoked."""
    live = list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
    )
    for token in live:
        api_token_revoke(token=token, actor=actor, via=via)
    return len(live)
