"""Hardening: security headers (CSP with nonces, Permissions-Policy), the lockout after wrong
passwords on the login, rate limits of the API and the booking form, cookies in production.
The pages under these policies in a real browser: tests/e2e/test_security_journey.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.signals import password_reset
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from lms import security
from mentoring.models import Session
from mentoring.sessions import selectors, services
from tests.factories import PASSWORD, UserFactory
from tests.mentoring.conftest import make_active_tandem

ROOT = Path(__file__).resolve().parents[2]
JITSI = "https://meet.example.org"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def nonce_of(directives) -> str:
    nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1, directives["script-src"]
    return nonces[0][len("'nonce-") : -1]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # throttles, allauth's rate limits and used codes live in the shared test cache
    yield
    cache.clear()


# --- Content-Security-Policy --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/ueber-uns/", "/accounts/login/", "/search/?q=x"])
def test_public_pages_have_a_strict_policy_with_a_fresh_nonce(client, site_settings, path):
    first, second = client.get(path), client.get(path)
    assert first.status_code == 200
    directives = policy(first)
    assert directives["default-src"] == ["'self'"]
    assert set(directives["script-src"]) == {"'self'", f"'nonce-{nonce_of(directives)}'"}
    assert directives["style-src"] == ["'self'"]
    assert set(directives["img-src"]) == {"'self'", "data:"}
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in first["Content-Security-Policy"]
    assert "'unsafe-eval'" not in first["Content-Security-Policy"]
    assert nonce_of(directives) != nonce_of(policy(second))
    assert len(nonce_of(directives)) >= 20


def test_swagger_ui_runs_its_one_inline_script_with_the_nonce(client):
    response = client.get(reverse("api-docs"))
    directives = policy(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", html)
    assert inline == [f' nonce="{nonce_of(directives)}"']


def test_redoc_loads_nothing_from_third_parties_and_gets_styles_only(client):
    response = client.get(reverse("api-redoc"))
    directives = policy(response)
    html = response.content.decode()
    assert "googleapis" not in html and "fonts.gstatic" not in html
    inline = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", html)
    assert all(attributes == f' nonce="{nonce_of(directives)}"' for attributes in inline)
    assert set(directives["style-src"]) == {"'self'", "'unsafe-inline'"}
    assert set(directives["script-src"]) == {"'self'", f"'nonce-{nonce_of(directives)}'"}


def test_wagtail_admin_gets_inline_scripts_but_no_nonce_and_may_frame_itself(client, site_settings):
    editor = UserFactory(groups=["Redaktion"])
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert set(directives["script-src"]) == {
        "'self'",
        "'unsafe-inline'",
    }  # a nonce would disable it
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert policy(client.get("/"))["frame-ancestors"] == ["'none'"]


def test_page_previews_in_the_admin_may_be_framed_by_it(rf, site_settings, content_page):
    """Wagtail renders a preview through the whole middleware chain with a request for the page's
    own URL, marked is_preview; the admin frames it."""
    original = rf.get(reverse("wagtailadmin_pages:preview_on_edit", args=[content_page.pk]))
    original.user = UserFactory(groups=["Redaktion"])
    response = content_page.make_preview_request(original)
    assert response.status_code == 200 and content_page.title in response.content.decode()
    assert policy(response)["frame-ancestors"] == ["'self'"]


def _session_in_its_window(tandem):
    now = timezone.now()
    slot = selectors.tandem_slots(
        tandem=tandem, length=60, start=now, end=now + timedelta(days=14)
    ).slots[0]
    session = services.session_book(
        tandem=tandem, start=slot.start, length=60, by=tandem.mentee.user
    ).session
    start = now + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
    )
    return session


@pytest.fixture
def jitsi(settings):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org"
    settings.TANDEM_VIDEO_JITSI_SCHEME = "https"
    settings.TANDEM_VIDEO_JITSI_APP_ID = "tandem"
    settings.TANDEM_VIDEO_JITSI_APP_SECRET = "s" * 40
    return JITSI


def test_video_room_allows_exactly_the_jitsi_server(client, site_settings, jitsi):
    tandem = make_active_tandem(windows=[(day, "00:00", "23:59") for day in range(7)])
    session = _session_in_its_window(tandem)
    client.force_login(tandem.mentee.user)
    response = client.get(reverse("mentoring:session-join", args=[session.uuid]))
    assert response.status_code == 200 and 'id="jitsi-enter"' in response.content.decode()
    directives = policy(response)
    assert set(directives["script-src"]) == {"'self'", f"'nonce-{nonce_of(directives)}'", JITSI}
    assert set(directives["frame-src"]) == {
        "'self'",
        JITSI,
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    }
    assert directives["style-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "display-capture"):
        assert f'{feature}=(self "{JITSI}")' in permissions
    assert "geolocation=()" in permissions

    detail = client.get(reverse("mentoring:session", args=[session.uuid]))
    assert JITSI not in detail["Content-Security-Policy"]
    assert "camera=()" in detail["Permissions-Policy"] and JITSI not in detail["Permissions-Policy"]


def test_video_room_without_a_server_adds_no_origin(client, site_settings, settings):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = ""
    tandem = make_active_tandem(windows=[(day, "00:00", "23:59") for day in range(7)])
    session = _session_in_its_window(tandem)
    client.force_login(tandem.mentee.user)
    response = client.get(reverse("mentoring:session-join", args=[session.uuid]))
    assert set(policy(response)["script-src"]) == {
        "'self'",
        f"'nonce-{nonce_of(policy(response))}'",
    }
    assert "camera=(self)" in response["Permissions-Policy"]


def test_jitsi_origin_is_a_plain_origin_or_nothing(settings):
    settings.TANDEM_VIDEO_JITSI_SCHEME = "https"
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "Meet.Example.org:8443"
    assert security.jitsi_origin() == "https://meet.example.org:8443"
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org; script-src *"
    assert security.jitsi_origin() == ""


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/programmes/", "/admin/login/"])
def test_camera_microphone_and_the_like_are_denied_everywhere_else(client, site_settings, path):
    permissions = client.get(path)["Permissions-Policy"]
    for feature in ("camera", "microphone", "display-capture", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert "self" not in permissions


def test_the_older_headers_stay(client, site_settings):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- Lockout after wrong passwords --------------------------------------------------------------


def attempt(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def only_the_lockout(settings):
    """allauth's own limit on failed logins would answer first from the sixth attempt on."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": None}


