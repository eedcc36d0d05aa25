"""The current request's id, so services can audit without being handed the request."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("tandem_request_id", default="")
# The request being served, so that services called from a view can name who acted without every
# caller passing the user down. Outside a request (CLI, tasks) `acting_as` sets a label instead.
_request: ContextVar[HttpRequest | None] = ContextVar("tandem_request", default=None)
_label: ContextVar[str] = ContextVar("tandem_actor_label", default="")
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def current_request_id() -> str:
    return _request_id.get()


def current_actor() -> Any:
    """The logged-in user of the request being served, or None (anonymous, CLI, tasks)."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def current_actor_label() -> str:
    return _label.get()


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Name the actor of writes made outside a web request, e.g. "command line: tandem import".

    The label is stored in audit events, which can never be changed: name the tool, never a
    person (no name, no e-mail address), or an erasure could not remove it.
    """
    token = _label.set(label)
    try:
        yield
    finally:
        _label.reset(token)


class RequestIdMiddleware:
    """Give every request an id (a proxy's `X-Request-ID` if well-formed, else a new one).

    The id is echoed in the response header and recorded on every audit event of the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(request_token)
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
