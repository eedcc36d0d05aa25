"""Encryption of coaching notes at rest: Fernet (AES-128-CBC with HMAC-SHA256) under MultiFernet.

The keys come from the environment (`TANDEM_NOTES_KEYS`, read in settings): the first encrypts,
every key decrypts, so a key is rotated by putting the new one first and re-encrypting
(`reencrypt`) before the old one is dropped. Read at call time, never at import (docs/style.md).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class NoteUnreadable(Exception):
    """No configured key opens this note: the key that wrote it has been removed."""


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "TANDEM_NOTES_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured("TANDEM_NOTES_KEYS is empty: coaching notes cannot be stored.")
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise NoteUnreadable(
            "This note was written under a key that is no longer configured."
        ) from exc


def reencrypt(token: str) -> str:
    """The same note under the current first key (for key rotation)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")
