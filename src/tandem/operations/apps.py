from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "tandem.operations"
    label = "operations"
    verbose_name = "E-mail and scheduled work"

    def ready(self) -> None:
        from tandem.operations.registration import contribution
        from tandem.registry import register

        register(contribution())
