"""Writes to log-in accounts made by an administrator: setting someone's password, changing
their e-mail address.

An administrator who sets another person's password can log in as them and read what only they
may read (a coach's notes). That cannot be prevented, only made visible: the change is audited
under the administrator's name, the person is told by e-mail at once, and every way they were
signed in (sessions, API tokens) ends, so they notice and nothing stays open in their name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.audit.context import current_actor
from tandem.audit.services import audit_record

logger = logging.getLogger(__name__)

# Feature apps add what else ends with a password set by an administrator (the API app revokes
# the person's tokens); accounts, a core module, does not import them. Each hook gets the user
# and the acting administrator and returns counts for the audit event, e.g. {"api_tokens": 2}.
CredentialHook = Callable[[Any, Any], dict[str, int]]
_credential_hooks: dict[str, CredentialHook] = {}


def on_password_set_by_admin(name: str, hook: CredentialHook) -> None:
    """Run `hook` whenever an administrator sets someone's password (from an AppConfig.ready)."""
    _credential_hooks[name] = hook


@dataclass(frozen=True)
class PasswordSetByAdmin:
    sessions_ended: int
    revoked: dict[str, int]


def user_sessions_end(*, user: Any) -> int:
    """Delete every stored session of the user; the number deleted.

    Sessions are stored by key, not by user, so each live one is decoded (a trust has hundreds,
    not millions). With a session engine that stores nothing server-side there is nothing to
    delete here, but nothing is lost: Django ends a session at its next request once the password
    it was opened with has changed (the session's auth hash).
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store, "get_model_class", None)
    if get_model is None:
        return 0
    model = get_model()
    theirs = [
        session.pk
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    model.objects.filter(pk__in=theirs).delete()
    for key in theirs:  # a cached_db store keeps a copy in the cache too
        store(session_key=key).delete()
    return len(theirs)


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "an administrator at the command line"
    return str(getattr(actor, "full_name", "") or getattr(actor, "email", "") or actor.pk)


def _notify(*, user: Any, template: str, subject: str, to: str, context: dict[str, Any]) -> None:
    body = render_to_string(template, {"user": user, **context})
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except OSError as exc:  # the change stands; the audit log has it even if the mail failed
        logger.warning("Could not send the account notice to user %s: %s", user.pk, exc)


@transaction.atomic
def user_password_set_by_admin(
    *, user: Any, password: str | None, actor: Any = None, via: str
) -> PasswordSetByAdmin:
    """Set (or, with `password=None`, remove) `user`'s password on an administrator's authority.

    Audited as "user.password_set_by_admin"; every session of the user ends and the registered
    hooks run (API tokens are revoked); the user is e-mailed once the change is committed.
    `via` says where it was done ("admin", "command line").
    """
    if actor is None:
        actor = current_actor()
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    sessions = user_sessions_end(user=user)
    revoked: dict[str, int] = {}
    for hook in _credential_hooks.values():
        revoked |= hook(user, actor)
    audit_record(
        actor=actor,
        action="user.password_set_by_admin",
        subject=user,
        extra={
            "via": via,
            "password": "removed" if password is None else "set",
            "sessions_ended": sessions,
            **revoked,
        },
    )
    context = {
        "by": _actor_name(actor),
        "by_themselves": actor is not None and actor.pk == user.pk,
        "removed": password is None,
        "when": timezone.localtime(),
        "sessions": sessions,
        "revoked": revoked,
        "reset_link": settings.TANDEM_BASE_URL.rstrip("/") + reverse("accounts:password_reset"),
    }
    email = user.email
    transaction.on_commit(
        lambda: _notify(
            user=user,
            template="accounts/password_set_by_admin_email.txt",
            subject="Your Tandem password was changed by an administrator",
            to=email,
            context=context,
        )
    )
    return PasswordSetByAdmin(sessions_ended=sessions, revoked=revoked)


@transaction.atomic
def user_email_changed_by_admin(*, user: Any, old_email: str, actor: Any = None) -> None:
    """Record that an administrator changed `user`'s address, and tell the old address.

    Call after the change is saved. Changing the address, then asking for a password-reset link,
    is the other way an administrator could take over an account; the person hears of it at the
    address they know. Neither address goes into the audit event.
    """
    if actor is None:
        actor = current_actor()
    audit_record(actor=actor, action="user.email_set_by_admin", subject=user, extra={})
    context = {"by": _actor_name(actor), "when": timezone.localtime()}
    transaction.on_commit(
        lambda: _notify(
            user=user,
            template="accounts/email_set_by_admin_email.txt",
            subject="The e-mail address of your Tandem account was changed",
            to=old_email,
            context=context,
        )
    )
