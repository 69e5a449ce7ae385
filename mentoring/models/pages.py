from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from cms.models import ContentPageMixin
from cms.pages import get_base_page_model, page_parent_link

Page = get_base_page_model()


class ProgrammePageMixin(models.Model):
    """Presents a mentoring programme and leads to its application forms."""

    programme = models.ForeignKey(
        "mentoring.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="pages",
    )

    content_panels = [FieldPanel("programme")]

    class Meta:
        abstract = True

    def applications_open(self) -> bool:
        now = timezone.now()
        return self.programme.applications_open <= now < self.programme.applications_close


class ProgrammePage(ProgrammePageMixin, ContentPageMixin, Page):  # noqa: DJ008 - __str__ from the page model
    page_ptr = page_parent_link()

    content_panels = (
        Page.content_panels + ProgrammePageMixin.content_panels + ContentPageMixin.content_panels
    )
    search_fields = Page.search_fields + ContentPageMixin.search_fields
    template = "mentoring/programme_page.html"

    class Meta:
        verbose_name = _("mentoring programme page")
        verbose_name_plural = _("mentoring programme pages")
