from django.contrib import admin

from tandem.coding.models import Code


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin[Code]):
    """Codes only: excerpts quote answers, which are never listed, even for superusers."""

    list_display = ["name", "parent", "codebook"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]
