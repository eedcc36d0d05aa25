"""Pages where a person creates, lists and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.accounts.two_factor import second_factor_owed
from tandem.api import selectors, services
from tandem.api.forms import TokenForm
from tandem.api.reference import api_reference


def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation, drawn from its OpenAPI description (see tandem.api.reference)."""
    return render(
        request,
        "api/reference.jinja",
        {"reference": api_reference(), "page_title": "Tandem API"},
    )


def _crumbs(*extra: tuple[str, str]) -> list[dict[str, str]]:
    items = [{"text": "Programmes", "href": reverse("programmes:list")}]
    items.extend({"text": text, "href": href} for text, href in extra)
    return items


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/token_list.jinja",
        {
            "tokens": list(selectors.tokens_for(viewer=request.user)),
            "now": timezone.now(),
            "page_title": "API tokens",
            "breadcrumbs": _crumbs(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_new(request: HttpRequest) -> HttpResponse:
    if second_factor_owed(request.user):
        # The middleware sends such a session to the two-step page first; this is the second lock:
        # a token made with a password alone would read everything the person's role allows.
        raise PermissionDenied("Give the code from your authenticator app before making a token.")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Rendered, not redirected: the token must never sit in a session or a URL.
            return render(
                request,
                "api/token_created.jinja",
                {
                    "token": created.token,
                    "raw": created.raw,
                    "page_title": "Your new API token",
                    "breadcrumbs": _crumbs(("API tokens", reverse("tokens:list"))),
                },
            )
    return render(
        request,
        "api/token_form.jinja",
        {
            "form": form,
            "page_title": "Create an API token",
            "breadcrumbs": _crumbs(("API tokens", reverse("tokens:list"))),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_for(viewer=request.user, token_id=token_id)
    if request.method == "POST":
        services.api_token_revoke(token=token, actor=request.user)
        messages.success(request, f"Revoked “{token.name}”: it no longer works.")
        return redirect("tokens:list")
    return render(
        request,
        "api/token_revoke.jinja",
        {
            "token": token,
            "page_title": f"Revoke “{token.name}”",
            "breadcrumbs": _crumbs(("API tokens", reverse("tokens:list"))),
        },
    )
