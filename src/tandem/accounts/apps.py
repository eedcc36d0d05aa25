from typing import Any

from django.apps import AppConfig


def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from tandem.accounts.middleware import session_clock_start

    if request is not None and hasattr(request, "session"):
        session_clock_start(request.session)


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_start_session_clock, dispatch_uid="tandem_session_clock")
