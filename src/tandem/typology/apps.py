from django.apps import AppConfig


class TypologyConfig(AppConfig):
    name = "tandem.typology"
    label = "typology"
    verbose_name = "Type profiling"

    def ready(self) -> None:
        from tandem.registry import register
        from tandem.typology.registration import contribution

        register(contribution())
