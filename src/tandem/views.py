"""Project-wide views: the health check and the error pages (never a stack trace to a user)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: 200 when this process can query its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", exc)
        return JsonResponse(
            {"status": "error", "database": "unavailable", "reason": exc.__class__.__name__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _storage_ok() -> str:
    """Write, read back and delete a small file through the default storage (disk or S3)."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                return "unreadable"
    finally:
        default_storage.delete(name)
    return "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """For a load balancer deciding whether to send traffic, and for monitoring: 200 when the
    database answers, uploaded files can be written and read, and a worker was heard from in
    the last TANDEM_WORKER_STALE_SECONDS (otherwise e-mail and scheduled work stand still)."""
    from django.conf import settings
    from django.utils import timezone

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        logger.warning("Readiness: database unavailable: %s", exc)
        checks["database"] = "unavailable"
    try:
        checks["storage"] = _storage_ok()
    except Exception as exc:  # any storage failure (disk full, bucket refusing writes)
        logger.warning("Readiness: storage unavailable: %s", exc.__class__.__name__)
        checks["storage"] = "unavailable"
    if checks["database"] == "ok":
        from tandem.operations.models import WorkerHeartbeat

        latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True)
        beat = latest.first()
        if beat is None:
            checks["worker"] = "not running"
        else:
            age = (timezone.now() - beat).total_seconds()
            stale = age > settings.TANDEM_WORKER_STALE_SECONDS
            checks["worker"] = f"silent for {int(age)} s" if stale else "ok"
    else:
        checks["worker"] = "unknown"
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request, "error.jinja", {"page_title": title, "title": title, "text": text}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Something in the request was not right", "Go back and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    text = (
        str(exception)
        if exception and str(exception)
        else "Your role in this programme does not allow this."
    )
    return _error(request, 403, "You cannot do this", text)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, it may be out of date.",
    )


def storage_unavailable(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        503,
        "Your file could not be kept",
        "Tandem's file storage refused it, so nothing was uploaded or imported. Try again later. "
        "If it happens again, tell the people who run Tandem for your trust: the command "
        "“tandem check” names what the file storage needs.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        "Sorry, there is a problem with Tandem",
        "Nothing you entered has been lost that was saved before this page. Try again later.",
    )
