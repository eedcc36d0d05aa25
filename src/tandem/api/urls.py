"""/api/v1/ (the JSON API) and /accounts/tokens/ (the pages where people manage their tokens)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, include, path, re_path

from tandem.api import views
from tandem.api.main import build_api

api = build_api()


def _json_method_not_allowed(view: Any) -> Any:
    """ninja answers a wrong method with plain text; the API's errors are all JSON."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        replacement = JsonResponse(
            {"detail": f"{request.method} is not allowed here: the API is read-only for now."},
            status=405,
        )
        replacement["Allow"] = response.get("Allow", "GET")
        return replacement

    return wrapped


def _api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": "No such API endpoint: see /api/v1/openapi.json."}, status=404)


# Not `app_name`: that name at module level would put every URL here in a namespace.
api_patterns, api_app_name, api_namespace = api.urls
for pattern in api_patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = _json_method_not_allowed(pattern.callback)
# Tandem draws the documentation page itself (accessible, no scripts): ninja's Swagger UI is off.
api_patterns = [*api_patterns, path("docs", views.api_docs, name="openapi-view")]

urlpatterns = [
    path("api/v1/", include((api_patterns, api_app_name), namespace=api_namespace)),
    # Anything else under /api/ is a JSON 404, not the web site's HTML page.
    re_path(r"^api/(?P<rest>.*)$", _api_not_found, name="api_not_found"),
    path("accounts/tokens/", include("tandem.api.token_urls")),
]
