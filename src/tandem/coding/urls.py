from django.urls import path

from tandem.coding import views

app_name = "coding"

WAVE = "programmes/<slug:slug>/coding/waves/<int:wave_id>/"

urlpatterns = [
    path("programmes/<slug:slug>/coding/", views.codebook, name="codebook"),
    path("programmes/<slug:slug>/coding/codes/<int:code_id>/", views.code_edit, name="code_edit"),
    path(
        "programmes/<slug:slug>/coding/codes/<int:code_id>/delete/",
        views.code_delete,
        name="code_delete",
    ),
    path(
        "programmes/<slug:slug>/coding/codebook.qdc",
        views.export_codebook,
        name="export_codebook",
    ),
    path("programmes/<slug:slug>/coding/project.qdpx", views.export_project, name="export_project"),
    path(WAVE, views.wave_coding, name="wave"),
    path(WAVE + "answers/<str:ref>/", views.answer_coding, name="answer"),
    path(WAVE + "notes/<int:note_id>/", views.note_coding, name="note"),
    path(WAVE + "excerpts/<int:excerpt_id>/delete/", views.excerpt_delete, name="excerpt_delete"),
    path(WAVE + "excerpts/<int:excerpt_id>/review/", views.excerpt_review, name="excerpt_review"),
    path(WAVE + "review/", views.review, name="review"),
    path(WAVE + "themes/", views.themes, name="themes"),
    path(WAVE + "themes/<int:suggestion_id>/accept/", views.theme_accept, name="theme_accept"),
    path(WAVE + "themes/<int:suggestion_id>/reject/", views.theme_reject, name="theme_reject"),
    path(WAVE + "summary/", views.summary, name="summary"),
]
