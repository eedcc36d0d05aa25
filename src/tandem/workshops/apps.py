from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "tandem.workshops"
    label = "workshops"
    verbose_name = "Away days"

    def ready(self) -> None:
        from tandem.registry import register
        from tandem.workshops.registration import contribution

        register(contribution())
