import importlib
import os

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
