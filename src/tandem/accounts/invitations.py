"""Inviting someone to Tandem: an e-mail with a link to choose their password.

The link is the password-reset link (`accounts:password_reset_confirm`, Django's token): it works
for an account that has no password yet, stops working once a password is set, and expires
after PASSWORD_RESET_TIMEOUT. Nobody is ever sent a password.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tandem.audit.services import audit_record
from tandem.operations.mail import tag
from tandem.operations.models import EmailKind

if TYPE_CHECKING:
    from typing import Any

    from tandem.programmes.models import Person, Programme

logger = logging.getLogger(__name__)


def password_link(user: Any) -> str:
    """The full address at which `user` chooses a password."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.TANDEM_BASE_URL.rstrip("/") + path


@transaction.atomic
def invite_person(
    *, person: Person, programme: Programme, role: str = "", actor: Any = None
) -> None:
    """E-mail `person` (who must have an account) a link to set their password and join
    `programme` (as `role`, e.g. "programme lead", when given); sent once the surrounding transaction commits, audited in it."""
    if person.user is None:
        raise ValueError(f"person {person.pk} has no account to invite to")
    body = render_to_string(
        "accounts/invitation_email.txt",
        {
            "person": person,
            "programme": programme,
            "role": role,
            "link": password_link(person.user),
            "sign_in": settings.TANDEM_BASE_URL.rstrip("/") + reverse("accounts:login"),
        },
    )
    audit_record(
        actor=actor,
        action="person.invite",
        subject=person,
        programme=programme,
        extra={"programme": programme.pk},
    )
    address = person.email
    programme_id = programme.pk

    def send() -> None:
        try:
            message = EmailMessage(
                subject=f"You have been invited to {programme.name} on Tandem",
                body=body,
                to=[address],
            )
            tag(message, kind=EmailKind.PROGRAMME_INVITATION, programme=programme_id).send()
        except OSError as exc:  # the invitation can be sent again; the programme stands
            logger.warning("Could not send the invitation to person %s: %s", person.pk, exc)

    transaction.on_commit(send)
