"""The page model a site builds on. Wagtail 8 lets a site swap its base page
(``WAGTAIL_PAGE_MODEL``); Tandem's page types subclass whatever the site chose."""

import swapper
from django.db import models

# Read the setting as WAGTAIL_PAGE_MODEL (not swapper's default WAGTAILCORE_PAGE_MODEL) even when
# this module is imported before wagtail.models, which sets the same prefix.
swapper.set_app_prefix("wagtailcore", "wagtail")

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


def get_base_page_model():
    """The site's base page class (``wagtail.models.Page`` unless swapped)."""
    return swapper.load_model("wagtailcore", "Page", require_ready=False)


def page_parent_link() -> models.OneToOneField:
    """A parent link with a stable name, so migrations do not depend on the swapped model.

    Its reverse accessor carries the app label (``page.courses_coursepage``): a host site's own
    page types may have the same class names (``home.HomePage`` of ``wagtail start``), and
    Django's default accessor (``page.homepage``) would clash."""
    return models.OneToOneField(
        PAGE_MODEL,
        parent_link=True,
        on_delete=models.CASCADE,
        primary_key=True,
        serialize=False,
        related_name="%(app_label)s_%(class)s",
    )
