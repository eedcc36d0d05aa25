from django.contrib import admin
from django.urls import include, path

from tandem import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("tandem.api.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("tandem.surveys.urls")),
    path("", include("tandem.reports.urls")),
    path("", include("tandem.coding.urls")),
    path("", include("tandem.coaching.urls")),
    path("", include("tandem.typology.urls")),
    path("", include("tandem.networks.urls")),
    path("", include("tandem.outcomes.urls")),
    path("", include("tandem.workshops.urls")),
    path("", include("tandem.audit.urls")),
    path("", include("tandem.gdpr.urls")),
    path("", include("tandem.operations.urls")),
    path("", include("tandem.programmes.urls")),
]

handler400 = "tandem.views.bad_request"
handler403 = "tandem.views.permission_denied"
handler404 = "tandem.views.page_not_found"
handler500 = "tandem.views.server_error"
