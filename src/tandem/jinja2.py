"""The Jinja environment behind every Tandem page: project templates, then the NHS.UK macros."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def date_format(value: dt.date | dt.datetime | None, fmt: str = "j F Y") -> str:
    """UK long dates ("3 March 2026"), as the NHS.UK style guide writes them."""
    if value is None:
        return ""
    return formats.date_format(value, fmt)


def moment(value: dt.datetime | None) -> str:
    """A moment in UK time: "3 March 2026, 09:00"."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "j F Y, H:i")


def number(value: float | None, places: int = 2) -> str:
    """A figure for a report: fixed decimals, a real minus sign, and a dash for nothing."""
    if value is None:
        return "–"
    text = f"{value:.{places}f}"
    return text.replace("-", "−")


def p_value(value: float | None) -> str:
    """p to three places, and "< 0.001" rather than a misleading 0.000."""
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def percent(value: float | None, places: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{places}f}%"


def environment(**options: Any) -> Environment:
    template_loader = options.pop("loader", None)
    app_dirs = [
        str(config.path) + "/templates"
        for config in apps.get_app_configs()
        if config.name.startswith("tandem.")
    ]
    loaders = [template_loader] if template_loader is not None else []
    loaders.append(FileSystemLoader(app_dirs))
    # nhsuk-frontend-jinja's templates need a forgiving undefined: they test missing keys freely.
    loaders.append(PackageLoader("nhsuk_frontend_jinja"))
    options["undefined"] = ChainableUndefined
    env = Environment(loader=ChoiceLoader(loaders), **options)  # noqa: S701 - autoescape is set in settings
    # Imported here: tandem.forms imports Django forms, which need the app registry ready.
    from tandem.forms import component_for, error_summary_items, nhsuk_params

    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "nhsuk_component": component_for,
            "nhsuk_params": nhsuk_params,
            "error_summary_items": error_summary_items,
        }
    )
    env.filters.update(
        {"date": date_format, "moment": moment, "num": number, "pct": percent, "pvalue": p_value}
    )
    return env
