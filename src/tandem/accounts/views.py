"""Log in by e-mail, log out, and set a password through an e-mailed link.

Django's own auth views do the work; Tandem supplies NHS.UK-styled templates and e-mail forms.
"""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from tandem.accounts.forms import EmailLoginForm, EmailPasswordResetForm, NewPasswordForm

login = auth_views.LoginView.as_view(
    template_name="accounts/login.jinja",
    authentication_form=EmailLoginForm,
    redirect_authenticated_user=True,
    extra_context={"page_title": "Log in"},
)
logout = auth_views.LogoutView.as_view()
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
