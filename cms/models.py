from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from .blocks import BaseContentBlocks
from .pages import PAGE_MODEL, get_base_page_model, page_parent_link
from .routing import FastRouteMixin
from .site_cache import CachedViewRestrictionsMixin

# The base page the site chose (WAGTAIL_PAGE_MODEL), known only at run time: Any to the type checker.
Page: Any = get_base_page_model()


class ContentPageMixin(models.Model):
    """Fields shared by the site's content pages: a short introduction and a body stream.
    A site can put them on its own page types."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two sentences shown below the title and in search results."),
    )
    body = StreamField(BaseContentBlocks(), verbose_name=_("content"), blank=True)

    content_panels = [FieldPanel("intro"), FieldPanel("body")]
    search_fields = [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True


class HomePage(FastRouteMixin, CachedViewRestrictionsMixin, ContentPageMixin, Page):  # type: ignore[django-manager-missing]  # noqa: DJ008 - Page is Any; __str__ comes from the page model
    """The start page of the organisation's site."""

    page_ptr = page_parent_link()

    content_panels = Page.content_panels + ContentPageMixin.content_panels
    search_fields = Page.search_fields + ContentPageMixin.search_fields
    template = "cms/home_page.html"
    parent_page_types = [PAGE_MODEL]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class ContentPage(CachedViewRestrictionsMixin, ContentPageMixin, Page):  # type: ignore[django-manager-missing]  # noqa: DJ008 - Page is Any; __str__ comes from the page model
    """A general page: about us, privacy notice, imprint, help."""

    page_ptr = page_parent_link()

    content_panels = Page.content_panels + ContentPageMixin.content_panels
    search_fields = Page.search_fields + ContentPageMixin.search_fields

    template = "cms/content_page.html"
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")


class SiteSettings(ClusterableModel, BaseSiteSetting):
    """Who runs the site, how to reach them, and the links every page shows."""

    organisation_name = models.CharField(_("organisation name"), max_length=200, default="Tandem")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=50, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    privacy_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imprint_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("imprint page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("logo")], heading=_("Organisation")
        ),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [PageChooserPanel("privacy_page"), PageChooserPanel("imprint_page")],
            heading=_("Legal pages in the footer"),
        ),
        InlinePanel("navigation_items", heading=_("Main navigation"), label=_("Menu item")),
    ]

    select_related = ["logo", "privacy_page", "imprint_page"]

    class Meta:
        verbose_name = _("site settings")


class NavigationItem(Orderable):
    """One entry of the main navigation, in the order editors set."""

    settings = ParentalKey(SiteSettings, related_name="navigation_items", on_delete=models.CASCADE)
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Leave empty to use the page title.")
    )
    page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(_("or address"), blank=True)

    panels = [FieldPanel("label"), PageChooserPanel("page"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(page__isnull=False) & models.Q(url=""))
                | (models.Q(page__isnull=True) & ~models.Q(url="")),
                name="navigation_item_page_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if bool(self.page_id) == bool(self.url):
            raise ValidationError({"url": _("Choose either a page or an address, not both.")})
        if self.url and not self.label:
            raise ValidationError({"label": _("An address needs a label.")})

    @property
    def title(self) -> str:
        return self.label or (self.page.title if self.page is not None else self.url)


class AuditEvent(models.Model):
    """Who did what, when — security-relevant events only, with pseudonymous ids instead of names
    (``cms.audit.pseudonym``), visible to superusers, deleted after its own retention period."""

    at = models.DateTimeField(_("when"), db_default=Now(), db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    actor = models.CharField(_("by (pseudonymous id)"), max_length=32, blank=True)
    subject = models.CharField(_("concerning (pseudonymous id)"), max_length=32, blank=True)
    target = models.CharField(_("object"), max_length=120, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class OutgoingMail(models.Model):
    """One e-mail to one address in the outbox (``cms.outbox``): recorded in the transaction of the
    change that causes it, sent by the worker, retried with backoff while the mail server fails.
    The idempotency ``key`` is unique: recording the same mail twice records it once, and its
    Message-ID derives from it. The content of sent mail is removed after its retention period."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed for good")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    template = models.CharField(_("kind"), max_length=120, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_address = models.CharField(_("to"), max_length=254)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML text"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="cms_outbox_due")]

    def __str__(self) -> str:
        return f"{self.template or 'mail'} → {self.to_address} ({self.status})"
