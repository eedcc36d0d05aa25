from django.urls import path

from tandem.programmes import org_views, services_import_views, setup_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("organisations/", org_views.organisation_list, name="organisations"),
    path("organisations/new/", org_views.organisation_new, name="organisation_new"),
    path("organisations/<slug:org>/", org_views.organisation_detail, name="organisation"),
    path(
        "organisations/<slug:org>/localities/new/",
        org_views.locality_add,
        name="locality_add",
    ),
    path("organisations/<slug:org>/services/new/", org_views.service_add, name="service_add"),
    path(
        "organisations/<slug:org>/localities/<int:locality_id>/",
        org_views.locality_edit,
        name="locality_edit",
    ),
    path(
        "organisations/<slug:org>/services/<int:service_id>/",
        org_views.service_edit,
        name="service_edit",
    ),
    path(
        "organisations/<slug:org>/localities/<int:object_id>/retire/",
        org_views.retire_or_restore,
        {"what": "locality", "action": "retire"},
        name="locality_retire",
    ),
    path(
        "organisations/<slug:org>/localities/<int:object_id>/restore/",
        org_views.retire_or_restore,
        {"what": "locality", "action": "restore"},
        name="locality_restore",
    ),
    path(
        "organisations/<slug:org>/services/<int:object_id>/retire/",
        org_views.retire_or_restore,
        {"what": "service", "action": "retire"},
        name="service_retire",
    ),
    path(
        "organisations/<slug:org>/services/<int:object_id>/restore/",
        org_views.retire_or_restore,
        {"what": "service", "action": "restore"},
        name="service_restore",
    ),
    path(
        "organisations/<slug:org>/administrators/new/",
        org_views.administrator_add,
        name="administrator_add",
    ),
    path(
        "organisations/<slug:org>/administrators/<int:administrator_id>/remove/",
        org_views.administrator_remove,
        name="administrator_remove",
    ),
    path("programmes/<slug:slug>/", views.programme_overview, name="overview"),
    path("programmes/<slug:slug>/people/", views.people_list, name="people"),
    path("programmes/<slug:slug>/people/new/", views.person_new, name="person_new"),
    path("programmes/<slug:slug>/people/<int:participant_id>/", views.person_detail, name="person"),
    path(
        "programmes/<slug:slug>/people/<int:participant_id>/role/",
        views.person_role,
        name="person_role",
    ),
    path(
        "programmes/<slug:slug>/people/<int:participant_id>/leave/",
        views.person_leave,
        name="person_leave",
    ),
    path(
        "programmes/<slug:slug>/people/<int:participant_id>/invite/",
        views.person_invite_again,
        name="person_invite",
    ),
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

# An organisation's localities and services from a spreadsheet (its administrators only).
urlpatterns += [
    path(
        "organisations/<slug:org>/services/import/",
        services_import_views.services_import,
        name="services_import",
    ),
    path(
        "organisations/<slug:org>/services/import/template.csv",
        services_import_views.services_import_template,
        name="services_import_template",
    ),
    path(
        "organisations/<slug:org>/services/import/<uuid:token>/",
        services_import_views.services_import_preview,
        name="services_import_preview",
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
