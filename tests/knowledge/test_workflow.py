"""Approval with the four-eyes rule: nobody approves their own change."""

from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from knowledge import services
from knowledge.models import FourEyesApprovalTask, KnowledgeArticlePage

from .conftest import make_space, publish_article


def submit(article, user):
    revision = article.save_revision(user=user)
    workflow = article.get_workflow()
    return workflow.start(article, user), revision


def test_four_eyes_approval(home_page, django_capture_on_commit_callbacks):
    space, people = make_space(home_page, "Kinderschutz", requires_approval=True)
    article = publish_article(space, title="Schutzkonzept")
    workflow = article.get_workflow()
    assert workflow is not None
    task = FourEyesApprovalTask.objects.get(workflow_tasks__workflow=workflow)
    assert set(task.groups.values_list("pk", flat=True)) == {
        space.approvers_group_id,
        space.managers_group_id,
    }

    # The approver edits the article herself and submits it.
    mail.outbox.clear()
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    article.summary = "Neue Fassung"
    with django_capture_on_commit_callbacks(execute=True):
        state, revision = submit(article, people.approver)
    task_state = state.current_task_state
    # The other approvers (here: the manager) are asked, in German; the submitter is not.
    recipients = {message.to[0] for message in mail.outbox}
    assert people.manager.email in recipients and people.approver.email not in recipients
    assert any("Freigabe erbeten" in message.subject for message in mail.outbox)

    # She cannot approve her own change: no actions, and the admin refuses the action.
    assert task.specific.get_actions(article, people.approver) == []
    client = Client()
    client.force_login(people.approver)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[article.pk, "approve", task_state.pk],
        ),
        {},
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert KnowledgeArticlePage.objects.get(pk=article.pk).summary != "Neue Fassung"

    # The manager (second pair of eyes) approves: the version goes live.
    actions = [name for name, _label, _modal in task.specific.get_actions(article, people.manager)]
    assert "approve" in actions
    task.specific.on_action(task_state, people.manager, "approve")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert KnowledgeArticlePage.objects.get(pk=article.pk).summary == "Neue Fassung"


def test_without_approval_editors_publish_and_with_it_nobody_but_the_workflow(home_page):
    space, people = make_space(home_page, "Beratung")
    article = publish_article(space, title="Ablauf")
    assert article.permissions_for_user(people.editor).can_publish()
    services.space_settings_change(
        space=space, visibility="groups", requires_approval=True, by=people.manager
    )
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    editor = type(people.editor).objects.get(pk=people.editor.pk)  # no cached permissions
    assert not article.permissions_for_user(editor).can_publish()
    assert article.get_workflow() is not None
    # An approver cannot publish past the workflow in the editor either.
    client = Client()
    client.force_login(people.approver)
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    editor_page = client.get(edit_url)
    assert editor_page.status_code == 200
    assert 'name="action-submit"' in editor_page.text
    assert 'name="action-publish"' not in editor_page.text
