from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "tandem.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from tandem.coaching.registration import contribution
        from tandem.registry import register

        register(contribution())
