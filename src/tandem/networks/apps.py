from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "tandem.networks"
    label = "networks"
    verbose_name = "Working relationships (networks)"

    def ready(self) -> None:
        # The roster page is served by this app; registering it here keeps the surveys app free
        # of any knowledge of networks.
        from tandem.networks import roster_views
        from tandem.surveys.views import register_section_page

        register_section_page("roster", roster_views.roster_page)

        from tandem.networks.registration import contribution
        from tandem.registry import register

        register(contribution())
