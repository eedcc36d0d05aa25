from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tandem.outcomes"
    label = "outcomes"
    verbose_name = "Service outcomes"
    # No data-protection hooks (tandem.gdpr.registry): KPIs and their values describe services
    # and localities, never a person, so there is nothing to export or erase for anyone.

    def ready(self) -> None:
        from tandem.outcomes.registration import contribution
        from tandem.registry import register

        register(contribution())
