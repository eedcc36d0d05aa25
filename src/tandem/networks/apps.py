from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "tandem.networks"
    label = "networks"
    verbose_name = "Working relationships (networks)"

    def ready(self) -> None:
        from tandem.networks.registration import contribution, register_sections
        from tandem.registry import register

        # The stock take's roster section: its type and its page, through the surveys app's
        # plug-in interface (tandem.surveys.sections), which knows nothing of networks.
        register_sections()
        register(contribution())
