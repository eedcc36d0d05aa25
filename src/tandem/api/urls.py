"""/api/v1/ (the JSON API) and /accounts/tokens/ (the pages where people manage their tokens)."""

from django.urls import include, path

from tandem.api.main import build_api

api = build_api()

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/tokens/", include("tandem.api.token_urls")),
]
