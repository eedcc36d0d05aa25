"""A form backed by a service: on a valid POST call it, say so, go on; else show every error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")


def apply_errors(form: Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: by field where it names one, else for the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def service_form(
    request: HttpRequest,
    form: Form,
    *,
    save: Callable[[dict[str, Any]], T],
    done: Callable[[T], HttpResponse],
    again: Callable[[Form], HttpResponse],
    message: Callable[[T], str] | str | None = None,
) -> HttpResponse:
    """POST: `save(cleaned_data)` (a service call) → success `message` → `done(result)`;
    otherwise (GET, or errors from the form or the service) `again(form)` renders the page, with
    status 400 when a submitted form is shown again."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return done(result)
    response = again(form)
    if form.is_bound and response.status_code == 200:
        response.status_code = 400
    return response
