import contextlib
import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Collection, Locale, Site

from cms.models import ContentPage, HomePage, NavigationItem, SiteSettings
from cms.pages import get_base_page_model

from .factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- Tiers -------------------------------------------------------------------------------------
# Every test is marked by what it depends on, so that CI can run each tier where it matters
# (.ci/run: PostgreSQL runs everything, SQLite runs `(db or pages) and not browser and not fuzz`,
# the swapped base page runs `pages and not browser and not fuzz`). The rule, decided per test at
# collection:
# - `db` when the test reaches the database: the django_db marker, or one of the fixtures below in
#   the test's fixture closure (pytest lists every fixture a test uses, directly or through other
#   fixtures: `home_page` brings `db`, a module-scoped world brings `django_db_setup`);
#   otherwise `pure`. Exactly one of the two.
# - `pages` when the test builds or reads Wagtail's page tree: it uses `home_page` or a `world`
#   (tests/access_support.build_world, the whole demo site), or it uses the database in a module
#   about pages (tests/cms/, tests/courses/), or it sits in a module whose subject is the page tree
#   or the page models themselves (PAGE_MODULES: these run with a swapped base page, pure or not).
# - `browser` for Playwright tests (tests/e2e/, or marked by hand), `fuzz` for the two fuzz modules.
# A test may carry several: the crawl is `db`, `pages` and `browser`.
ROOT = Path(__file__).resolve().parent
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)
PAGE_FIXTURES = frozenset({"home_page", "world"})
PAGE_DIRECTORIES = ("cms/", "courses/")
PAGE_MODULES = frozenset(
    {
        "e2e/test_crawl.py",  # the demo site's pages as every role
        "lms/test_seed_demo.py",  # seed_demo builds the page tree
        "privacy/test_inventory.py",  # the page models' own fields depend on the base page
        "test_access_matrix.py",
        "test_migrations.py",  # the model state includes the base page model
        "test_swapped_page.py",
    }
)
BROWSER_DIRECTORIES = ("e2e/",)
FUZZ_MODULES = frozenset({"test_api_fuzz.py", "test_parsers_fuzz.py"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        try:
            module = item.path.relative_to(ROOT).as_posix()
        except ValueError:  # a test outside tests/ (none today)
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            fixtures & DATABASE_FIXTURES
        )
        item.add_marker(pytest.mark.db if uses_database else pytest.mark.pure)
        if (
            fixtures & PAGE_FIXTURES
            or module in PAGE_MODULES
            or (uses_database and module.startswith(PAGE_DIRECTORIES))
        ):
            item.add_marker(pytest.mark.pages)
        if module.startswith(BROWSER_DIRECTORIES) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if module in FUZZ_MODULES:
            item.add_marker(pytest.mark.fuzz)


@contextlib.contextmanager
def production_cache(settings, database: int):
    """The production cache backend on the machine's Redis, in a database of its own, emptied
    before and after; yields the raw connection. ``TANDEM_TEST_REDIS_OFFSET`` moves the database,
    so that two passes can run side by side (.ci/run)."""
    import redis

    offset = int(os.environ.get("TANDEM_TEST_REDIS_OFFSET", "0") or 0)
    url = f"redis://127.0.0.1:6379/{database + offset}"
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "tandem-test",
        }
    }
    try:
        yield connection
    finally:
        connection.flushdb()


def fuzz_examples(default: int) -> int:
    """How many examples a fuzz test draws (hypothesis ``max_examples``, which schemathesis uses
    too): ``TANDEM_FUZZ_EXAMPLES`` when set (CI sets the depth per pass), else the module's own."""
    value = os.environ.get("TANDEM_FUZZ_EXAMPLES", "").strip()
    return int(value) if value else default


def ensure_wagtail_baseline() -> None:
    """Transactional (browser) tests flush the database, and with it the rows that migrations
    created: Wagtail's root page, locale and collection, and the staff groups. Put them back."""
    ContentType.objects.clear_cache()  # ids change when a flush recreates the content types
    Page = get_base_page_model()
    locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    importlib.import_module("lms.migrations.0002_staff_groups").create_groups(apps, None)
    importlib.import_module("courses.migrations.0002_trainer_permissions").grant(apps, None)
    importlib.import_module("mentoring.migrations.0005_programme_manager_permissions").grant(
        apps, None
    )


@pytest.fixture
def home_page(db) -> HomePage:
    ensure_wagtail_baseline()
    Page = get_base_page_model()
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = HomePage(title="Willkommen", slug="home", intro="Schulungen und Mentoring.")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Testverband"
    )
    return home


@pytest.fixture
def content_page(home_page) -> ContentPage:
    page = ContentPage(title="Über uns", slug="ueber-uns", intro="Wer wir sind.")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def site_settings(home_page, content_page) -> SiteSettings:
    settings = SiteSettings.for_site(Site.objects.get(root_page=home_page))
    settings.organisation_name = "Testverband e. V."
    settings.contact_email = "kontakt@testverband.example"
    settings.privacy_page = content_page
    settings.imprint_page = content_page
    settings.save()
    NavigationItem.objects.create(settings=settings, page=content_page, sort_order=1)
    return settings


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def editor(db):
    return UserFactory(groups=["Redaktion"])


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    """Each test starts with an empty cache: rate limits, lockouts and "once a day" notices that an
    earlier test counted must not refuse this one (a sign-up once got no verification mail because
    an earlier test had used up allauth's limit)."""
    from django.core.cache import cache

    cache.clear()
    yield
