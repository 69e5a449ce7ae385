"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Every page visited through ``BrowserSession.visit`` is checked for two promises the site
makes to its users: nothing is loaded from another origin, and axe-core finds no serious or
critical accessibility violation."""

import contextlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
SCREENSHOTS = Path("/tmp/tandem-e2e")  # debugging aid only, never committed


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"Browser test cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency missing
        _unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


class BrowserSession:
    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.origin = urlsplit(self.base_url)[:2]
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, *, expect_status: int = 200):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == expect_status, (
            path,
            response and response.status,
        )
        self.check_page()
        return response

    def check_page(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.assert_only_own_origin()
        self.assert_accessible()

    def assert_only_own_origin(self) -> None:
        foreign = [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url)[:2] != self.origin
        ]
        assert not foreign, f"Requests to other origins: {foreign}"

    def assert_accessible(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        blocking = [
            (
                violation["id"],
                violation["help"],
                [node["target"] for node in violation["nodes"]][:5],
            )
            for violation in results.response["violations"]
            if violation.get("impact") in BLOCKING_IMPACTS
        ]
        assert not blocking, f"axe-core on {self.page.url}: {blocking}"

    def login(self, email: str, password: str) -> None:
        self.visit("/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("form[action='/accounts/login/'] button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        if "/accounts/2fa/authenticate/" in self.page.url:  # staff: the authenticator app's code
            from tests.factories import totp_code

            self.check_page()
            self.page.fill("input[name=code]", totp_code())
            self.page.click(
                "form[action='/accounts/2fa/authenticate/'] button[type=submit]:not([form])"
            )
            self.page.wait_for_load_state("networkidle")


@pytest.fixture
def browser_session(browser, live_server):
    # An English-speaking browser: the site must still answer in German until the person
    # chooses otherwise.
    context = browser.new_context(locale="en-US", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield BrowserSession(page, live_server.url)
    context.close()


@pytest.fixture
def new_session(browser, live_server):
    """Further people, each in a browser context of their own (own cookies, own language)."""
    contexts = []

    def open_session(*, timeout_ms: int = 15_000) -> BrowserSession:
        context = browser.new_context(locale="en-US", timezone_id="Europe/Berlin")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        return BrowserSession(page, live_server.url)

    yield open_session
    for context in contexts:
        context.close()


@contextlib.contextmanager
def screenshot_on_failure(page, name: str):
    """When the block fails, keep a screenshot and the HTML of the page in /tmp/tandem-e2e/."""
    try:
        yield
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            (SCREENSHOTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        raise
