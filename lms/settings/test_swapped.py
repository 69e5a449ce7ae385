"""The test settings with a swapped base page model (Wagtail 8's ``WAGTAIL_PAGE_MODEL``): every
Tandem page type then builds on ``tests.swapped_page.models.SitePage`` instead of
``wagtail.models.Page``. Run with ``make test-swapped``."""

from .test import *  # noqa: F403
from .test import INSTALLED_APPS

# First: Tandem's page models look the base page up while their own models load
# (cms.pages.get_base_page_model), so its app must load before lms, cms, courses and mentoring.
INSTALLED_APPS = ["tests.swapped_page", *INSTALLED_APPS]
WAGTAIL_PAGE_MODEL = "swapped_page.SitePage"
# Files of its own: CI runs this pass beside the SQLite pass (.ci/run).
MEDIA_ROOT = BASE_DIR / ".test-media-swapped"  # noqa: F405
