from django.apps import AppConfig


class TypologyConfig(AppConfig):
    name = "tandem.typology"
    label = "typology"
    verbose_name = "Type profiling"
