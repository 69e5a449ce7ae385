from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxonomyTerm(models.Model):
    """A named term editors manage and the catalogue filters by."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(TaxonomyTerm):
    """A subject area courses are filed under, e.g. "Digitale Beratung"."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Audience(TaxonomyTerm):
    """Who a course is for, e.g. "Ehrenamtliche" or "Führungskräfte"."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
