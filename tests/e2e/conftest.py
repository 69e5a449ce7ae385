"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Every page visited through ``BrowserSession.visit`` is checked for two promises the site
makes to its users: nothing is loaded from another origin, and axe-core finds no serious or
critical accessibility violation."""

import contextlib
import os
import time
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
FINISH_ANIMATIONS = """() => Promise.race([
  Promise.all(
    document.getAnimations()
      .filter((animation) => {
        const timing = animation.effect && animation.effect.getComputedTiming();
        return animation.playState === "running" && timing && Number.isFinite(timing.endTime);
      })
      .map((animation) => animation.finished.catch(() => null))
  ),
  new Promise((resolve) => setTimeout(resolve, 3000)),
])"""
# Requests that may stay open as long as the page does (a <video>'s range requests, a stream):
# recorded like every request, but not waited for.
OPEN_ENDED = {"media", "websocket", "eventsource"}
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
        # Tracked from the page's creation, so that settle() also waits for requests that began
        # before it was called (during goto, a click or a fill).
        self.in_flight: set = set()
        self.last_network_event = time.monotonic()
        page.on("request", self._request_started)
        page.on("requestfinished", self._request_ended)
        page.on("requestfailed", self._request_ended)

    def _request_started(self, request) -> None:
        self.requests.append(request.url)
        if request.resource_type not in OPEN_ENDED:
            self.in_flight.add(request)
        self.last_network_event = time.monotonic()

    def _request_ended(self, request) -> None:
        self.in_flight.discard(request)
        self.last_network_event = time.monotonic()

    def settle(self, quiet_ms: int = 150, limit_ms: int = 10_000) -> None:
        """Wait until no request is in flight and none began or ended for quiet_ms (and at
        least quiet_ms after the call).

        Replaces wait_for_load_state("networkidle"), which always waits 500 ms of silence.
        Playwright dispatches the page's events while wait_for_timeout runs, so every request
        the page makes until then is in self.requests. Open-ended requests (OPEN_ENDED) are
        not waited for. Gives up silently after limit_ms: the checks that follow still run
        (and fail if what they check has not arrived)."""
        start = time.monotonic()
        deadline = start + limit_ms / 1000
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(20)
            # Quiet since the last event and since the call: a click's request may not have
            # been sent yet when settle() begins.
            quiet = time.monotonic() - max(self.last_network_event, start)
            if not self.in_flight and quiet >= quiet_ms / 1000:
                return

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
        self.settle()
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

        # Colours are judged as they end up, not in the middle of a fade-in (the admin's
        # messages fade in): wait for the page's finite CSS animations and transitions to end.
        self.page.evaluate(FINISH_ANIMATIONS)
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
        # Every login here succeeds: wait for the answer to leave the login page before looking
        # where it led (under CI load the form's request can start after settle() found the
        # page quiet, and a staff login's code page was then missed).
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        self.settle()
        if "/accounts/2fa/authenticate/" in self.page.url:  # staff: the authenticator app's code
            from tests.factories import totp_code

            self.check_page()
            self.page.fill("input[name=code]", totp_code())
            self.page.click(
                "form[action='/accounts/2fa/authenticate/'] button[type=submit]:not([form])"
            )
            self.settle()


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
