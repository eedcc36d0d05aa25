"""Builds the versioned API (`/api/v1/`) from each app's router, with JSON errors throughout."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from tandem.api.auth import api_auth
from tandem.api.routers import routers

DESCRIPTION = """\
Read-only access to a Tandem installation with the same rules as the web pages: what you may
see here is exactly what you may see there, for each programme in which you have a role.

**Authentication.** Send a personal API token (create one at /accounts/tokens/) as
`Authorization: Bearer <token>`. A browser that is logged in may also call the API with its
session. A missing, mistyped, expired or revoked token gives 401.

**Errors.** Every error is JSON: `{"detail": "..."}`. A programme in which you have no role, or
an object that is not in it, gives 404 (whether it exists is not disclosed); a role that may not
see something gives 403.

**Privacy.** No endpoint returns one person's answers. Aggregates over fewer than the
programme's minimum group size (k) are hidden exactly as in the reports, with the reason.

**Lists** are paginated: `?page=1&page_size=50` (at most 100); the answer has `items` and `count`.
"""


logger = logging.getLogger(__name__)

DEFAULT_DETAIL = {
    401: "Log in, or send a personal API token as `Authorization: Bearer <token>`.",
    403: "You may not see this.",
    404: "Not found.",
}


def _json_error(api: NinjaAPI, status: int) -> Any:
    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = str(exc) if str(exc) not in {"", "Unauthorized"} else DEFAULT_DETAIL[status]
        response = api.create_response(request, {"detail": detail}, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="tandem"'
        return response

    return handler


def _server_error(api: NinjaAPI) -> Any:
    """Anything unexpected: logged with its request id, answered as JSON without a stack trace."""

    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        from tandem.audit.context import current_request_id

        request_id = current_request_id() or ""
        logger.exception("API error (request %s) on %s", request_id, request.path)
        detail = "Something went wrong on the server. It has been logged"
        detail += f" (request {request_id})." if request_id else "."
        return api.create_response(request, {"detail": detail}, status=500)

    return handler


def build_api(*, urls_namespace: str = "api-v1") -> NinjaAPI:
    api = NinjaAPI(
        title="Tandem API",
        version="1",
        description=DESCRIPTION,
        auth=api_auth(),
        urls_namespace=urls_namespace,
        openapi_url="/openapi.json",
        docs_url=None,  # drawn by tandem.api.reference instead
    )
    # Selectors raise Django's 404 and 403 subclasses with messages written for people; the API
    # passes those messages on rather than ninja's generic "Not Found".
    api.add_exception_handler(Http404, _json_error(api, 404))
    api.add_exception_handler(PermissionDenied, _json_error(api, 403))
    api.add_exception_handler(AuthenticationError, _json_error(api, 401))
    api.add_exception_handler(Exception, _server_error(api))
    for module in routers():
        api.add_router("", import_module(module).router)
    return api
