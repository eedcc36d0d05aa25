from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "tandem.workshops"
    label = "workshops"
    verbose_name = "Away days"

    def ready(self) -> None:
        from tandem.gdpr.registry import register
        from tandem.workshops import gdpr

        register("workshops", export=gdpr.export, erase=gdpr.erase, purge=gdpr.purge)
