"""Wagtail's events, handed to the services (no rules here)."""

from . import services


def article_published(sender, instance, revision=None, **kwargs):
    services.article_published(article=instance, by=getattr(revision, "user", None))


def space_published(sender, instance, **kwargs):
    services.space_provision(space=instance)


def approval_requested(sender, instance, user=None, **kwargs):
    """``instance`` is the task state that a submission started."""
    from .models import FourEyesApprovalTask

    if isinstance(instance.task.specific, FourEyesApprovalTask):
        services.approval_requested_notify(task_state=instance, by=user)
