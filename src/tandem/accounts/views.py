"""Log in by e-mail or single sign-on, log out, and set a password through an e-mailed link.

Django's own auth views do the work; Tandem supplies NHS.UK-styled templates and e-mail forms.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from tandem.accounts.forms import EmailLoginForm, EmailPasswordResetForm, NewPasswordForm
from tandem.accounts.oidc import SESSION_PROVIDER_KEY, configured_providers, provider_logout_url


class LoginView(auth_views.LoginView):
    """The password form, the single sign-on button, or both, as the installation is set up."""

    template_name = "accounts/login.jinja"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = "Log in"
        context["sso_providers"] = configured_providers()
        context["password_login"] = settings.TANDEM_PASSWORD_LOGIN
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.TANDEM_PASSWORD_LOGIN:
            context = self.get_context_data(password_refused=True)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Log out of Tandem and, after single sign-on, of the identity provider too when it can."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        provider_key = str(request.session.get(SESSION_PROVIDER_KEY) or "")
        response: HttpResponse = super().post(request, *args, **kwargs)
        provider_url = (
            provider_logout_url(request, str(id_token), provider_key) if id_token else None
        )
        return HttpResponseRedirect(provider_url) if provider_url else response


login = LoginView.as_view()
logout = LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.jinja",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    form_class=EmailPasswordResetForm,
    success_url=reverse_lazy("accounts:password_reset_done"),
    extra_context={"page_title": "Set or reset your password"},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.jinja",
    extra_context={"page_title": "Check your e-mail"},
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.jinja",
    form_class=NewPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
    extra_context={"page_title": "Choose a new password"},
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.jinja",
    extra_context={"page_title": "Password set"},
)
