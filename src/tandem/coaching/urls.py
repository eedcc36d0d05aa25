from django.urls import path

from tandem.coaching import views

app_name = "coaching"

PLAN = "programmes/<slug:slug>/coaching/plans/<int:plan_id>/"
SESSION = PLAN + "sessions/<int:session_id>/"

urlpatterns = [
    path("programmes/<slug:slug>/coaching/", views.home, name="home"),
    path("programmes/<slug:slug>/coaching/overview/", views.overview, name="overview"),
    path("programmes/<slug:slug>/coaching/settings/", views.coaching_settings, name="settings"),
    path("programmes/<slug:slug>/coaching/reminders/", views.reminders, name="reminders"),
    path("programmes/<slug:slug>/coaching/dose.csv", views.dose_export, name="dose_export"),
    path("programmes/<slug:slug>/coaching/coachees/", views.coachees, name="coachees"),
    path("programmes/<slug:slug>/coaching/plans/new/", views.plan_new, name="plan_new"),
    path(PLAN, views.plan, name="plan"),
    path(PLAN + "schedule/", views.schedule, name="schedule"),
    path(PLAN + "review/", views.review, name="review"),
    path(PLAN + "goals/new/", views.goal_new, name="goal_new"),
    path(PLAN + "concerns/new/", views.concern_new, name="concern_new"),
    path(
        PLAN + "concerns/<int:concern_id>/resolve/",
        views.concern_resolve,
        name="concern_resolve",
    ),
    path(PLAN + "sessions/new/", views.session_form, name="session_new"),
    path(SESSION, views.session_detail, name="session"),
    path(SESSION + "edit/", views.session_form, name="session_edit"),
    path(SESSION + "record/", views.session_log, name="session_log"),
    path(SESSION + "note/", views.note, name="note"),
    path(SESSION + "rate/", views.rate, name="rate"),
    path(SESSION + "privacy/", views.themes_private, name="themes_private"),
    path(SESSION + "invitation.ics", views.session_ics, name="ics"),
    path(SESSION + "send/", views.session_send, name="send"),
]
