from django.urls import path

from tandem.accounts import oidc, two_factor, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    # Single sign-on; the callback is the redirect URI registered with the identity provider.
    path("oidc/start/", oidc.OidcLogin.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.OidcCallback.as_view(), name="oidc_callback"),
    path("two-step/", two_factor.two_factor, name="two_factor"),
    path("two-step/set-up/<str:token>/", two_factor.two_factor_enrol, name="two_factor_enrol"),
    path("password/", views.password_reset, name="password_reset"),
    path("password/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/done/", views.password_reset_complete, name="password_reset_complete"),
]
