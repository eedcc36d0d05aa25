from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest

from tandem.accounts import services
from tandem.accounts.models import User


class AdminSetPasswordForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """The admin's "change password" form, saved through the service that audits the change,
    tells the person and ends their sessions and tokens (an administrator who knows someone's
    password can act as them)."""

    def save(self, commit: bool = True) -> Any:
        password = (
            self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        )
        services.user_password_set_by_admin(user=self.user, password=password, via="admin")
        return self.user


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):  # type: ignore[type-var]  # email-based user, not AbstractUser
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("full_name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    change_password_form = AdminSetPasswordForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.user_email_changed_by_admin(
                user=obj, old_email=form.initial.get("email", ""), actor=request.user
            )
