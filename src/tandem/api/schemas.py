"""What every router shares: error bodies, the responses each operation may give, pagination, ids.

Every error is `{"detail": "..."}` (a validation error's detail is the list of problems), and
every operation declares the errors it can answer with, so the OpenAPI document is complete and
schemathesis can hold each response to it.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.params import functions as params

from tandem.programmes.models import Programme
from tandem.programmes.selectors import programme_for

# The largest id a database integer holds: larger numbers in a URL are simply not found, rather
# than overflowing SQLite.
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


# Responses every authenticated operation can give besides its success.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut}
# ...and every operation inside a programme: 404 for a programme the caller has no role in (or an
# object not in it), 403 for a role that may not do this.
ERRORS: dict[int, Any] = {**AUTH_ERRORS, 403: ErrorOut, 404: ErrorOut}


def responses(success: Any) -> dict[int, Any]:
    return {200: success, **ERRORS}


class ApiRequest(HttpRequest):
    """A request that passed the API's authentication: `auth` is the caller's user."""

    auth: Any


def optional_query(**kwargs: Any) -> Any:
    return params.Query(None, **kwargs)


def slug_path() -> Any:
    return params.Path(
        ..., description="The programme's short name in its web address.", max_length=80
    )


def id_path(description: str) -> Any:
    return params.Path(..., description=description, ge=1, le=MAX_ID)


class Page(PageNumberPagination):
    """`?page=` (from 1) and `?page_size=` (up to 100); the answer has `items` and `count`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


def paged_list(
    router: Any, path: str, item: Any, *, summary: str, url_name: str | None = None
) -> Callable[[Callable[[ApiRequest, Programme], Any]], Any]:
    """A paged GET list of one programme's things: `fn(request, programme)` returns the items.

    Writes once what every such endpoint repeats: the route with its documented error responses,
    page-number pagination, and the programme resolved for the caller (404 outside it). The
    endpoint keeps `fn`'s name and docstring, so operation ids stay as they were.
    """

    def decorate(fn: Callable[[ApiRequest, Programme], Any]) -> Any:
        def endpoint(request: ApiRequest, slug: str = slug_path()) -> Any:
            return fn(request, programme_for(viewer=request.auth, slug=slug))

        endpoint.__name__ = endpoint.__qualname__ = fn.__name__
        endpoint.__module__ = fn.__module__
        endpoint.__doc__ = fn.__doc__
        extra = {"url_name": url_name} if url_name else {}
        return router.get(path, response=responses(list[item]), summary=summary, **extra)(
            paginate(Page)(endpoint)
        )

    return decorate
