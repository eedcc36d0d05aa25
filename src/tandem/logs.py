"""Logs: one line per request, and JSON lines for a log collector (`TANDEM_LOG_FORMAT=json`).

A request's line holds its id (the one in the `X-Request-ID` header and on its audit events), the
method, the *route* — the URL pattern, e.g. `s/<str:token>/autosave/`, never the path: a
respondent's link is their only key to their answers, and a path would put it in every log —,
the status, the time taken, and the user's id (never a name, an e-mail address or an answer).
gunicorn's own access log, which writes paths, is therefore off (`tandem serve`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("tandem.request")

# What a log record carries besides its message, as LogRecord attributes.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and every extra
    field the call passed (`logger.info("…", extra={…})`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Not the request object Django attaches to its own records: its text is the path.
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and k != "request"}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered, or what kind of request it was; never the path."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    path = request.path_info
    if path.startswith(("/" + str(settings.STATIC_URL).lstrip("/"), "/assets/")):
        return "static"
    return "unmatched"


def user_id_of(request: HttpRequest) -> int | str | None:
    """The logged-in user's id if the request already knows it: the log never costs a query (a
    respondent's autosave reads no session and no user)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is not None and wrapped is not empty:
        return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None
    session = getattr(request, "session", None)
    cache = getattr(session, "_session_cache", None)
    if isinstance(cache, dict):
        value = cache.get("_auth_user_id")
        return str(value) if value is not None else None
    return None


class PathsToRoutes(logging.Filter):
    """Django's own request records ("Internal Server Error: /s/<the respondent's token>/…") name
    the path: replace it with the route, on every record that carries the request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            path = getattr(request, "path", None)
            record.args = tuple(
                route_of(request) if arg == path and path else arg for arg in record.args
            )
        return True


class RequestLogMiddleware:
    """Write the request's line once the response is ready (after `RequestIdMiddleware`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        took = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "request_id": getattr(request, "request_id", ""),
            "method": request.method,
            "route": route_of(request),
            "status": response.status_code,
            "ms": took,
            "user_id": user_id_of(request),
        }
        logger.info(
            "%s %s %s %.1f ms user=%s request=%s",
            fields["method"],
            fields["route"],
            fields["status"],
            took,
            fields["user_id"] or "-",
            fields["request_id"],
            extra=fields,
        )
        return response
