"""Personal data of the knowledge base. See cms/privacy.py for how it works."""

from django.utils.translation import gettext_lazy as _

from cms.privacy import DELETE, Personal, Record, register

WHILE_ACCOUNT = _("as long as the account exists")

register(
    Record(
        "knowledge.KnowledgeSpacePage",
        other=(
            "intro",
            "review_interval_days",
            "visibility",
            "requires_approval",
            "readers_group",
            "editors_group",
            "approvers_group",
            "managers_group",
            "collection",
        ),
    ),
    Record(
        "knowledge.KnowledgeArticlePage",
        actors={
            "content_owner": Personal(
                _("person responsible for an article"),
                _("reminders of reviews"),
                _("as long as the person is responsible"),
                export=False,
                erased=None,
            )
        },
        other=(
            "summary",
            "body",
            "minor_change",
            "reading_version",
            "last_reviewed_at",
            "review_reminder_sent_for",
            "mandatory_for",
        ),
    ),
    Record(
        "knowledge.FourEyesApprovalTask", other=("id", "name", "active", "content_type", "groups")
    ),
    Record(
        "knowledge.ReadConfirmation",
        subject=("user",),
        title=_("read confirmations (knowledge base)"),
        personal={
            "version": Personal(
                _("version of the article you confirmed"),
                _("proof that a person read a mandatory article in a version"),
                WHILE_ACCOUNT,
            ),
            "confirmed_at": Personal(
                _("when you confirmed reading it"),
                _("proof that a person read a mandatory article in a version"),
                WHILE_ACCOUNT,
            ),
        },
        other=("id", "article"),
        erase=DELETE,
        export_related={"article": "article__title"},
    ),
    Record(
        "knowledge.ArticleReview",
        actors={
            "reviewed_by": Personal(
                _("who reviewed an article"),
                _("traceability of reviews"),
                WHILE_ACCOUNT,
                export=False,
                erased=None,
            )
        },
        other=("id", "article", "reviewed_at", "outcome"),
    ),
)
