from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pages import KnowledgeArticlePage


class ReadConfirmation(models.Model):
    """A person confirmed "read and understood" for one version of a mandatory article."""

    article = models.ForeignKey(
        KnowledgeArticlePage, on_delete=models.CASCADE, related_name="read_confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="knowledge_read_confirmations",
    )
    version = models.PositiveIntegerField(_("version"))
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=("article", "user", "version"), name="knowledge_one_confirmation_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}/{self.version}"


class ArticleReview(models.Model):
    """The owner (or a manager) checked an article: "reviewed, no changes", or a new version."""

    class Outcome(models.TextChoices):
        NO_CHANGES = "no_changes", _("Reviewed, no changes")
        UPDATED = "updated", _("Reviewed and updated")

    article = models.ForeignKey(
        KnowledgeArticlePage, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)

    class Meta:
        verbose_name = _("article review")
        verbose_name_plural = _("article reviews")
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.reviewed_at:%Y-%m-%d}"
