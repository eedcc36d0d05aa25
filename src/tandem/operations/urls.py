from django.urls import path

from tandem.operations import views

app_name = "operations"

urlpatterns = [
    path("programmes/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("programmes/<slug:slug>/schedule/<int:job_id>/", views.job_edit, name="job_edit"),
    path("programmes/<slug:slug>/email/", views.emails, name="emails"),
    path(
        "programmes/<slug:slug>/email/<int:email_id>/send-again/",
        views.email_send_again,
        name="email_send_again",
    ),
]
