"""The four-eyes approval task: a group approval task whose approvers never decide on their own
change (neither on a submission of their own nor on a revision they wrote)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


def _own_change(task_state_or_obj, user) -> bool:
    workflow_state = getattr(task_state_or_obj, "workflow_state", None)
    if workflow_state is None:
        workflow_state = task_state_or_obj.current_workflow_state
    if workflow_state is None:
        return False
    if workflow_state.requested_by_id == user.pk:
        return True
    task_state = workflow_state.current_task_state
    revision = getattr(task_state, "revision", None) if task_state else None
    return bool(revision and revision.user_id == user.pk)


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    class Meta:
        verbose_name = _("four-eyes approval")
        verbose_name_plural = _("four-eyes approvals")

    def user_can_access_editor(self, obj, user):
        return super().user_can_access_editor(obj, user) and not _own_change(obj, user)

    def get_actions(self, obj, user):
        if _own_change(obj, user):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        if _own_change(task_state, user):
            raise PermissionDenied(_("Nobody approves their own change."))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
        )

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve; nobody approves their own change.")
