from django.urls import path

from tandem.outcomes import views

app_name = "outcomes"

OUTCOMES = "programmes/<slug:slug>/outcomes/"

urlpatterns = [
    path(OUTCOMES, views.index, name="index"),
    path(OUTCOMES + "services/<int:service_id>/", views.service, name="service"),
    path(OUTCOMES + "kpis/new/", views.kpi_edit, name="kpi_new"),
    path(OUTCOMES + "kpis/<int:kpi_id>/", views.kpi_edit, name="kpi_edit"),
    path(OUTCOMES + "kpis/<int:kpi_id>/values/", views.kpi_values, name="kpi_values"),
    path(
        OUTCOMES + "kpis/<int:kpi_id>/values/<int:value_id>/delete/",
        views.kpi_value_delete,
        name="kpi_value_delete",
    ),
    path(OUTCOMES + "comparisons/", views.comparisons, name="comparisons"),
    path(OUTCOMES + "import/", views.kpi_import, name="import"),
    path(OUTCOMES + "import/template.csv", views.kpi_import_template, name="import_template"),
    path(OUTCOMES + "import/<uuid:token>/", views.kpi_import_preview, name="import_preview"),
]
