"""What every away-day page shares: the "Away days" breadcrumb, the one form page, the exports.

Built on the page layer (`tandem.web`): `render_page` adds the header, navigation and
`access` (the templates' rules read it), `service_form` runs form → service → message →
redirect, and `audited_download` writes the export's audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tandem.programmes.access import Access
from tandem.web import audited_download, service_form
from tandem.web.pages import SectionPage
from tandem.workshops.models import AwayDay

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


page = SectionPage("Away days", "workshops:home")


@dataclass(frozen=True)
class FormPage:
    """The words around a form: its heading and button, where "Go back" leads, and (optionally)
    a caption above the heading, a sentence below it, another template and more context."""

    title: str
    submit: str
    back: str
    caption: str = ""
    intro: str = ""
    template: str = "workshops/form_page.jinja"
    extra: Mapping[str, Any] = field(default_factory=dict)


def on_the_day(
    day: AwayDay,
    slug: str,
    title: str,
    submit: str,
    *,
    intro: str = "",
    extra: Mapping[str, Any] | None = None,
) -> FormPage:
    """A form about one away day: under the day's title, going back to the day's page."""
    back = reverse("workshops:away_day", args=[slug, day.pk])
    return FormPage(title, submit, back, caption=day.title, intro=intro, extra=extra or {})


def form_page(
    request: HttpRequest,
    access: Access,
    form: Form,
    words: FormPage,
    *,
    save: Callable[[dict[str, Any]], Any],
    message: Callable[[Any], str] | str | None = None,
    then: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """The form on its page; a valid POST calls `save` (one service), says `message` and goes on
    to `then(result)` — by default back where the form was opened from."""

    def again(bound: Form) -> HttpResponse:
        context = {
            "form": bound,
            "page_title": words.title,
            "submit": words.submit,
            "back_href": words.back,
            "caption": words.caption,
            "intro": words.intro,
            **words.extra,
        }
        return page(request, words.template, context, access=access)

    return service_form(
        request,
        form,
        save=save,
        done=lambda result: redirect(then(result) if then else words.back),
        again=again,
        message=message,
    )


def away_day_initial(request: HttpRequest) -> dict[str, int]:
    """Forms opened from an away day's page start with that day chosen."""
    value = request.GET.get("away_day", "")
    return {"away_day": int(value)} if value.isdigit() else {}


def export(
    request: HttpRequest,
    access: Access,
    *,
    what: str,
    fmt: str,
    rows: int,
    build: Mapping[str, Callable[[], bytes]],
    filename: str = "",
) -> HttpResponse:
    """An export in the format asked for (`build[fmt]()` makes it), audited as `workshops.export`."""
    return audited_download(
        actor=request.user,
        content=build[fmt](),
        filename=filename or f"{what}.{fmt}",
        content_type=PDF if fmt == "pdf" else XLSX,
        action="workshops.export",
        subject=access.programme,
        programme=access.programme,
        extra={"what": what, "format": fmt, "rows": rows},
    )
