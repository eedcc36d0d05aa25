from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tandem.reports"
    label = "reports"
    verbose_name = "Feedback and comparison reports"

    def ready(self) -> None:
        from tandem.registry import register
        from tandem.reports.registration import contribution

        register(contribution())

        from django.db.models.signals import post_save

        from tandem.reports.tasks import draw_charts_after_close_or_release
        from tandem.surveys.models import Wave

        post_save.connect(
            draw_charts_after_close_or_release, sender=Wave, dispatch_uid="reports.draw_charts"
        )
