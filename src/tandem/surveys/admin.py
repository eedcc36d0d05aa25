from typing import Any

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

    def get_readonly_fields(self, request: Any, obj: Wave | None = None) -> list[str]:
        # Closed means closed: a closed wave's figures may have been read, and reopening it (or
        # moving its closing date) would let one more person's answers change them.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_closed():
            fields += ["opens_on", "closes_on", "closed_at"]
        return fields
