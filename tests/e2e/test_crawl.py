"""The crawl: the demo organisation as every one of its people sees it, in a real browser.

For each role (anonymous and every demo account; staff sign in with their authenticator app)
the browser starts at the home page, the personal area and, for staff, the Wagtail admin, and
follows every link it finds on the same origin, page by page. It records every request the
browser makes. Promised and asserted:

- no request goes to another origin, on any page, for any role: no CDN, font, analytics or embed
  (on the join page the configured Jitsi server is asked only after "Enter room": that exception
  is taken at the end, for the mentor whose session is about to begin);
- no page answers with a server error, and every page gets what it asks for (no 4xx for its
  videos, captions, images, scripts or API calls);
- axe-core finds no serious or critical violation, on one page of each kind (each view, and each
  page type of the Wagtail tree) per role;
- every page type of the site and the pages of every app were reached: a page type the crawl
  cannot reach by links is a gap in the navigation (or in the demo data), and fails the test.

The crawl is bounded (a few pages per kind and role); it reads only (GET), and skips logout,
downloads and the admin's changing actions."""

from __future__ import annotations

import re
from collections import Counter, deque
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.functional import empty
from django.utils.translation import gettext
from playwright.sync_api import Error as PlaywrightError
from wagtail.models import Site

from lms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from tests.conftest import ensure_wagtail_baseline
from tests.factories import TOTP_SECRET
from tests.support.jitsi_standin import JitsiStandIn

from .conftest import BrowserSession, screenshot_on_failure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_ID, APP_SECRET = "tandem-crawl", "crawl-secret-that-is-long-enough-for-hs256"
PAGES_PER_KIND = 2  # per role: enough to see a kind with and without its optional parts
SITE_PAGES = 60  # per role
ADMIN_PAGES = 12  # per staff role: the dashboard and what its menu links to

# Never followed: they end the visit, download a file, change something on GET, or are not pages.
SKIP = re.compile(
    r"""
    /accounts/logout/ | /admin/logout/ | /i18n/
  | /me/privacy/export/ | /calendar/.+\.ics | /feed/
  | /media/ | /private-media/ | /documents/ | /static/
  | \.(mp4|webm|vtt|srt|pdf|zip|ics|json|png|jpe?g|svg|txt)$
  | /api/v1/(?!docs/$)        # the API documentation is a page; the endpoints answer JSON
  | /admin/.*/(delete|unpublish|revert|lock|unlock|copy|move|convert_alias)/
  | /admin/.*(/preview|/history/|/usage/|/workflow/)
  | /admin/(reports|workflows|tasks|sites|locales|redirects|searchpromotions|forms|embeds)/
""",
    re.VERBOSE,
)


def _kind(path: str, root_url_path: str, pages: dict[str, str]) -> str:
    """What kind of page a path is: the URL pattern's name, or for Wagtail pages the page type."""
    try:
        match = resolve(path)
    except Resolver404:
        return "not found"
    if match.view_name == "wagtail_serve":
        return pages.get(root_url_path + path.lstrip("/"), "page: unknown")
    return match.view_name or match.route


