from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "tandem.disclosure"
    label = "disclosure"
    verbose_name = "Disclosure ledger"
