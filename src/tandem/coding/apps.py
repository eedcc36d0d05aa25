from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "tandem.coding"
    label = "coding"
    verbose_name = "Qualitative coding of open answers and interviews"

    def ready(self) -> None:
        from tandem.coding.registration import contribution
        from tandem.registry import register

        register(contribution())
