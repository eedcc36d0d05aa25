from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tandem.reports"
    label = "reports"
    verbose_name = "Feedback and comparison reports"
