"""Tandem's page types build on whatever base page the site chose (Wagtail 8's
``WAGTAIL_PAGE_MODEL``). The suite runs twice: with Wagtail's ``Page`` (``lms.settings.test``) and
with the custom base page ``tests.swapped_page.models.SitePage`` (``lms.settings.test_swapped``,
``make test-swapped``). These tests prove which variant is in effect and that the swap is real."""

from decimal import Decimal

import pytest
import swapper
import wagtail.models
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import GroupPagePermission, get_page_models

from cms.models import ContentPage, HomePage
from cms.pages import PAGE_MODEL, get_base_page_model
from courses.models import ChapterPage, CourseCataloguePage, CoursePage, LessonPage
from mentoring.models import ProgrammePage

SWAPPED = getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page") != "wagtailcore.Page"
TANDEM_PAGE_TYPES = [
    HomePage,
    ContentPage,
    CourseCataloguePage,
    CoursePage,
    ChapterPage,
    LessonPage,
    ProgrammePage,
]

only_swapped = pytest.mark.skipif(
    not SWAPPED, reason="needs lms.settings.test_swapped (make test-swapped)"
)


@pytest.mark.skipif(SWAPPED, reason="runs with the default base page (lms.settings.test)")
def test_the_default_base_page_is_wagtails_page():
    assert PAGE_MODEL == "wagtailcore.Page"
    assert get_base_page_model() is wagtail.models.Page
    assert not swapper.is_swapped("wagtailcore", "Page")
    for page_type in TANDEM_PAGE_TYPES:
        assert issubclass(page_type, wagtail.models.Page)


@only_swapped
def test_the_swapped_base_page_is_in_effect():
    from tests.swapped_page.models import SitePage

    assert settings.WAGTAIL_PAGE_MODEL == PAGE_MODEL == "swapped_page.SitePage"
    assert swapper.is_swapped("wagtailcore", "Page") == "swapped_page.SitePage"
    assert get_base_page_model() is SitePage
    assert SitePage._meta.get_field("teaser")
    for page_type in TANDEM_PAGE_TYPES:
        assert issubclass(page_type, SitePage), page_type
        assert not issubclass(page_type, wagtail.models.Page), page_type
        assert page_type in get_page_models(), page_type
        assert page_type._meta.get_field("page_ptr").related_model is SitePage, page_type
    assert wagtail.models.Page not in get_page_models()


@only_swapped
@pytest.mark.django_db
def test_the_database_has_no_wagtail_page_table_and_the_permissions_follow_the_base():
    assert "wagtailcore_page" not in connection.introspection.table_names()
    assert "swapped_page_sitepage" in connection.introspection.table_names()
    Page = get_base_page_model()
    root = Page.get_first_root_node()
    assert root.content_type == ContentType.objects.get_for_model(Page)
    # The staff groups' page permissions (lms migration 0002) use the base's codenames.
    codenames = set(
        GroupPagePermission.objects.filter(group__name="Redaktion").values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_sitepage", "change_sitepage", "publish_sitepage"} <= codenames


@only_swapped
def test_a_course_page_is_a_site_page_with_its_extra_field(home_page):
    from tests.swapped_page.models import SitePage

    catalogue = CourseCataloguePage(title="Kurse", slug="kurse")
    home_page.add_child(instance=catalogue)
    course = CoursePage(
        title="Digitale Beratung",
        slug="digitale-beratung",
        summary="Beratung per Video.",
        duration_hours=Decimal("6.0"),
        teaser="Neu im Programm",
    )
    catalogue.add_child(instance=course)
    course.save_revision().publish()

    course = CoursePage.objects.get(pk=course.pk)
    assert isinstance(course, SitePage)
    assert course.teaser == "Neu im Programm"
    # The base's field is shared by every page type and queryable across them.
    found = SitePage.objects.filter(teaser="Neu im Programm").specific().get()
    assert type(found) is CoursePage and found.pk == course.pk
    assert list(SitePage.objects.type(CoursePage).values_list("pk", flat=True)) == [course.pk]
    assert "teaser" in CoursePage.get_edit_handler().get_form_class()().fields
