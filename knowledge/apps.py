from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.models import TaskState
        from wagtail.signals import page_published, task_submitted

        from . import checks, receivers  # noqa: F401 - checks register themselves
        from .models import KnowledgeArticlePage, KnowledgeSpacePage

        # Wagtail's publication event: whoever publishes (the editor, an approver through the
        # workflow, a scheduled publication) goes through the same services.
        page_published.connect(receivers.article_published, sender=KnowledgeArticlePage)
        page_published.connect(receivers.space_published, sender=KnowledgeSpacePage)
        task_submitted.connect(receivers.approval_requested, sender=TaskState)
