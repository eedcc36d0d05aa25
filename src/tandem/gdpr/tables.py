"""Plain rows for a subject-access export: the same shape for every app's hooks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models


def plain_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    """Plain rows (field → value; a `__` path follows relations) for JSON and CSV."""
    out = []
    for obj in queryset:
        row = {}
        for name in fields:
            value: Any = obj
            for part in name.split("__"):
                value = getattr(value, part, None) if value is not None else None
            row[name] = plain_value(value)
        out.append(row)
    return out
