"""Personal API tokens: how a script or another system calls the API as one person.

Only a SHA-256 digest of each token is stored, with a short visible prefix so that people can
tell their tokens apart. The token itself is shown once, when it is created. A plain digest (not
a password hash) is enough because the token is 32 random bytes: there is nothing to guess, and
each request can be checked with one indexed lookup. Unlike an HMAC keyed with the secret key,
it also survives a rotation of `TANDEM_SECRET_KEY`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, in your words.")
    prefix = models.CharField(
        max_length=20, help_text="The token's first characters, to recognise it by."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def status_label(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if self.expires_at > now else "Expired"
