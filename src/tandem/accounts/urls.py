from django.urls import path

from tandem.accounts import two_factor, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("two-step/", two_factor.two_factor, name="two_factor"),
    path("two-step/set-up/<str:token>/", two_factor.two_factor_enrol, name="two_factor_enrol"),
    path("password/", views.password_reset, name="password_reset"),
    path("password/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/done/", views.password_reset_complete, name="password_reset_complete"),
]
