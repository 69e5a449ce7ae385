"""The account journey in a German Chromium, on a 375 px phone: sign up (the e-mailed link leads
to the site and the e-mail greets with the organisation's name), confirm, /me/, the privacy page
with a consent named in words, log out, reset the password, log in again. Every page has a
descriptive title, no horizontal scroll, and no serious or critical axe-core violation. The login
also works by keyboard only, with visible focus and a skip link."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory
from tests.mentoring.conftest import apply, make_programme

from .conftest import BrowserSession, screenshot_on_failure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
ORGANISATION = "Testverband e. V."
LINK = re.compile(r"https?://[^\s]+")


@pytest.fixture
def german_phone(browser, live_server):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield BrowserSession(page, live_server.url)
    context.close()


@pytest.fixture
def german_desktop(browser, live_server):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield BrowserSession(page, live_server.url)
    context.close()


def check(session: BrowserSession, name: str) -> None:
    """A descriptive title, and nothing wider than the phone."""
    page = session.page
    session.check_page()
    title = page.title()
    subject = title.rsplit(" – ", 1)[0].strip()
    assert subject and subject != ORGANISATION, f"{name}: title {title!r} names no page"
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: scrolls sideways at {widths[1]} px ({widths[0]} px)"


def mailed_path(session: BrowserSession, pattern: str) -> str:
    """The path of the link in the last e-mail: it starts with SITE_URL (the test server)."""
    body = mail.outbox[-1].body
    assert f"Hallo von {ORGANISATION}!" in body
    links = [link for link in LINK.findall(body) if pattern in link]
    assert links, body
    assert links[0].startswith("http://testserver/"), links[0]
    return urlsplit(links[0]).path


def test_account_journey_on_a_phone(german_phone, site_settings):
    session, page = german_phone, german_phone.page
    with screenshot_on_failure(page, "site-journey-phone"):
        session.visit("/accounts/signup/")
        check(session, "signup")
        assert page.title().startswith("Registrieren")
        page.get_by_label("Vorname").fill("Fatma")
        page.get_by_label("Nachname").fill("Yilmaz")
        page.locator("input[name=email]").fill("fatma@example.org")
        page.locator("input[name=password1]").fill("ein-langes-Passwort-7")
        page.locator("input[name=password2]").fill("ein-langes-Passwort-7")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        check(session, "verification sent")

        session.visit(mailed_path(session, "/accounts/confirm-email/"))
        check(session, "confirm e-mail")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/me/$"))
        check(session, "/me/")

        from lms.models import User

        apply(
            make_programme(),
            "mentee",
            "KV Süd",
            ["Führung"],
            user=User.objects.get(email="fatma@example.org"),
        )
        session.visit("/me/privacy/")
        check(session, "privacy")
        consents = page.locator("table").inner_text()
        assert "Mentoring-Programm „Mentoring für weibliche Führungskräfte“" in consents
        assert "mentoring-programme:" not in page.content()

        session.visit("/me/profile/")
        check(session, "profile")
        assert (
            page.locator("select[name=time_zone] option:checked")
            .inner_text()
            .startswith("Europa – Berlin (")
        )

        for path in ("/accounts/email/", "/accounts/password/change/", "/me/api-token/"):
            session.visit(path)
            check(session, path)

        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_load_state("networkidle")
        session.visit("/accounts/password/reset/")
        check(session, "password reset")
        page.locator("input[name=email]").fill("fatma@example.org")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        check(session, "password reset sent")

        session.visit(mailed_path(session, "/accounts/password/reset/key/"))
        page.wait_for_load_state("networkidle")
        check(session, "new password")
        page.locator("input[name=password1]").fill("ein-neues-Passwort-8")
        page.locator("input[name=password2]").fill("ein-neues-Passwort-8")
        page.get_by_role("button", name="Passwort ändern").click()
        page.wait_for_load_state("networkidle")
        check(session, "password changed")

        session.visit("/accounts/login/")
        check(session, "login")
        page.locator("input[name=login]").fill("fatma@example.org")
        page.locator("input[name=password]").fill("ein-neues-Passwort-8")
        page.get_by_role("button", name="Anmelden", exact=True).click()
        page.wait_for_url(re.compile(r"/me/$"))


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {tag: e.tagName, name: e.getAttribute('name') || '', cls: e.className || '',
                text: (e.innerText || '').trim(), outline: s.outlineStyle, width: s.outlineWidth,
                shadow: s.boxShadow, visible: r.width > 0 && r.height > 0 && r.top >= 0}; }"""
    )


def tab_to(page, predicate, limit: int = 40) -> dict:
    for _step in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["outline"] != "none" or element["shadow"] != "none", element
        if predicate(element):
            return element
    raise AssertionError("not reached by keyboard")


def test_login_by_keyboard_only(german_desktop, site_settings):
    user = UserFactory()
    session, page = german_desktop, german_desktop.page
    with screenshot_on_failure(page, "site-journey-keyboard"):
        session.visit("/accounts/login/")
        assert page.title() == f"Anmelden – {ORGANISATION}"
        page.keyboard.press("Tab")
        skip = focused(page)
        assert "skip-link" in skip["cls"] and skip["visible"], skip
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        tab_to(page, lambda e: e["name"] == "login")
        page.keyboard.type(user.email)
        tab_to(page, lambda e: e["name"] == "password")
        page.keyboard.type(PASSWORD)
        button = tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Anmelden")
        assert button["visible"]
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/me/$"))
        check(session, "/me/ after keyboard login")
