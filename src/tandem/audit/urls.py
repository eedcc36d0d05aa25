from django.urls import path

from tandem.audit import views

app_name = "audit"

urlpatterns = [
    path("programmes/<slug:slug>/audit/", views.programme_events, name="programme"),
    path("audit/", views.all_events, name="all"),
]
