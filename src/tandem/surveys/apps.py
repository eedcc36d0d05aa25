from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
    label = "surveys"
    verbose_name = "Stock take and questionnaires"

    def ready(self) -> None:
        from tandem.registry import register
        from tandem.surveys.registration import contribution

        register(contribution())
