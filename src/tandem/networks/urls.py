from django.urls import path

from tandem.networks import views

app_name = "networks"

NETWORKS = "programmes/<slug:slug>/networks/"

urlpatterns = [
    path(NETWORKS, views.overview, name="overview"),
    path(NETWORKS + "pairs/", views.pairs, name="pairs"),
    path(NETWORKS + "map/", views.network_map, name="map"),
    path(NETWORKS + "map.json", views.map_json, name="map_json"),
    path(NETWORKS + "localities/", views.localities, name="localities"),
    path(NETWORKS + "me/", views.me, name="me"),
]
