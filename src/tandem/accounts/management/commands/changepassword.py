"""Django's `changepassword`, through the service every administrator's password change takes:
audited, the person e-mailed, their sessions and API tokens ended.

`tandem manage changepassword someone@example.org`. The prompts and checks are Django's.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands.changepassword import Command as DjangoCommand
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from tandem.accounts.services import user_password_set_by_admin
from tandem.audit.context import acting_as, current_actor_label

MAX_TRIES = 3


class Command(DjangoCommand):
    help = (
        "Set someone's password as an administrator. Audited; the person is e-mailed, logged "
        "out everywhere, and their API tokens are revoked."
    )

    def handle(self, *args: Any, **options: Any) -> str:
        if not options["username"]:
            raise CommandError("Give the e-mail address of the account.")
        User = get_user_model()
        try:
            user = User._default_manager.db_manager(options["database"]).get_by_natural_key(
                options["username"]
            )
        except User.DoesNotExist as exc:
            raise CommandError(f"No account has the address {options['username']}.") from exc
        self.stdout.write(f"Setting the password of {user}")
        password = self._new_password(user)
        with acting_as(current_actor_label() or "command line: changepassword"):
            result = user_password_set_by_admin(user=user, password=password, via="command line")
        return (
            f"Password set for {user}: {result.sessions_ended} sessions ended, "
            f"{sum(result.revoked.values())} API tokens revoked; they have been e-mailed."
        )

    def _ask(self, prompt: str) -> str:
        answer = getpass.getpass(prompt=prompt)
        if not answer:
            raise CommandError("Nothing changed: no password given.")
        return answer

    def _new_password(self, user: Any) -> str:
        for _ in range(MAX_TRIES):
            first = self._ask("Password: ")
            if first != self._ask("Password (again): "):
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                validate_password(first, user)
            except ValidationError as err:
                self.stderr.write("\n".join(err.messages))
                continue
            return first
        raise CommandError(f"Nothing changed for {user} after {MAX_TRIES} attempts.")
