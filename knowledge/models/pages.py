"""Spaces and articles: Wagtail pages. A space owns four groups (readers, editors, approvers,
managers) with page permissions on its subtree, a document collection, a view restriction that
follows its visibility and, if it requires approval, a workflow (knowledge/services.py keeps them
in step)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Collection
from wagtail.search import index

from cms.pages import get_base_page_model, page_parent_link

from ..blocks import ArticleBlocks, heading_anchor, table_of_contents
from ..conf import knowledge_settings

Page = get_base_page_model()


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone, also without an account")
    SIGNED_IN = "signed_in", _("Everyone who is signed in")
    GROUPS = "groups", _("Only the space's members")


class SpaceRole(models.TextChoices):
    READER = "reader", _("Readers")
    EDITOR = "editor", _("Editors")
    APPROVER = "approver", _("Approvers")
    MANAGER = "manager", _("Managers")


# The German group names a space creates: "<space>: Leser" etc. (the site speaks German first;
# group names are data, not interface text).
GROUP_SUFFIX = {
    SpaceRole.READER: "Leser",
    SpaceRole.EDITOR: "Redaktion",
    SpaceRole.APPROVER: "Freigabe",
    SpaceRole.MANAGER: "Verwaltung",
}


def _review_interval_default() -> int:
    return int(knowledge_settings.get("REVIEW_INTERVAL_DAYS"))


class KnowledgeSpacePage(Page):  # noqa: DJ008 - __str__ comes from the page model
    page_ptr = page_parent_link()
    intro = models.TextField(_("introduction"), blank=True)
    review_interval_days = models.PositiveIntegerField(
        _("review interval (days)"),
        default=_review_interval_default,
        validators=[MinValueValidator(7), MaxValueValidator(3650)],
        help_text=_("How often the owner of an article checks that it is still correct."),
    )
    # Managed by the space's managers on its management page (knowledge/services.py), never
    # through a revision: with_content_json keeps them from the live page.
    visibility = models.CharField(
        _("visible to"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.GROUPS,
        editable=False,
    )
    requires_approval = models.BooleanField(_("requires approval"), default=False, editable=False)
    readers_group = models.ForeignKey(
        Group, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    editors_group = models.ForeignKey(
        Group, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approvers_group = models.ForeignKey(
        Group, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    managers_group = models.ForeignKey(
        Group, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    collection = models.ForeignKey(
        Collection, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("review_interval_days")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    subpage_types = ["knowledge.KnowledgeArticlePage"]
    template = "knowledge/knowledge_space_page.html"

    KEPT_FROM_LIVE = (
        "visibility",
        "requires_approval",
        "readers_group_id",
        "editors_group_id",
        "approvers_group_id",
        "managers_group_id",
        "collection_id",
    )

    class Meta:
        verbose_name = _("knowledge space")
        verbose_name_plural = _("knowledge spaces")

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.KEPT_FROM_LIVE:
            setattr(obj, name, getattr(self, name))
        return obj

    def group_for(self, role: str) -> Group:
        group = getattr(self, f"{SpaceRole(role).value}s_group")
        if group is None:  # provisioning gives every space its groups (services.space_provision)
            raise Group.DoesNotExist(f"space {self.pk} has no {role} group")
        return group

    @property
    def group_ids(self) -> list[int]:
        return [
            pk
            for pk in (
                self.readers_group_id,
                self.editors_group_id,
                self.approvers_group_id,
                self.managers_group_id,
            )
            if pk
        ]

    def get_context(self, request, *args, **kwargs):
        from ..selectors import space_page_context  # selectors import the models

        context = super().get_context(request, *args, **kwargs)
        context.update(space_page_context(space=self, request=request))
        return context


class KnowledgeArticleForm(WagtailAdminPageForm):
    """A change is substantial unless the editor says otherwise, each time anew."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "minor_change" in self.fields:
            self.initial["minor_change"] = False


class KnowledgeArticlePage(Page):  # noqa: DJ008 - __str__ comes from the page model
    page_ptr = page_parent_link()
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    body = StreamField(ArticleBlocks(), verbose_name=_("content"), blank=True)
    content_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Checks the article at its review date and gets the reminder."),
    )
    mandatory_for = ParentalManyToManyField(
        Group,
        verbose_name=_("mandatory reading for"),
        blank=True,
        related_name="+",
        help_text=_("Members of these groups confirm that they have read and understood it."),
    )
    minor_change = models.BooleanField(
        _("minor change"),
        default=False,
        help_text=_(
            "Only a correction such as a typo: people who confirmed the article do not have to "
            "confirm it again."
        ),
    )
    # Kept from the live page, never from a revision (see with_content_json).
    reading_version = models.PositiveIntegerField(default=0, editable=False)  # 0: never published
    last_reviewed_at = models.DateField(_("last reviewed on"), null=True, editable=False)
    review_reminder_sent_for = models.DateField(null=True, editable=False)

    base_form_class = KnowledgeArticleForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        HelpPanel(
            content=_(
                "Images are not private: anyone who has the address of an image can see it, also "
                "in a restricted space. Put confidential pictures in a document instead: documents "
                "keep the space's restriction."
            ),
            heading=_("Images are public"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("content_owner"), FieldPanel("mandatory_for"), FieldPanel("minor_change")],
            heading=_("Responsibility and reading"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["knowledge.KnowledgeSpacePage", "knowledge.KnowledgeArticlePage"]
    subpage_types = ["knowledge.KnowledgeArticlePage"]
    template = "knowledge/knowledge_article_page.html"

    KEPT_FROM_LIVE = ("reading_version", "last_reviewed_at", "review_reminder_sent_for")

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.KEPT_FROM_LIVE:
            setattr(obj, name, getattr(self, name))
        return obj

    def review_due_on(self, interval_days: int) -> date | None:
        start = self.last_reviewed_at or (
            self.first_published_at.date() if self.first_published_at else None
        )
        return start + timedelta(days=interval_days) if start else None

    @property
    def table_of_contents(self) -> list[dict]:
        return table_of_contents(self.body)

    @property
    def blocks_with_anchors(self) -> list[tuple]:
        seen: dict[str, int] = {}
        return [
            (block, heading_anchor(block.value["text"], seen))
            if block.block_type == "heading"
            else (block, "")
            for block in self.body
        ]

    def get_context(self, request, *args, **kwargs):
        from ..selectors import article_page_context  # selectors import the models

        context = super().get_context(request, *args, **kwargs)
        context.update(article_page_context(article=self, request=request))
        return context
