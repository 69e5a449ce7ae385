"""The site's address in e-mails follows the port `make run PORT=...` serves on."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_value(name: str, **env: str) -> str:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "lms.settings.dev", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_dev_site_url_follows_the_port():
    assert settings_value("WAGTAILADMIN_BASE_URL", PORT="8811") == "http://127.0.0.1:8811"
    assert settings_value("SITE_URL", PORT="8811") == "http://127.0.0.1:8811"
    assert settings_value("SITE_URL") == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins():
    value = settings_value("WAGTAILADMIN_BASE_URL", PORT="8811", SITE_URL="https://tandem.example/")
    assert value == "https://tandem.example"


def test_make_run_passes_the_port_to_the_server():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8811", "STAMP=Makefile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    runserver = next(line for line in result.stdout.splitlines() if "runserver" in line)
    assert "PORT=8811" in runserver and "127.0.0.1:8811" in runserver
