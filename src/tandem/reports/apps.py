from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tandem.reports"
    label = "reports"
    verbose_name = "Feedback and comparison reports"

    def ready(self) -> None:
        from tandem.registry import register
        from tandem.reports.registration import contribution

        register(contribution())
