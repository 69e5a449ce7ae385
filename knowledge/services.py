"""Writes of the knowledge base. A space's groups, page permissions, document collection, view
restrictions and approval workflow are derived from the space and kept in step here; every change
of rights goes to the audit log."""

from __future__ import annotations

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    PageViewRestriction,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms import audit, page_cache
from cms.errors import ServiceError
from cms.mail import send_templated_mail, site_url

from . import selectors
from .models import (
    GROUP_SUFFIX,
    ArticleReview,
    FourEyesApprovalTask,
    KnowledgeArticlePage,
    KnowledgeSpacePage,
    ReadConfirmation,
    SpaceRole,
    Visibility,
)

NOT_A_MANAGER = _("Only the managers of this space may change its members and settings.")
UNKNOWN_ROLE = _("Choose readers, editors, approvers or managers.")
LAST_MANAGER = _("A space keeps at least one manager. Add another manager first.")
NOT_MANDATORY = _("This article is not mandatory reading for you.")
NOT_YET_PUBLISHED = _("This article has not been published yet.")
NOT_RESPONSIBLE = _("Only the responsible person or the space's managers can mark it as reviewed.")
INACTIVE_ACCOUNT = _("This account is not active.")

EDITING = ("add", "change")
# Without approval, everyone who edits may publish. With approval, editors may not; approvers and
# managers keep the permission because Wagtail publishes an approved revision as its approver, but
# the editor offers them no "Publish" of their own (wagtail_hooks: only the workflow publishes, and
# the four-eyes task never lets them approve their own change).
PAGE_PERMISSIONS = {
    SpaceRole.READER: (),
    SpaceRole.EDITOR: EDITING,
    SpaceRole.APPROVER: (*EDITING, "publish"),
    SpaceRole.MANAGER: (*EDITING, "publish", "lock", "unlock"),
}
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def _target(space) -> str:
    return f"knowledge.space:{space.pk}"


def _group_name(space: KnowledgeSpacePage, role: SpaceRole) -> str:
    return f"{space.title[:100]}: {GROUP_SUFFIX[role]}"


def _require_manager(space: KnowledgeSpacePage, by) -> None:
    if not selectors.can_manage(space, by):
        raise ServiceError(NOT_A_MANAGER, code="forbidden")


# --- Provisioning ---------------------------------------------------------------------------------


@transaction.atomic
def space_provision(*, space: KnowledgeSpacePage, by=None) -> KnowledgeSpacePage:
    """Give a new space its groups, permissions, collection, restriction and workflow; repair
    what is missing on an existing one. Safe to run again."""
    space = KnowledgeSpacePage.objects.select_for_update().get(pk=space.pk)
    changed = {}
    for role in SpaceRole:
        field = f"{role.value}s_group"
        if getattr(space, f"{field}_id") is None:
            group, _created = Group.objects.get_or_create(name=_group_name(space, role))
            changed[f"{field}_id"] = group.pk
            setattr(space, f"{field}_id", group.pk)
    if space.collection_id is None:
        root = Collection.get_first_root_node()
        collection = root.add_child(name=f"{space.title[:200]} ({space.pk})")
        changed["collection_id"] = collection.pk
        space.collection_id = collection.pk
    if changed:
        KnowledgeSpacePage.objects.filter(pk=space.pk).update(**changed)
        page_cache.invalidate_on_commit()  # an update sends no signal: pages cached must go
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for role in SpaceRole:
        group = Group.objects.get(pk=getattr(space, f"{role.value}s_group_id"))
        if role != SpaceRole.READER:
            group.permissions.add(admin_access)
            for codename in DOCUMENT_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection_id=space.collection_id,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtaildocs", codename=codename
                    ),
                )
    _sync_names(space)
    _sync_page_permissions(space)
    _sync_restrictions(space)
    _sync_workflow(space)
    if changed:
        audit.record(action="knowledge.space_created", by=by, target=_target(space))
    return space


