from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem import settings as tandem_settings


def read_setting(expression: str, **env: str) -> str:
    """Evaluate a setting in a fresh interpreter, as a newly started app server would."""
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    full_env.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"from tandem import settings as s; print({expression})"],
        env=full_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_default_database_is_a_sqlite_file_in_var_with_wal_and_busy_timeout(tmp_path) -> None:
    engine = read_setting("s.DATABASES['default']['ENGINE']", TANDEM_HOME=str(tmp_path))
    name = read_setting("s.DATABASES['default']['NAME']", TANDEM_HOME=str(tmp_path))
    options = read_setting("s.DATABASES['default']['OPTIONS']", TANDEM_HOME=str(tmp_path))
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "var" / "tandem.sqlite3")
    assert "journal_mode=WAL" in options
    assert "'timeout': 20" in options
    assert "IMMEDIATE" in options


def test_database_url_selects_postgresql(tmp_path) -> None:
    url = "postgres://tandem:secret@db.internal:5433/tandem_live"
    assert read_setting(
        "s.DATABASES['default']['ENGINE']", DATABASE_URL=url, TANDEM_HOME=str(tmp_path)
    ) == ("django.db.backends.postgresql")
    assert (
        read_setting("s.DATABASES['default']['PORT']", DATABASE_URL=url, TANDEM_HOME=str(tmp_path))
        == "5433"
    )


def test_unreadable_database_url_is_a_clear_configuration_error(tmp_path) -> None:
    with pytest.raises(subprocess.CalledProcessError) as excinfo:
        read_setting("1", DATABASE_URL="nosuchdb://x", TANDEM_HOME=str(tmp_path))
    assert "DATABASE_URL is not a database address Tandem understands" in excinfo.value.stderr


def test_secret_key_comes_from_the_environment(tmp_path) -> None:
    assert (
        read_setting("s.SECRET_KEY", TANDEM_SECRET_KEY="k" * 60, TANDEM_HOME=str(tmp_path))
        == "k" * 60
    )


def test_without_a_secret_key_one_is_generated_once_and_kept(tmp_path) -> None:
    first = read_setting("s.SECRET_KEY", TANDEM_HOME=str(tmp_path), TANDEM_SECRET_KEY="")
    second = read_setting("s.SECRET_KEY", TANDEM_HOME=str(tmp_path), TANDEM_SECRET_KEY="")
    assert first == second
    assert len(first) >= 50
    assert oct((tmp_path / "var" / "secret.key").stat().st_mode & 0o777) == "0o600"


def test_port_and_debug_come_from_the_environment(tmp_path) -> None:
    assert read_setting("s.PORT", TANDEM_PORT="8123", TANDEM_HOME=str(tmp_path)) == "8123"
    assert read_setting("s.DEBUG", TANDEM_DEBUG="yes", TANDEM_HOME=str(tmp_path)) == "True"
    assert read_setting("s.DEBUG", TANDEM_HOME=str(tmp_path), TANDEM_DEBUG="") == "False"


def test_smtp_is_used_only_when_a_mail_host_is_set(tmp_path) -> None:
    """E-mail is always queued; the worker hands it to SMTP only when a host is set."""
    assert read_setting(
        "(s.EMAIL_BACKEND, s.TANDEM_EMAIL_DELIVERY_BACKEND)",
        TANDEM_HOME=str(tmp_path),
        TANDEM_EMAIL_HOST="",
    ) == (
        "('tandem.operations.mail.QueuedEmailBackend', "
        "'django.core.mail.backends.console.EmailBackend')"
    )
    assert (
        read_setting(
            "(s.TANDEM_EMAIL_DELIVERY_BACKEND, s.EMAIL_PORT)",
            TANDEM_HOME=str(tmp_path),
            TANDEM_EMAIL_HOST="smtp.trust.example",
            TANDEM_EMAIL_PORT="2525",
        )
        == "('django.core.mail.backends.smtp.EmailBackend', 2525)"
    )


def test_a_non_numeric_port_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("TANDEM_PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="TANDEM_PORT must be a whole number"):
        tandem_settings.env_int("TANDEM_PORT", 8000)


def test_sessions_are_kept_in_the_database_so_any_app_server_can_serve_a_request() -> None:
    assert tandem_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert tandem_settings.SESSION_COOKIE_HTTPONLY is True


def _production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tandem.settings",
        TANDEM_HOME=str(tmp_path),
        TANDEM_DEBUG="0",
        TANDEM_SECRET_KEY="production-" + "x7Qp2vL9mZ" * 6,
        TANDEM_BASE_URL="https://tandem.example.nhs.uk",
        TANDEM_ALLOWED_HOSTS="tandem.example.nhs.uk",
    )
    return env


def test_deployment_check_is_clean_under_production_settings(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_address_turns_on_secure_cookies_hsts_and_redirect(tmp_path) -> None:
    env = _production_env(tmp_path)
    expression = (
        "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )
    assert read_setting(expression, **env) == "(True, True, True, True, True, 'Lax')"


def test_plain_http_demo_address_keeps_cookies_usable(tmp_path) -> None:
    expression = "(s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    assert read_setting(expression, TANDEM_HOME=str(tmp_path), TANDEM_BASE_URL="") == (
        "(False, 0, False)"
    )


def test_passwords_are_hashed_with_argon2_outside_tests(tmp_path) -> None:
    hasher = read_setting("s.PASSWORD_HASHERS[0]", TANDEM_HOME=str(tmp_path))
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_several_single_sign_on_providers_are_read_by_their_keys(tmp_path) -> None:
    env = {
        "TANDEM_HOME": str(tmp_path),
        "TANDEM_OIDC_PROVIDERS": "nhsmail, Okta",
        "TANDEM_OIDC_NHSMAIL_ISSUER": "https://login.microsoftonline.com/tenant/v2.0",
        "TANDEM_OIDC_NHSMAIL_CLIENT_ID": "tandem-nhs",
        "TANDEM_OIDC_NHSMAIL_CLIENT_SECRET": "s1",
        "TANDEM_OIDC_NHSMAIL_NAME": "NHSmail",
        "TANDEM_OIDC_OKTA_ISSUER": "https://partner.okta.com",
    }
    providers = read_setting(
        "[(p['key'], p['name'], p['client_id']) for p in s.TANDEM_OIDC_PROVIDERS]", **env
    )
    assert providers == "[('nhsmail', 'NHSmail', 'tandem-nhs'), ('okta', 'okta', '')]"
    form_action = read_setting("s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']", **env)
    assert "'https://login.microsoftonline.com', 'https://partner.okta.com'" in form_action


def test_uploaded_files_stay_on_local_disk_unless_a_bucket_is_named(tmp_path) -> None:
    backend = read_setting("s.STORAGES['default']['BACKEND']", TANDEM_HOME=str(tmp_path))
    assert backend == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_keeps_files_private_and_never_overwrites_them(tmp_path) -> None:
    options = read_setting(
        "repr(s.STORAGES['default'])",
        TANDEM_HOME=str(tmp_path),
        TANDEM_S3_BUCKET="tandem-files",
        TANDEM_S3_ENDPOINT_URL="https://s3.trust.example",
        TANDEM_S3_REGION="eu-west-2",
        TANDEM_S3_PREFIX="/tandem/",
    )
    storage = ast.literal_eval(options)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "tandem-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.trust.example"
    assert storage["OPTIONS"]["location"] == "tandem"
    assert storage["OPTIONS"]["default_acl"] is None
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert storage["OPTIONS"]["access_key"] is None, "unset keys leave boto3 to the IAM role"
