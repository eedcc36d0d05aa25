"""Django's admin, for superusers only, with every change it makes written to the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse

# Where `construct_change_message` leaves the field names for `log_addition`/`log_change`.
_CHANGES = "_tandem_admin_changes"


def _changes(form: Any, formsets: Iterable[Any] | None) -> dict[str, Any]:
    """The names of the fields an admin form changed, and of the inline rows it touched.

    Names only: the values may be confidential, and the audit log never holds content. (Django's
    own change message also quotes each inline row's text, so it is not copied either.)
    """
    inlines: list[dict[str, Any]] = []
    for formset in formsets or []:
        for obj in formset.new_objects:
            inlines.append({"added": obj._meta.label_lower, "id": str(obj.pk)})
        for obj, fields in formset.changed_objects:
            inlines.append(
                {"changed": obj._meta.label_lower, "id": str(obj.pk), "fields": sorted(fields)}
            )
        for obj in formset.deleted_objects:
            inlines.append({"deleted": obj._meta.label_lower, "id": str(obj.pk)})
    changes: dict[str, Any] = {"fields": sorted(form.changed_data)}
    if inlines:
        changes["inlines"] = inlines
    return changes


def neutral_repr(obj: models.Model) -> str:
    """How the admin's own history names a record: by kind and number, e.g. "person 12"."""
    return f"{obj._meta.verbose_name} {obj.pk}"


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes "admin.add", "admin.change" and "admin.delete" audit events, in the admin's
    transaction, beside Django's own admin history (kept for the admin's history pages).

    Mixed into every ModelAdmin registered on the site (`SuperuserAdminSite.register`), so a
    third-party app's admin (django-otp's devices, django-axes' attempts) is audited too.

    Django's history would quote each record by its `__str__` (a person's name, an account's
    e-mail address) in `django_admin_log`, beyond the reach of an erasure; here it names records
    by kind and number instead, like the audit log.
    """

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        changes = _changes(form, formsets)
        setattr(request, _CHANGES, changes)
        message: Any = super().construct_change_message(request, form, formsets, add)
        # Django lists inline rows after the form's own entry, in the order `_changes` does.
        ids: Iterator[str] = iter([str(row["id"]) for row in changes.get("inlines", [])])
        for entry in message:
            for detail in entry.values():
                if isinstance(detail, dict) and "object" in detail:
                    detail["object"] = next(ids, "?")
        return message

    def _history(self, request: HttpRequest, obj: models.Model, flag: int, message: Any) -> Any:
        return LogEntry.objects.create(
            user_id=cast(int, request.user.pk),  # the admin serves logged-in superusers only
            content_type_id=get_content_type_for_model(obj).pk,
            object_id=str(obj.pk),
            object_repr=neutral_repr(obj)[:200],
            action_flag=flag,
            change_message=json.dumps(message) if isinstance(message, list) else message,
        )

    def _audit(self, request: HttpRequest, action: str, obj: models.Model) -> None:
        from tandem.audit.services import audit_record

        extra = getattr(request, _CHANGES, None) or {}
        if hasattr(request, _CHANGES):
            delattr(request, _CHANGES)
        audit_record(
            actor=request.user, action=action, subject=obj, extra={"via": "admin", **extra}
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, "admin.add", obj)
        return self._history(request, obj, ADDITION, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, "admin.change", obj)
        return self._history(request, obj, CHANGE, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = []
        for obj in queryset:
            self._audit(request, "admin.delete", obj)
            entries.append(self._history(request, obj, DELETION, ""))
        return entries

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        # Django runs list actions ("Delete selected …") outside a transaction; the deletions and
        # their audit events must stand or fall together.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)


class SuperuserAdminSite(admin.AdminSite):
    """Django's admin, for superusers only.

    Programme leads, sponsors and coaches work through Tandem's own pages, where the privacy
    rules are enforced in selectors; the admin bypasses those, so `is_staff` alone is not enough.
    Every model registered here is audited (`AuditedModelAdmin`).
    """

    site_header = "Tandem administration"
    site_title = "Tandem administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(
                admin_class.__name__,
                (AuditedModelAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