def _sync_names(space: KnowledgeSpacePage) -> None:
    """The groups, the collection and the workflow carry the space's current title (a renamed
    space renames them; a name another group already has is left as it was)."""
    for role in SpaceRole:
        name = _group_name(space, role)
        group_id = getattr(space, f"{role.value}s_group_id")
        if not Group.objects.filter(name=name).exclude(pk=group_id).exists():
            Group.objects.filter(pk=group_id).exclude(name=name).update(name=name)
    if space.collection_id:
        Collection.objects.filter(pk=space.collection_id).update(
            name=f"{space.title[:200]} ({space.pk})"
        )
    assignment = WorkflowPage.objects.filter(page=space).first()
    if assignment is not None:
        Workflow.objects.filter(pk=assignment.workflow_id).update(
            name=f"{space.title[:200]} ({space.pk}): Freigabe"
        )
        FourEyesApprovalTask.objects.filter(
            workflow_tasks__workflow_id=assignment.workflow_id
        ).update(name=f"{space.title[:200]}: Freigabe")


def _sync_page_permissions(space: KnowledgeSpacePage) -> None:
    for role in SpaceRole:
        group_id = getattr(space, f"{role.value}s_group_id")
        wanted = set(PAGE_PERMISSIONS[role])
        if not space.requires_approval and role == SpaceRole.EDITOR:
            wanted.add("publish")
        existing = GroupPagePermission.objects.filter(group_id=group_id, page=space)
        for permission in existing.select_related("permission"):
            if permission.permission.codename.split("_")[0] not in wanted:
                permission.delete()
        have = {p.permission.codename.split("_")[0] for p in existing.select_related("permission")}
        for permission_type in wanted - have:
            GroupPagePermission.objects.create(
                group_id=group_id, page=space, permission_type=permission_type
            )


def _sync_restrictions(space: KnowledgeSpacePage) -> None:
    """The space's page and its collection of documents are visible as the space says."""
    PageViewRestriction.objects.filter(page=space).delete()
    CollectionViewRestriction.objects.filter(collection_id=space.collection_id).delete()
    if space.visibility == Visibility.PUBLIC:
        return
    kind = (
        PageViewRestriction.LOGIN
        if space.visibility == Visibility.SIGNED_IN
        else PageViewRestriction.GROUPS
    )
    page_restriction = PageViewRestriction.objects.create(page=space, restriction_type=kind)
    restrictions = [page_restriction]
    if space.collection_id:
        restrictions.append(
            CollectionViewRestriction.objects.create(
                collection_id=space.collection_id, restriction_type=kind
            )
        )
    if kind == PageViewRestriction.GROUPS:
        for restriction in restrictions:
            restriction.groups.set(space.group_ids)


def _sync_workflow(space: KnowledgeSpacePage) -> None:
    assignment = WorkflowPage.objects.filter(page=space).select_related("workflow").first()
    if not space.requires_approval:
        if assignment is not None:
            assignment.delete()
        return
    if assignment is None:
        workflow = Workflow.objects.create(name=f"{space.title[:200]} ({space.pk}): Freigabe")
        WorkflowPage.objects.create(page=space, workflow=workflow)
    else:
        workflow = assignment.workflow
    task = FourEyesApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
    if task is None:
        task = FourEyesApprovalTask.objects.create(name=f"{space.title[:200]}: Freigabe")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    task.groups.set([space.approvers_group_id, space.managers_group_id])


@transaction.atomic
def space_create(
    *,
    parent,
    title: str,
    slug: str = "",
    intro: str = "",
    visibility: str = Visibility.GROUPS,
    requires_approval: bool = False,
    review_interval_days: int | None = None,
    managers=(),
    by=None,
) -> KnowledgeSpacePage:
    space = KnowledgeSpacePage(
        title=title,
        slug=slug or "",
        intro=intro,
        visibility=visibility,
        requires_approval=requires_approval,
        owner=by,
    )
    if review_interval_days:
        space.review_interval_days = review_interval_days
    parent.add_child(instance=space)
    space.save_revision(user=by).publish(user=by)
    space = space_provision(space=space, by=by)
    for person in managers:
        space.group_for(SpaceRole.MANAGER).user_set.add(person)
    return KnowledgeSpacePage.objects.get(pk=space.pk)


