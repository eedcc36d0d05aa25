from django.urls import path

from tandem.typology import views

app_name = "typology"

TYPES = "programmes/<slug:slug>/types/"
PERSON = TYPES + "people/<int:participant_id>/"

urlpatterns = [
    path(TYPES, views.index, name="index"),
    path(TYPES + "indicator/", views.take, name="take"),
    path(TYPES + "team/", views.team, name="team"),
    path(TYPES + "pairs/", views.pairs, name="pairs"),
    path(TYPES + "evidence/", views.evidence, name="evidence"),
    path(PERSON, views.profile, name="profile"),
    path(PERSON + "best-fit/", views.best_fit, name="best_fit"),
    path(PERSON + "external/", views.external, name="external"),
    path(PERSON + "share/", views.share, name="share"),
]
