from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    """Django's admin, for superusers only.

    Programme leads, sponsors and coaches work through Tandem's own pages, where the privacy
    rules are enforced in selectors; the admin bypasses those, so `is_staff` alone is not enough.
    """

    site_header = "Tandem administration"
    site_title = "Tandem administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
