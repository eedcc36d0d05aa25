from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "tandem.gdpr"
    label = "gdpr"
    verbose_name = "Data-protection rights"

    def ready(self) -> None:
        # The hooks for the apps that existed before the registry; newer apps register their own.
        from tandem.gdpr import builtin

        builtin.register_all()

        # Its `tandem gdpr …` sub-commands, through the registry like every app's.
        from tandem.gdpr.cli import add_commands
        from tandem.registry import AppContribution, register

        register(AppContribution(name="gdpr", cli=add_commands))
