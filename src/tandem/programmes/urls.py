from django.urls import path

from tandem.programmes import setup_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("programmes/<slug:slug>/", views.programme_overview, name="overview"),
    path("programmes/<slug:slug>/people/", views.people_list, name="people"),
    path("programmes/<slug:slug>/people/<int:participant_id>/", views.person_detail, name="person"),
    path("programmes/<slug:slug>/import/", views.participant_import, name="import"),
    path(
        "programmes/<slug:slug>/import/template.csv",
        views.participant_import_template,
        name="import_template",
    ),
    path(
        "programmes/<slug:slug>/import/<uuid:token>/",
        views.participant_import_preview,
        name="import_preview",
    ),
    path("programmes/<slug:slug>/milestones/new/", views.milestone_edit, name="milestone_new"),
    path(
        "programmes/<slug:slug>/milestones/<int:milestone_id>/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "programmes/<slug:slug>/milestones/<int:milestone_id>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
    path("programmes/<slug:slug>/pairs/new/", views.pair_create, name="pair_new"),
    path(
        "programmes/<slug:slug>/pairs/<int:pair_id>/delete/", views.pair_delete, name="pair_delete"
    ),
]

# Setting up an organisation's programmes (its administrators; tandem.programmes.setup_views).
urlpatterns += [
    path(
        "organisations/<slug:org>/programmes/new/",
        setup_views.programme_start_page,
        name="programme_start",
    ),
    path(
        "organisations/<slug:org>/programmes/copy/",
        setup_views.programme_copy_page,
        name="programme_copy",
    ),
]
