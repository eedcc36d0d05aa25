from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "tandem.workshops"
    label = "workshops"
    verbose_name = "Away days"
