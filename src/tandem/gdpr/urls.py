from django.urls import path

from tandem.gdpr import views

app_name = "gdpr"

urlpatterns = [
    path(
        "programmes/<slug:slug>/people/<int:participant_id>/data/",
        views.export,
        name="export",
    ),
    path(
        "programmes/<slug:slug>/people/<int:participant_id>/erase/",
        views.erase,
        name="erase",
    ),
]
