from django.urls import path

from tandem.workshops import views

app_name = "workshops"

BASE = "programmes/<slug:slug>/workshops/"
DAY = BASE + "away-days/<int:away_day_id>/"

urlpatterns = [
    path(BASE, views.home, name="home"),
    path(BASE + "away-days/new/", views.away_day_new, name="away_day_new"),
    path(DAY, views.away_day, name="away_day"),
    path(DAY + "edit/", views.away_day_edit, name="away_day_edit"),
    path(DAY + "agenda/new/", views.agenda_item_new, name="agenda_item_new"),
    path(DAY + "agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path(DAY + "attendance/", views.attendance, name="attendance"),
    path(DAY + "materials/new/", views.material_new, name="material_new"),
    path(DAY + "materials/<int:material_id>/", views.material_download, name="material"),
    path(DAY + "evaluation/", views.evaluation, name="evaluation"),
    path(DAY + "evaluation/results/", views.evaluation_results, name="evaluation_results"),
    path(BASE + "charter/", views.charter, name="charter"),
    path(BASE + "charter/new/", views.practice_new, name="practice_new"),
    path(BASE + "charter/<int:practice_id>/", views.practice, name="practice"),
    path(BASE + "charter/<int:practice_id>/revise/", views.practice_revise, name="practice_revise"),
    path(BASE + "charter.pdf", views.charter_export, {"fmt": "pdf"}, name="charter_pdf"),
    path(BASE + "charter.xlsx", views.charter_export, {"fmt": "xlsx"}, name="charter_xlsx"),
    path(BASE + "mission/", views.mission, name="mission"),
    path(BASE + "mission/new/", views.mission_new, name="mission_new"),
    path(BASE + "roles/", views.role_agreements, name="role_agreements"),
    path(BASE + "roles/<int:pair_id>/", views.role_agreement, name="role_agreement"),
    path(BASE + "roles/<int:pair_id>/new/", views.role_agreement_new, name="role_agreement_new"),
    path(
        BASE + "roles/<int:pair_id>/confirm/",
        views.role_agreement_confirm,
        name="role_agreement_confirm",
    ),
    path(BASE + "actions/", views.actions, name="actions"),
    path(BASE + "actions/mine/", views.my_actions, name="my_actions"),
    path(BASE + "actions/new/", views.action_new, name="action_new"),
    path(BASE + "actions/remind/", views.remind_overdue, name="remind_overdue"),
    path(BASE + "actions/<int:action_id>/", views.action, name="action"),
    path(BASE + "actions.pdf", views.actions_export, {"fmt": "pdf"}, name="actions_pdf"),
    path(BASE + "actions.xlsx", views.actions_export, {"fmt": "xlsx"}, name="actions_xlsx"),
    path(BASE + "observations/", views.observations, name="observations"),
    path(BASE + "observations/new/", views.observation_new, name="observation_new"),
    path(BASE + "meetings/", views.meetings, name="meetings"),
    path(BASE + "meetings/new/", views.meeting_new, name="meeting_new"),
    path(BASE + "meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path(BASE + "meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
]
