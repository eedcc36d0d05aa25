from django.contrib import admin

from tandem.surveys.models import Wave


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin[Wave]):
    """Waves only: answers and interview notes are never listed, even for superusers."""

    list_display = [
        "title",
        "programme",
        "kind",
        "instrument_id",
        "instrument_version",
        "opens_on",
        "closes_on",
    ]
    list_filter = ["programme", "kind"]
    readonly_fields = ["instrument_id", "instrument_version"]
