"""Token format and lifetime, importable without Django (the `tandem api token` parser reads them)."""

# Recognisable in logs and by secret scanners; the rest is `secrets.token_urlsafe(32)`.
TOKEN_PREFIX = "tandem_"  # noqa: S105 - a label, not a secret
VISIBLE_CHARS = 6
MAX_TOKEN_DAYS = 365
DEFAULT_TOKEN_DAYS = 90
