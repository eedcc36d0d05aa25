from typing import Any

from django.apps import AppConfig


def _revoke_tokens(user: Any, actor: Any) -> dict[str, int]:
    from tandem.api.services import api_tokens_revoke_all

    return {"api_tokens": api_tokens_revoke_all(user=user, actor=actor, via="password reset")}


class ApiConfig(AppConfig):
    name = "tandem.api"
    label = "api"
    verbose_name = "HTTP API"

    def ready(self) -> None:
        from tandem.accounts.services import on_password_set_by_admin

        # A password set by an administrator ends every way the person was signed in, tokens
        # included: it is how an account is recovered after a compromise.
        on_password_set_by_admin("api_tokens", _revoke_tokens)

        # Its `tandem api …` sub-commands, through the registry like every app's.
        from tandem.api.cli import add_commands
        from tandem.registry import AppContribution, register

        register(AppContribution(name="api", cli=add_commands))
