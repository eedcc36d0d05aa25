from django.urls import path

from tandem.surveys import views

app_name = "surveys"

urlpatterns = [
    # Respondents (no log-in: the token in the link is the key).
    path("s/<str:token>/", views.respond_start, name="respond_start"),
    path("s/<str:token>/page/<str:section_id>/", views.respond_section, name="respond_section"),
    path("s/<str:token>/autosave/", views.respond_autosave, name="respond_autosave"),
    path("s/<str:token>/check/", views.respond_review, name="respond_review"),
    path("s/<str:token>/submit/", views.respond_submit, name="respond_submit"),
    # Programme lead.
    path("programmes/<slug:slug>/questionnaires/", views.wave_list, name="waves"),
    path("programmes/<slug:slug>/questionnaires/new/", views.wave_new, name="wave_new"),
    path("programmes/<slug:slug>/questionnaires/<int:wave_id>/", views.wave_detail, name="wave"),
    path(
        "programmes/<slug:slug>/questionnaires/<int:wave_id>/send/",
        views.wave_send,
        name="wave_send",
    ),
    path(
        "programmes/<slug:slug>/questionnaires/<int:wave_id>/close/",
        views.wave_close,
        name="wave_close",
    ),
    path(
        "programmes/<slug:slug>/questionnaires/<int:wave_id>/import/",
        views.responses_upload,
        name="responses_upload",
    ),
    path(
        "programmes/<slug:slug>/questionnaires/<int:wave_id>/import/<uuid:token>/",
        views.responses_map,
        name="responses_map",
    ),
    path(
        "programmes/<slug:slug>/questionnaires/<int:wave_id>/interviews/",
        views.interview_note_add,
        name="interview_add",
    ),
]
