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

        from tandem.gdpr.registry import register
        from tandem.networks import gdpr

        # Export only: see tandem.networks.gdpr for why roster entries are kept on erasure.
        register("networks", export=gdpr.export)
