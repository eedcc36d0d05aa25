from django.contrib import admin

from tandem.outcomes.models import Kpi, KpiValue


class KpiValueInline(admin.TabularInline[KpiValue, Kpi]):
    model = KpiValue
    extra = 0


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin[Kpi]):
    list_display = ("name", "service", "locality", "category", "direction", "target", "frequency")
    list_filter = ("category", "direction", "frequency", "organisation")
    search_fields = ("name", "service__name", "locality__name")
    filter_horizontal = ("rebase_milestones",)
    inlines = (KpiValueInline,)
