import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_german(browser_session, site_settings):
    browser_session.visit("/")
    page = browser_session.page
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Willkommen"
    assert page.get_by_role("link", name="Zum Hauptinhalt springen").count() == 1
    assert (
        page.get_by_role("navigation", name="Hauptnavigation")
        .get_by_role("link", name="Über uns")
        .count()
        == 1
    )
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="Datenschutzhinweise").count() == 1
    assert footer.get_by_role("link", name="Impressum").count() == 1


def test_language_switch_to_english_and_back(browser_session, site_settings):
    browser_session.visit("/")
    page = browser_session.page
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    browser_session.check_page()
    # The choice sticks on the next page.
    browser_session.visit("/ueber-uns/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "de"


def test_skip_link_moves_keyboard_focus_to_main_content(browser_session, site_settings):
    browser_session.visit("/")
    page = browser_session.page
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Hauptinhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_login_and_logout(browser_session, site_settings):
    user = UserFactory(first_name="Lena")
    browser_session.login(user.email, PASSWORD)
    page = browser_session.page
    assert page.url.endswith("/me/")
    assert page.locator("h1").inner_text() == "Mein Bereich"
    assert "Lena" in page.locator("main").inner_text()
    browser_session.check_page()
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("networkidle")
    if page.url.endswith("/accounts/logout/"):  # allauth asks for confirmation when reached by link
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Anmelden").count() == 1


def test_wrong_password_keeps_email_and_explains(browser_session, site_settings):
    user = UserFactory()
    browser_session.visit("/accounts/login/")
    page = browser_session.page
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "falsch-falsch")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.input_value("input[name=login]") == user.email
    assert "Passwort sind leider falsch" in page.locator("main").inner_text()
    browser_session.check_page()


def test_admin_opens_for_editor(browser_session, site_settings):
    editor = UserFactory(groups=["Redaktion"])
    browser_session.login(editor.email, PASSWORD)
    response = browser_session.page.goto(browser_session.url("/admin/"))
    assert response.status == 200
    page = browser_session.page
    page.wait_for_load_state("networkidle")
    assert "/accounts/login" not in page.url
    assert (
        page.get_by_role("heading", name="Musterverband").count() + page.locator("main").count()
        >= 1
    )
    browser_session.check_page()
    browser_session.visit("/admin/pages/")


@pytest.mark.parametrize(
    "path",
    [
        "/ueber-uns/",
        "/search/?q=Willkommen",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/api/v1/docs/",
        "/gibt-es-nicht/",
    ],
)
def test_public_pages_are_local_and_accessible(browser_session, site_settings, path):
    browser_session.visit(path, expect_status=404 if path == "/gibt-es-nicht/" else 200)


def test_personal_pages_are_local_and_accessible(browser_session, site_settings):
    user = UserFactory()
    browser_session.login(user.email, PASSWORD)
    for path in [
        "/me/",
        "/me/profile/",
        "/me/api-token/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]:
        browser_session.visit(path)
