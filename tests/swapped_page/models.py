"""The custom base page model the swapped-page variant of the suite runs with.

Wagtail 8 requires a custom base page to subclass ``wagtail.models.AbstractPage``. Tandem's
templates, demo data and privacy inventory use the standard promote fields (``seo_title``,
``search_description``, ``show_in_menus``), so the base also mixes in ``DefaultBasePageMixin``
exactly as ``wagtail.models.Page`` does; ``teaser`` is the one field of its own."""

from django.db import models
from wagtail.models import AbstractPage, DefaultBasePageMixin


class SitePage(AbstractPage, DefaultBasePageMixin):  # noqa: DJ008 - __str__ comes from AbstractPage
    teaser = models.CharField("teaser", max_length=200, blank=True)

    search_fields = AbstractPage.search_fields + DefaultBasePageMixin.search_fields
    promote_panels = DefaultBasePageMixin.promote_panels + ["teaser"]
