from django.urls import path

from tandem.reports import views

app_name = "reports"

urlpatterns = [
    path("programmes/<slug:slug>/reports/", views.index, name="index"),
    path("programmes/<slug:slug>/reports/waves/<int:wave_id>/", views.feedback, name="feedback"),
    path(
        "programmes/<slug:slug>/reports/waves/<int:wave_id>/pdf/",
        views.feedback_pdf,
        name="feedback_pdf",
    ),
    path(
        "programmes/<slug:slug>/reports/waves/<int:wave_id>/release/", views.release, name="release"
    ),
    path("programmes/<slug:slug>/reports/evaluation/", views.evaluation, name="evaluation"),
    path(
        "programmes/<slug:slug>/reports/research-export/",
        views.research_export,
        name="research_export",
    ),
    path(
        "programmes/<slug:slug>/reports/evaluation/freeze/",
        views.evaluation_freeze_view,
        name="evaluation_freeze",
    ),
    path(
        "programmes/<slug:slug>/reports/evaluation/pdf/",
        views.evaluation_pdf,
        name="evaluation_pdf",
    ),
    path(
        "programmes/<slug:slug>/reports/compare/<int:before_id>/<int:after_id>/",
        views.comparison,
        name="comparison",
    ),
    path(
        "programmes/<slug:slug>/reports/compare/<int:before_id>/<int:after_id>/pdf/",
        views.comparison_pdf,
        name="comparison_pdf",
    ),
]
