from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "tandem.gdpr"
    label = "gdpr"
    verbose_name = "Data-protection rights"
