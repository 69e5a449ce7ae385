"""Production refuses to run without its secrets, and is clean under `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "lms.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_and_hosts_says_what_to_set():
    result = manage("check")
    assert result.returncode != 0
    assert "lms.E001" in result.stderr and "SECRET_KEY" in result.stderr
    assert "lms.E002" in result.stderr and "ALLOWED_HOSTS=" in result.stderr


def test_production_rejects_a_short_secret_key():
    result = manage("check", SECRET_KEY="kurz", ALLOWED_HOSTS="tandem.example.org")
    assert (
        result.returncode != 0 and "lms.E001" in result.stderr and "lms.E002" not in result.stderr
    )


def test_production_check_deploy_is_clean_with_secrets():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "-throwaway-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="tandem.example.org",
        JITSI_DOMAIN="meet.example.org",
        JITSI_APP_ID="tandem",
        JITSI_APP_SECRET="s" * 48,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


DEPLOY = {
    "SECRET_KEY": "x" * 20 + "-throwaway-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "tandem.example.org",
    "JITSI_DOMAIN": "meet.example.org",
    "JITSI_APP_ID": "tandem",
    "JITSI_APP_SECRET": "s" * 48,
}


def test_a_proxy_count_without_declared_proxies_is_a_warning():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", TRUSTED_PROXY_COUNT="1", **DEPLOY
    )
    assert result.returncode != 0 and "cms.W003" in result.stderr
    assert "TRUSTED_PROXIES" in result.stderr
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TRUSTED_PROXY_COUNT="1",
        TRUSTED_PROXIES="10.0.0.2",
        **DEPLOY,
    )
    assert result.returncode == 0, result.stderr


def test_declared_proxies_without_a_count_are_a_warning():
    """Declared proxies but TRUSTED_PROXY_COUNT at its default 0: X-Forwarded-For is ignored, and
    behind the proxy every client would share the proxy's address for limits and the lockout."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", TRUSTED_PROXIES="10.0.0.2", **DEPLOY
    )
    assert result.returncode != 0 and "cms.W004" in result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_a_pooler_in_transaction_mode_gets_no_server_side_cursors():
    code = (
        "from django.db import connection; "
        "print(connection.settings_dict['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    shell = ("shell", "--no-imports", "-v", "0", "-c", code)
    assert manage(*shell, **DEPLOY).stdout.split() == ["False"]
    pooled = manage(*shell, DATABASE_DISABLE_SERVER_SIDE_CURSORS="true", **DEPLOY)
    assert pooled.stdout.split() == ["True"], pooled.stderr


def test_declared_proxies_must_be_addresses():
    result = manage("check", TRUSTED_PROXY_COUNT="1", TRUSTED_PROXIES="proxy.example", **DEPLOY)
    assert (
        result.returncode != 0 and "cms.E003" in result.stderr and "proxy.example" in result.stderr
    )


def test_production_refuses_video_sessions_without_a_jitsi_server():
    result = manage("check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="tandem.example.org")
    assert (
        result.returncode != 0
        and "mentoring.E001" in result.stderr
        and "JITSI_DOMAIN" in result.stderr
    )
    result = manage(
        "check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="tandem.example.org", SESSIONS_ENABLED="false"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "module", ["lms.settings.dev", "lms.settings.test", "lms.settings.production"]
)
def test_settings_read_the_environment(module):
    code = (
        "import django, json; from django.conf import settings; "
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'],"
        " settings.ALLOWED_HOSTS, settings.TASKS['default']['BACKEND'], settings.EMAIL_HOST]))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": module,
        "SECRET_KEY": "s" * 60,
        "DATABASE_URL": "postgres://u:p@db.example:5432/tandem",
        "REDIS_URL": "redis://cache.example:6379/1",
        "ALLOWED_HOSTS": "a.example,b.example",
        "EMAIL_HOST": "smtp.example",
        "TASK_BACKEND": "database",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    import json

    engine, cache, hosts, tasks, email_host = json.loads(result.stdout)
    assert engine == "django.db.backends.postgresql"
    assert email_host == "smtp.example"
    if module == "lms.settings.test":
        assert cache.endswith("LocMemCache") and tasks.endswith("ImmediateBackend")
    else:
        assert cache.endswith("RedisCache") and tasks == "django_tasks_db.DatabaseBackend"
        assert hosts == ["a.example", "b.example"]
