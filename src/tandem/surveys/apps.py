from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
    label = "surveys"
    verbose_name = "Stock take and questionnaires"