def test_lockout_after_five_wrong_passwords_then_even_the_right_one_fails(
    client, site_settings, only_the_lockout
):
    user = UserFactory()
    with translation.override("de"):
        locked = security.lockout_message()
        mismatch = gettext("The email address and/or password you specified are not correct.")
    for _ in range(4):
        response = attempt(client, user.email, "falsch-falsch")
        assert response.status_code == 200 and mismatch in response.content.decode()
    fifth = attempt(
        client, user.email.upper(), "falsch-falsch"
    )  # one e-mail address, however it is spelled
    assert fifth.status_code == 429 and locked in fifth.content.decode()
    assert 'name="login"' in fifth.content.decode()  # the form, with its message, not an error page
    right = attempt(client, user.email, PASSWORD)
    assert right.status_code == 429 and locked in right.content.decode() and not signed_in(client)
    assert "15" in locked

    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, user.email, PASSWORD).status_code == 302 and signed_in(client)
    assert not AccessAttempt.objects.exists()  # cleaned up: no lasting record of attempts


def test_lockout_message_in_english_when_chosen(client, site_settings, only_the_lockout, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    attempt(client, user.email, "falsch")
    response = attempt(client, user.email, "falsch")
    with translation.override("en"):
        assert (
            response.status_code == 429 and security.lockout_message() in response.content.decode()
        )
    assert (
        "2 minutes" not in response.content.decode() and "15 minutes" in response.content.decode()
    )


def test_lockout_counts_per_address_and_account(site_settings, only_the_lockout, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user, other = UserFactory(), UserFactory()
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        attempt(attacker, user.email, "falsch")
    assert attempt(attacker, user.email, PASSWORD).status_code == 429
    assert attempt(attacker, other.email, PASSWORD).status_code == 302  # another account from there
    colleague = Client(REMOTE_ADDR="198.51.100.20")
    assert attempt(colleague, user.email, PASSWORD).status_code == 302  # the account from elsewhere


def test_strangers_cannot_lock_the_owner_out_with_the_default_limits(site_settings):
    """allauth's limits and the lockout as configured: wrong passwords for her e-mail address from
    many other addresses do not keep the owner out at her own address."""
    user = UserFactory()
    for number in range(12):
        stranger = Client(REMOTE_ADDR=f"203.0.113.{number + 1}")
        for _ in range(4):
            attempt(stranger, user.email, "falsch-falsch")
    owner = Client(REMOTE_ADDR="198.51.100.20")
    response = attempt(owner, user.email, PASSWORD)
    assert response.status_code == 302 and signed_in(owner)


def test_with_allauths_limit_too_the_right_password_fails_with_a_message(client, site_settings):
    user = UserFactory()
    for _ in range(5):
        attempt(client, user.email, "falsch-falsch")
    response = attempt(client, user.email, PASSWORD)
    assert response.status_code in (200, 429) and not signed_in(client)
    with translation.override("de"):
        messages = {
            security.lockout_message(),
            gettext("Too many failed login attempts. Try again later."),
        }
    assert any(message in response.content.decode() for message in messages)


def test_a_new_password_by_e_mail_lifts_the_lockout(
    client, site_settings, only_the_lockout, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory()
    attempt(client, user.email, "falsch")
    assert attempt(client, user.email, "falsch").status_code == 429
    assert attempt(client, user.email, PASSWORD).status_code == 429
    password_reset.send(sender=get_user_model(), request=None, user=user)
    assert attempt(client, user.email, PASSWORD).status_code == 302 and signed_in(client)


def test_locked_out_reauthentication_gets_a_page_not_an_error(
    client, site_settings, only_the_lockout, settings
):
    settings.AXES_FAILURE_LIMIT = 1
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": "falsch"})
    assert response.status_code == 429
    with translation.override("de"):
        assert security.lockout_message() in response.content.decode()


def test_logins_without_a_request_pass_the_lockout_backend(db):
    user = UserFactory()
    assert (
        security.LockoutBackend().authenticate(None, username=user.email, password=PASSWORD) is None
    )
    assert Client().login(username=user.email, password=PASSWORD)


# --- Rate limits --------------------------------------------------------------------------------


def rates(settings, **changed):
    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **changed}
    settings.REST_FRAMEWORK = framework


def assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"status", "code", "detail"}
    assert body["status"] == 429 and body["code"] == "throttled" and body["detail"]
    assert int(response["Retry-After"]) > 0


def test_api_booking_scope_answers_429_in_the_error_shape(settings, db):
    rates(settings, booking="2/hour")
    tandem = make_active_tandem()
    client = APIClient()
    client.force_authenticate(tandem.mentee.user)
    for _ in range(2):
        assert (
            client.post("/api/v1/sessions/", {"tandem": tandem.pk}, format="json").status_code
            == 400
        )
    assert_throttled(client.post("/api/v1/sessions/", {"tandem": tandem.pk}, format="json"))
    assert client.get("/api/v1/sessions/").status_code == 200  # reading is not booking
    other = APIClient()
    other.force_authenticate(tandem.mentor.user)
    assert (
        other.post("/api/v1/sessions/", {"tandem": tandem.pk}, format="json").status_code == 400
    )  # per person


def test_calendar_token_rotation_has_its_own_scope(settings, db):
    rates(settings, calendar_token="1/hour")
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.post("/api/v1/calendar-token/").status_code == 200
    assert_throttled(client.post("/api/v1/calendar-token/"))
    assert client.get("/api/v1/calendar-token/").status_code == 200


def test_anonymous_and_signed_in_rates(settings, db):
    rates(settings, anon="2/minute", user="3/minute")
    anonymous = APIClient()
    for _ in range(2):
        assert anonymous.get("/api/v1/programmes/").status_code == 200
    assert_throttled(anonymous.get("/api/v1/programmes/"))
    person = APIClient()
    person.force_authenticate(UserFactory())
    for _ in range(3):
        assert person.get("/api/v1/programmes/").status_code == 200
    assert_throttled(person.get("/api/v1/programmes/"))


def test_booking_form_is_limited_for_posts_only(client, site_settings, settings):
    settings.TANDEM_RATE_LIMITS = {"booking": "2/hour"}
    tandem = make_active_tandem()
    client.force_login(tandem.mentee.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    for _ in range(2):
        assert client.post(url, {"slot": ""}).status_code == 400
    response = client.post(url, {"slot": ""})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    with translation.override("de"):
        assert gettext("Too many requests") in response.content.decode()
    assert client.get(url).status_code == 200
    assert not Session.objects.exists()


def test_rate_parsing():
    from cms.ratelimit import parse_rate

    assert parse_rate("30/hour") == (30, 3600)
    assert parse_rate("5/m") == (5, 60)
    assert parse_rate("1/day") == (1, 86400)


def test_client_address_behind_trusted_proxies(rf, settings):
    from cms.ratelimit import client_ip

    through_proxy = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TANDEM_TRUSTED_PROXY_COUNT = 0
    settings.TANDEM_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(through_proxy) == "10.0.0.1"  # a spoofable header is ignored without a proxy
    settings.TANDEM_TRUSTED_PROXY_COUNT = 1
    assert (
        client_ip(through_proxy) == "203.0.113.9"
    )  # what our proxy saw, not what the client claims
    # A client that talks to the site directly cannot choose its address with the header.
    direct = rf.get("/", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(direct) == "192.0.2.50"
    settings.TANDEM_TRUSTED_PROXIES = []  # a count without declared proxies believes nobody
    assert client_ip(through_proxy) == "10.0.0.1"


def test_forged_forwarded_for_neither_escapes_throttles_nor_the_lockout(
    settings, site_settings, only_the_lockout
):
    """With the production defaults, a client that sends a new X-Forwarded-For with every request
    is still counted under its own address."""
    settings.TANDEM_TRUSTED_PROXY_COUNT = _production_settings()["TANDEM_TRUSTED_PROXY_COUNT"]
    rates(settings, anon="2/minute")
    client = APIClient(REMOTE_ADDR="192.0.2.50")
    for number in range(2):
        forged = {"HTTP_X_FORWARDED_FOR": f"6.6.6.{number}"}
        assert client.get("/api/v1/programmes/", **forged).status_code == 200
    assert_throttled(client.get("/api/v1/programmes/", HTTP_X_FORWARDED_FOR="6.6.6.9"))

    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory()
    browser = Client(REMOTE_ADDR="192.0.2.50")
    for number in range(2):
        browser.post(
            "/accounts/login/",
            {"login": user.email, "password": "falsch"},
            HTTP_X_FORWARDED_FOR=f"6.6.7.{number}",
        )
    response = browser.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.7.9",
    )
    assert response.status_code == 429 and not signed_in(browser)


# --- Cookies and sessions in production ---------------------------------------------------------


def _production_settings(**env) -> dict:
    """Values of the production settings module, read in a fresh process."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps("
        "{name: getattr(s, name) for name in ['TANDEM_TRUSTED_PROXY_COUNT', 'TANDEM_TRUSTED_PROXIES']}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "tandem.example.org",
        **env,
    }
    for name in ("TRUSTED_PROXY_COUNT", "TRUSTED_PROXIES"):
        if name not in env:
            environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_believes_no_forwarded_for_unless_a_proxy_is_declared():
    assert _production_settings() == {
        "TANDEM_TRUSTED_PROXY_COUNT": 0,
        "TANDEM_TRUSTED_PROXIES": [],
    }
    assert _production_settings(TRUSTED_PROXY_COUNT="1", TRUSTED_PROXIES="10.0.0.2, fd00::/64") == {
        "TANDEM_TRUSTED_PROXY_COUNT": 1,
        "TANDEM_TRUSTED_PROXIES": ["10.0.0.2", "fd00::/64"],
    }


def test_production_cookies_and_sessions():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.LANGUAGE_COOKIE_HTTPONLY, s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE,"
        " s.TANDEM_REQUIRE_MFA_FOR_STAFF, s.AXES_FAILURE_LIMIT, s.TANDEM_TRUSTED_PROXY_COUNT]))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "tandem.example.org",
    }
    environment.pop("REQUIRE_MFA_FOR_STAFF", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    secure, csrf, language, httponly, language_httponly, age, at_close, mfa, limit, proxies = (
        json.loads(result.stdout)
    )
    assert secure and csrf and language and httponly and language_httponly
    assert age == 24 * 3600 and at_close is False
    assert mfa is True and limit == 5 and proxies == 0