class Crawl:
    def __init__(self, session: BrowserSession, *, role: str, staff: bool):
        self.session = session
        self.role = role
        self.staff = staff
        site = Site.objects.get(is_default_site=True)
        self.root = site.root_page.url_path
        self.pages = {
            page.url_path: f"page: {type(page).__name__}"
            for page in site.root_page.get_descendants(inclusive=True).live().specific()
        }
        self.seen: set[str] = set()
        self.per_kind: Counter[str] = Counter()
        self.kinds: set[str] = set()
        self.audited: set[str] = set()
        self.problems: list[str] = []
        self.failed: list[str] = []  # resources a page asked for and did not get
        session.page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.request.is_navigation_request()
                else None
            ),
        )

    def run(self, starts: list[str]) -> None:
        queue = deque(starts)
        counts = Counter()
        while queue:
            path = queue.popleft()
            area = "admin" if path.startswith("/admin/") else "site"
            if path in self.seen or counts[area] >= (
                ADMIN_PAGES if area == "admin" else SITE_PAGES
            ):
                continue
            kind = _kind(path.split("?")[0], self.root, self.pages)
            self.seen.add(path)
            if self.per_kind[kind] >= PAGES_PER_KIND:
                continue
            self.per_kind[kind] += 1
            counts[area] += 1
            for link in self.visit(path, kind):
                if link not in self.seen:
                    queue.append(link)

    def visit(self, path: str, kind: str) -> list[str]:
        page = self.session.page
        before, failed_before = len(self.session.requests), len(self.failed)
        try:
            response = page.goto(self.session.url(path))
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a file (trainer kit, video): no page
                self.kinds.add(kind)
                return []
            raise
        self.session.settle()
        status = response.status if response is not None else 0
        if status >= 500 or status == 0:
            self.problems.append(f"{self.role}: {path} answered {status}")
        self.kinds.add(kind)
        foreign = self.foreign(self.session.requests[before:])
        if foreign:
            self.problems.append(f"{self.role}: {path} requested {foreign}")
        if self.failed[failed_before:]:
            self.problems.append(
                f"{self.role}: {path} could not load {self.failed[failed_before:]}"
            )
        if (
            kind not in self.audited
            and status < 400
            and urlsplit(page.url).path == urlsplit(path).path
        ):
            self.audited.add(kind)
            try:
                self.session.assert_accessible()
            except AssertionError as failure:
                self.problems.append(f"{self.role}: {failure}")
        links = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
        return [found for found in map(self.local, links) if found is not None]

    def foreign(self, urls: list[str]) -> list[str]:
        return [
            url
            for url in urls
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url)[:2] != self.session.origin
        ]

    def local(self, url: str) -> str | None:
        """The path (and query) of a link worth following, or None."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or parts[:2] != self.session.origin:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if SKIP.search(parts.path) or (parts.path.startswith("/admin/") and not self.staff):
            return None
        return path


def _sign_in(session: BrowserSession, email: str) -> None:
    """The usual login (with the authenticator app's code for staff), then check it worked."""
    session.login(email, DEMO_PASSWORD)
    assert "/accounts/" not in session.page.url, f"{email} could not sign in: {session.page.url}"


@pytest.fixture
def demo(settings, tmp_path):
    """The demo organisation, as `make run` loads it; staff have an authenticator app, as the
    production rule requires; the mentor's next session is about to begin; Jitsi is the stand-in."""
    from courses.storage import private_storage

    settings.TANDEM_COURSES_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    private_storage._wrapped = empty
    ensure_wagtail_baseline()  # what migrations made and the flush of an earlier browser test removed
    cache.clear()
    seed_demo()
    for account in DEMO_ACCOUNTS:
        user = get_user_model().objects.get(email=account.email)
        if user.is_staff or account.groups or account.superuser:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(user, TOTP_SECRET)
    with JitsiStandIn(app_id=APP_ID, app_secret=APP_SECRET) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        yield server
    private_storage._wrapped = empty


ROLES = [("anonymous", None)] + [
    (account.email.split("@")[0], account) for account in DEMO_ACCOUNTS
]


def test_every_role_crawls_the_demo_without_third_parties(demo, new_session, live_server):
    from mentoring.models import Session

    reached: set[str] = set()
    problems: list[str] = []
    for role, account in ROLES:
        session = new_session(timeout_ms=30_000)
        staff = bool(account and (account.groups or account.superuser))
        with screenshot_on_failure(session.page, f"crawl-{role}"):
            if account is not None:
                _sign_in(session, account.email)
            crawl = Crawl(session, role=role, staff=staff)
            # The site search is a form, not a link: its results page is a start of its own.
            crawl.run(
                [
                    "/",
                    "/me/" if account else "/accounts/login/",
                    "/search/?q=Beratung",
                    *(["/admin/"] if staff else []),
                ]
            )
        reached |= crawl.kinds
        problems += crawl.problems
        session.page.context.close()

    assert not problems, "\n".join(problems)

    # Every page type with a live page in the demo, and the pages of every app, were reached.
    site = Site.objects.get(is_default_site=True)
    page_types = {
        f"page: {type(page).__name__}"
        for page in site.root_page.get_descendants(inclusive=True).live().public().specific()
    }
    assert page_types <= reached, f"page types no link leads to: {sorted(page_types - reached)}"
    expected_views = {
        "me",
        "me-profile",
        "me-privacy",
        "me-api-token",
        "search",
        "account_login",
        "account_signup",
        "api-docs",
        "wagtailadmin_home",
        "courses:mine",
        "courses:manage",
        "courses:certificate-verify",
        "mentoring:mine",
        "mentoring:tandem",
        "mentoring:sessions",
        "mentoring:session",
        "mentoring:book",
        "mentoring:availability",
        "mentoring:session-join",
    }
    assert expected_views <= reached, f"views no link leads to: {sorted(expected_views - reached)}"

    # The one exception: the mentor enters the room of her session that is about to begin; only
    # then, and only the configured Jitsi server, is asked.
    mentor = get_user_model().objects.get(email="mentorin@musterverband.example")
    upcoming = (
        Session.objects.filter(mentor=mentor, status=Session.Status.BOOKED, end__gt=timezone.now())
        .order_by("start")
        .first()
    )
    assert upcoming is not None and upcoming.start - timezone.now() < timedelta(minutes=10)
    session = new_session(timeout_ms=30_000)
    with screenshot_on_failure(session.page, "crawl-join"):
        _sign_in(session, mentor.email)
        session.visit(f"/mentoring/sessions/{upcoming.uuid}/join/")
        assert demo.requests == [] and not Crawl(session, role="mentor", staff=False).foreign(
            session.requests
        )
        session.page.get_by_role("button", name=gettext_de("Enter room"), exact=True).click()
        session.page.frame_locator("#jitsi-room iframe").locator("#room-status").wait_for()
        others = [
            url
            for url in session.requests
            if urlsplit(url)[:2] not in (session.origin, urlsplit(demo.base_url)[:2])
            and urlsplit(url).scheme in {"http", "https", "ws", "wss"}
        ]
        assert "/external_api.js" in demo.requests and not others, others


def gettext_de(msgid: str) -> str:
    from django.utils import translation

    with translation.override("de"):
        return gettext(msgid)
