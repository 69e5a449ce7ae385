"""Security in a real browser: every page works under its Content-Security-Policy (the browser
reports no violation and logs no error), the video room loads the organisation's Jitsi server and
nothing else, and staff set up a second factor through the pages. The headers themselves are
tested in tests/lms/test_security.py."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone, translation
from django.utils.translation import gettext

from mentoring.models import Session
from mentoring.sessions import selectors, services
from tests.factories import PASSWORD, UserFactory, totp_code
from tests.mentoring.conftest import make_active_tandem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_DAY = [(day, "00:00", "23:59") for day in range(7)]


def session_in_its_window(tandem):
    now = timezone.now()
    slot = selectors.tandem_slots(
        tandem=tandem, length=60, start=now, end=now + timedelta(days=14)
    ).slots[0]
    session = services.session_book(
        tandem=tandem, start=slot.start, length=60, by=tandem.mentee.user
    ).session
    start = now + timedelta(minutes=5)  # test setup: the join window opens
    Session.objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
    )
    return session


VIOLATIONS = """window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  [e.effectiveDirective, e.blockedURI, e.sourceFile].join(" ")));"""


def test_pages_work_under_their_policies_in_the_browser(
    browser_session, site_settings, content_page
):
    """No page - public, personal, the API documentation, the Wagtail admin with its editor and
    preview - breaks a rule of its policy: the browser reports no violation and logs no error."""
    page = browser_session.page
    page.add_init_script(VIOLATIONS)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    def visit(path: str, *, accessible: bool = True) -> None:
        errors.clear()
        if accessible:
            browser_session.visit(path)
        else:
            assert browser_session.page.goto(browser_session.url(path)).status == 200
            page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
        assert errors == [], (path, errors)

    for path in ("/", "/ueber-uns/", "/accounts/login/", "/api/v1/docs/"):
        visit(path)
    editor = UserFactory(groups=["Redaktion"])
    browser_session.login(editor.email, PASSWORD)
    assert page.url.endswith("/me/")
    for path in ("/me/", "/accounts/2fa/", "/"):  # "/" now with Wagtail's user bar
        visit(path)
    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{content_page.pk}/edit/",
        f"/admin/settings/cms/sitesettings/{site_settings.site_id}/",
        "/admin/images/multiple/add/",
    ):
        visit(path, accessible=False)  # Wagtail's own markup is not ours to check with axe
    # The preview panel frames the page's preview: allowed for the admin only.
    page.goto(browser_session.url(f"/admin/pages/{content_page.pk}/edit/"))
    page.locator("[data-side-panel-toggle='preview']").first.click()
    page.frame_locator("#w-preview-iframe").locator("h1").wait_for()
    assert page.evaluate("window.__csp") == []

    # Redoc's footer shows a logo from cdn.redoc.ly: the policy blocks it, nothing else.
    answered: list[str] = []
    page.on("response", lambda response: answered.append(response.url))
    page.goto(browser_session.url("/api/v1/redoc/"))
    page.wait_for_load_state("networkidle")
    page.locator("main h1").first.wait_for()
    assert [v for v in page.evaluate("window.__csp") if "cdn.redoc.ly" not in v] == []
    assert answered and all(
        url.startswith((browser_session.base_url, "blob:" + browser_session.base_url))
        for url in answered
    ), answered


def test_video_room_loads_the_jitsi_server_under_its_policy(
    browser_session, site_settings, settings
):
    """The room's script and frame come from the organisation's Jitsi server (a stand-in here);
    the policy lets exactly that through, and the frame may use camera and microphone."""
    from tests.support.jitsi_standin import JitsiStandIn

    tandem = make_active_tandem(windows=ALL_DAY)
    session = session_in_its_window(tandem)
    page = browser_session.page
    page.add_init_script(VIOLATIONS)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    with JitsiStandIn(app_id="tandem", app_secret="s" * 40) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        browser_session.login(tandem.mentee.user.email, PASSWORD)
        response = page.goto(browser_session.url(f"/mentoring/sessions/{session.uuid}/join/"))
        assert server.base_url in response.headers["content-security-policy"]
        page.locator("#jitsi-enter").click()
        room = page.frame_locator("#jitsi-room iframe").locator("#room-status")
        room.wait_for()
        assert "betreten" in room.inner_text()
        assert "/external_api.js" in server.requests
        assert page.evaluate("window.__csp") == [] and errors == []
        camera = "document.featurePolicy.getAllowlistForFeature('camera')"  # Chromium's view of the header
        assert set(page.evaluate(camera)) == {browser_session.base_url, server.base_url}
        page.goto(browser_session.url(f"/mentoring/sessions/{session.uuid}/"))
        assert page.evaluate(camera) == []


def test_staff_set_up_an_authenticator_app_in_the_browser(browser_session, site_settings):
    """A trainer without a second factor logs in, is led to the set-up with an explanation,
    confirms the password, scans (reads) the secret and confirms a code - then the site opens."""
    trainer = UserFactory(groups=["Trainer:innen"], second_factor=False)
    page = browser_session.page
    page.add_init_script(VIOLATIONS)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    browser_session.login(trainer.email, PASSWORD)
    assert page.url.endswith("/accounts/2fa/")
    with translation.override("de"):
        assert gettext("Please set up a second factor") in page.locator("main").inner_text()
    browser_session.check_page()
    page.locator("main a[href='/accounts/2fa/totp/activate/']").click()
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    browser_session.check_page()
    assert page.locator("main img[src^='data:']").count() == 1  # the QR code, from no other server
    page.fill("input[name=code]", totp_code(page.input_value("#authenticator_secret")))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()
    browser_session.visit("/me/")
    assert page.url.endswith("/me/")
    assert page.evaluate("window.__csp") == [] and errors == []