# --- The Wiki-Team's page ---------------------------------------------------------------------------


@transaction.atomic
def space_member_add(*, space: KnowledgeSpacePage, role: str, user, by) -> None:
    _require_manager(space, by)
    try:
        role = SpaceRole(role)
    except ValueError:
        raise ServiceError(UNKNOWN_ROLE, field="role") from None
    if not user.is_active:
        raise ServiceError(INACTIVE_ACCOUNT, field="user")
    group = space.group_for(role)
    if group.user_set.filter(pk=user.pk).exists():
        return
    group.user_set.add(user)
    audit.record(
        action="knowledge.member_added", by=by, subject=user, target=_target(space), role=role.value
    )


@transaction.atomic
def space_member_remove(*, space: KnowledgeSpacePage, role: str, user, by) -> None:
    _require_manager(space, by)
    try:
        role = SpaceRole(role)
    except ValueError:
        raise ServiceError(UNKNOWN_ROLE, field="role") from None
    group = space.group_for(role)
    if role == SpaceRole.MANAGER and group.user_set.exclude(pk=user.pk).count() == 0:
        raise ServiceError(LAST_MANAGER, code="last_manager")
    if not group.user_set.filter(pk=user.pk).exists():
        return
    group.user_set.remove(user)
    audit.record(
        action="knowledge.member_removed",
        by=by,
        subject=user,
        target=_target(space),
        role=role.value,
    )


@transaction.atomic
def space_settings_change(
    *, space: KnowledgeSpacePage, visibility: str, requires_approval: bool, by
) -> KnowledgeSpacePage:
    _require_manager(space, by)
    visibility = Visibility(visibility)
    space = KnowledgeSpacePage.objects.select_for_update().get(pk=space.pk)
    before = (space.visibility, space.requires_approval)
    if before == (visibility.value, requires_approval):
        return space
    KnowledgeSpacePage.objects.filter(pk=space.pk).update(
        visibility=visibility, requires_approval=requires_approval
    )
    page_cache.invalidate_on_commit()
    space.visibility, space.requires_approval = visibility.value, requires_approval
    _sync_page_permissions(space)
    _sync_restrictions(space)
    _sync_workflow(space)
    audit.record(
        action="knowledge.space_settings_changed",
        by=by,
        target=_target(space),
        visibility=visibility.value,
        requires_approval=requires_approval,
        previous_visibility=before[0],
        previous_requires_approval=before[1],
    )
    return space


# --- Publication, reviews -----------------------------------------------------------------------


@transaction.atomic
def article_published(*, article: KnowledgeArticlePage, by=None) -> KnowledgeArticlePage:
    """A version went live: the first or a substantial one asks mandatory readers again and
    counts as a review; a minor one (a typo fixed) changes neither."""
    live = KnowledgeArticlePage.objects.select_for_update().get(pk=article.pk)
    page_cache.invalidate_on_commit()  # the page's fields change below without a signal
    if live.reading_version and live.minor_change:
        KnowledgeArticlePage.objects.filter(pk=live.pk).update(minor_change=False)
        return live
    today = timezone.localdate()
    KnowledgeArticlePage.objects.filter(pk=live.pk).update(
        reading_version=live.reading_version + 1,
        last_reviewed_at=today,
        review_reminder_sent_for=None,
        minor_change=False,
    )
    if live.reading_version:
        ArticleReview.objects.create(
            article=live, reviewed_by=by, outcome=ArticleReview.Outcome.UPDATED
        )
    live.refresh_from_db()
    return live


