"""The plugin set in a Wagtail site that is not ours (issue 7).

Builds the wheel, installs it with one extra into a fresh virtual environment, creates a new site
with ``wagtail start``, adds only ``courses`` (and, separately, only ``mentoring``) the way
docs/install.md says, migrates, runs ``check``, publishes a course page (a programme page) and
renders it: through the host's own base template.

Slow (a virtual environment per app, installed from the package index pip is configured with),
and independent of the database the suite runs on: a `pure` test, so CI runs it once, in the
PostgreSQL pass (the only pass that runs pure tests; the SQLite pass runs `db or pages`)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DJANGO_SETTINGS_MODULE") != "lms.settings.test",
        reason="uses neither the suite's database nor its settings; not again with a swapped page",
    ),
]


def run(*args, cwd: Path, env: dict | None = None, timeout: int = 900) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ".", cwd=ROOT)
    (built,) = out.glob("wagtail_tandem-*.whl")
    return built


# What a host adds to the settings and URLs that `wagtail start` wrote (docs/install.md).
SETTINGS = {
    "courses": """
INSTALLED_APPS = ["cms", "courses", "rest_framework", *INSTALLED_APPS]
""",
    "mentoring": """
INSTALLED_APPS = ["cms", "mentoring", "schedule", "rest_framework", *INSTALLED_APPS]
""",
}
# `wagtail start` leaves out Wagtail's settings app, which cms needs, and mentoring needs the video
# app for its sessions' rooms: the checks say so.
MISSING = {
    "courses": ["(cms.E001) 'cms' needs 'wagtail.contrib.settings'"],
    "mentoring": [
        "(cms.E001) 'cms' needs 'wagtail.contrib.settings'",
        "(mentoring.E100) 'mentoring' needs 'video'",
    ],
}
SETTINGS_APP = {
    "courses": """
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.settings"]
""",
    "mentoring": """
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.settings", "video"]
""",
}
URLS = {
    "courses": 'path("", include("courses.urls")), path("api/", include("courses.api.urls")),',
    "mentoring": 'path("", include("mentoring.urls")), path("", include("video.urls")), '
    'path("api/", include("mentoring.api.urls")),',
}
# Publishes a page of the app under the host's home page and renders it with the test client.
RENDER = {
    "courses": """
from courses.models import CourseCataloguePage, CoursePage
home = Page.objects.get(depth=2).specific
catalogue = home.add_child(instance=CourseCataloguePage(title="Kurse", slug="kurse"))
catalogue.save_revision().publish()
course = catalogue.add_child(instance=CoursePage(title="Digitale Beratung", slug="digitale-beratung",
                                             summary="Grundlagen der Onlineberatung.", duration_hours=6))
course.save_revision().publish()
url = course.url
""",
    "mentoring": """
from datetime import date, timedelta
from django.utils import timezone
from mentoring.models import Programme, ProgrammePage
home = Page.objects.get(depth=2).specific
now = timezone.now()
programme = Programme.objects.create(
    title="Cross-Mentoring 2027", applications_open=now, applications_close=now + timedelta(days=30),
    matching_on=date(2027, 3, 1), starts_on=date(2027, 3, 15), ends_on=date(2027, 12, 15))
page = home.add_child(instance=ProgrammePage(title="Cross-Mentoring 2027", slug="cross-mentoring",
                                             programme=programme))
page.save_revision().publish()
url = page.url
""",
}


@pytest.mark.parametrize("app", ["courses", "mentoring"])
def test_the_app_alone_in_a_new_wagtail_site(wheel, tmp_path, app):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python, pip = venv / "bin" / "python", venv / "bin" / "pip"
    run(
        pip,
        "install",
        "--quiet",
        f"{wheel}[{app}]",
        cwd=tmp_path,
        env={"PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    # Only the chosen app's extra: the other app's own libraries are not installed.
    other_libraries = {"courses": "scipy", "mentoring": "fpdf"}[app]
    probe = subprocess.run([python, "-c", f"import {other_libraries}"], capture_output=True)
    assert probe.returncode != 0, f"{other_libraries} should not come with wagtail-tandem[{app}]"

    run(venv / "bin" / "wagtail", "start", "hostsite", cwd=tmp_path)
    site = tmp_path / "hostsite"
    settings = site / "hostsite" / "settings" / "base.py"
    settings.write_text(settings.read_text() + SETTINGS[app])
    urls = site / "hostsite" / "urls.py"
    source = urls.read_text()
    assert 'path("", include(wagtail_urls)),' in source
    urls.write_text(
        source.replace(
            'path("", include(wagtail_urls)),', URLS[app] + '\n    path("", include(wagtail_urls)),'
        )
    )
    # The host's own base template, with a mark this test finds again in the rendered page.
    base = site / "hostsite" / "templates" / "base.html"
    base.write_text(base.read_text().replace("<body", "<body data-host-base-template"))

    env = {"DJANGO_SETTINGS_MODULE": "hostsite.settings.dev", "PYTHONPATH": ""}
    missing = subprocess.run(
        [python, "manage.py", "check"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert missing.returncode != 0 and all(message in missing.stderr for message in MISSING[app]), (
        missing.stderr
    )
    if app == "courses":  # courses alone needs no video app
        assert "'video'" not in missing.stderr
    settings.write_text(settings.read_text() + SETTINGS_APP[app])
    run(python, "manage.py", "migrate", "--noinput", cwd=site, env=env)
    checked = run(python, "manage.py", "check", cwd=site, env=env)
    assert "System check identified no issues" in checked, checked

    script = (
        "from wagtail.models import Page\n"
        + RENDER[app]
        + textwrap.dedent("""
        from django.test import Client
        response = Client().get(url)
        html = response.content.decode()
        print("STATUS", response.status_code, url)
        print(html)
    """)
    )
    output = run(python, "manage.py", "shell", "-c", script, cwd=site, env=env)
    head, html = output.split("STATUS ", 1)[1].split("\n", 1)
    assert head.split()[0] == "200", output[:3000]
    assert "data-host-base-template" in html  # the host's base.html around the page
    assert "js/hostsite.js" in html  # the host's own global script, from the same template
    assert {"courses": "Digitale Beratung", "mentoring": "Cross-Mentoring 2027"}[app] in html
    assert "tandem.css" not in html  # nothing of the reference site's base template