@transaction.atomic
def article_mark_reviewed(*, article: KnowledgeArticlePage, by) -> ArticleReview:
    """ "Reviewed, no changes": the review date starts again from today."""
    space = selectors.space_of(article)
    if space is None or not (
        article.content_owner_id == by.pk
        or selectors.can_manage(space, by)
        or selectors.has_role(space, by, SpaceRole.EDITOR, SpaceRole.APPROVER)
    ):
        raise ServiceError(NOT_RESPONSIBLE, code="forbidden")
    if not article.live:
        raise ServiceError(NOT_YET_PUBLISHED)
    KnowledgeArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_at=timezone.localdate(), review_reminder_sent_for=None
    )
    page_cache.invalidate_on_commit()  # the page shows when it was last reviewed
    review = ArticleReview.objects.create(
        article=article, reviewed_by=by, outcome=ArticleReview.Outcome.NO_CHANGES
    )
    audit.record(
        action="knowledge.article_reviewed", by=by, target=_target(space), article=article.pk
    )
    return review


def review_reminders_send(*, today=None) -> int:
    """Remind each owner once per due date (the date is stored with the article)."""
    sent = 0
    for article, space in selectors.articles_due_for_review(today):
        due_on = article.review_due_on(space.review_interval_days)
        with transaction.atomic():
            claimed = (
                KnowledgeArticlePage.objects.filter(pk=article.pk)
                .exclude(review_reminder_sent_for=due_on)
                .update(review_reminder_sent_for=due_on)
            )
            if not claimed:
                continue
            transaction.on_commit(
                partial(
                    send_templated_mail,
                    template="knowledge/emails/review_due",
                    context={
                        "article": article,
                        "space": space,
                        "due_on": due_on,
                        "url": site_url(article.url or ""),
                    },
                    to=article.content_owner,
                )
            )
        sent += 1
    return sent


# --- Read confirmations ---------------------------------------------------------------------------


@transaction.atomic
def article_confirm_read(*, article: KnowledgeArticlePage, user) -> ReadConfirmation:
    if not article.live or not article.reading_version:
        raise ServiceError(NOT_YET_PUBLISHED)
    if not selectors.is_mandatory_for(article, user):
        raise ServiceError(NOT_MANDATORY, code="not_mandatory")
    confirmation, _created = ReadConfirmation.objects.get_or_create(
        article=article, user=user, version=article.reading_version
    )
    return confirmation


def confirmation_reminders_send(*, article: KnowledgeArticlePage, by) -> int:
    space = selectors.space_of(article)
    if space is None:
        raise ServiceError(NOT_A_MANAGER, code="forbidden")
    _require_manager(space, by)
    missing = selectors.confirmation_overview(article)["missing"]
    url = site_url(article.url or "")
    for person in missing:
        transaction.on_commit(
            partial(
                send_templated_mail,
                template="knowledge/emails/confirmation_reminder",
                context={"article": article, "space": space, "url": url},
                to=person,
            )
        )
    audit.record(
        action="knowledge.confirmation_reminder",
        by=by,
        target=_target(space),
        article=article.pk,
        recipients=len(missing),
    )
    return len(missing)


def approval_requested_notify(*, task_state, by=None) -> int:
    """Tell the approvers of the space (everyone but the submitter) that a change waits."""
    task = task_state.task.specific
    page = task_state.workflow_state.content_object
    requested_by = task_state.workflow_state.requested_by
    recipients = (
        get_user_model()
        .objects.filter(groups__in=task.groups.all(), is_active=True)
        .exclude(pk__in=[requested_by.pk] if requested_by else [])
        .distinct()
    )
    url = site_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    count = 0
    for person in recipients:
        transaction.on_commit(
            partial(
                send_templated_mail,
                template="knowledge/emails/approval_requested",
                context={"page": page, "url": url, "requested_by": requested_by},
                to=person,
            )
        )
        count += 1
    return count
