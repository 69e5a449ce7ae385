"""Reads of the knowledge base: who may read, edit and manage a space, what a page shows, the
management page, review lists and read confirmations. Every list here is filtered by what the
person may read: Wagtail's view restrictions on the page and its ancestors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    PageViewRestriction,
    ReferenceIndex,
)

from cms.search import search_terms

from .conf import knowledge_settings
from .models import (
    KnowledgeArticlePage,
    KnowledgeSpacePage,
    ReadConfirmation,
    SpaceRole,
    Visibility,
)

RECENTLY_CHANGED = 8


# --- Who may read ---------------------------------------------------------------------------------


def user_group_ids(user) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_knowledge_group_ids", None)
    if cached is None:
        cached = set(user.groups.values_list("pk", flat=True))
        user._knowledge_group_ids = cached
    return cached


def _passes(restriction: PageViewRestriction, user, group_ids: set[int]) -> bool:
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return bool(user is not None and user.is_authenticated)
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        return bool(group_ids & {group.pk for group in restriction.groups.all()})
    return False  # a password restriction: never listed, the page asks for the password


def hidden_paths(user, *, knowledge_only: bool = False) -> list[str]:
    """Tree paths of the pages (with their subtrees) the person may not read; with
    ``knowledge_only``, of the restricted knowledge spaces and articles only."""
    group_ids = user_group_ids(user)
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    if knowledge_only:
        restrictions = restrictions.filter(
            page__content_type__in=ContentType.objects.get_for_models(
                KnowledgeSpacePage, KnowledgeArticlePage
            ).values()
        )
    return [
        restriction.page.path
        for restriction in restrictions
        if not _passes(restriction, user, group_ids)
    ]


def readable(pages: QuerySet, user, *, knowledge_only: bool = False) -> QuerySet:
    """``pages`` without those under a view restriction the person does not pass."""
    paths = hidden_paths(user, knowledge_only=knowledge_only)
    if not paths:
        return pages
    hidden = Q()
    for path in paths:
        hidden |= Q(path__startswith=path)
    return pages.exclude(hidden)


def readable_documents(documents: QuerySet, user) -> QuerySet:
    """``documents`` without those in a collection whose view restriction the person fails."""
    group_ids = user_group_ids(user)
    hidden = Q()
    for restriction in CollectionViewRestriction.objects.select_related(
        "collection"
    ).prefetch_related("groups"):
        if not _passes(restriction, user, group_ids):
            hidden |= Q(path__startswith=restriction.collection.path)
    if not hidden:
        return documents
    # By the collections' ids: the admin's document search filters on indexed fields only
    # ("collection" is one, its path is not).
    hidden_ids = list(Collection.objects.filter(hidden).values_list("pk", flat=True))
    return documents.exclude(collection__in=hidden_ids)


def can_read(page, user) -> bool:
    return readable(type(page).objects.filter(pk=page.pk), user).exists()


def space_of(page) -> KnowledgeSpacePage | None:
    if isinstance(page, KnowledgeSpacePage):
        return page
    return KnowledgeSpacePage.objects.ancestor_of(page).first()


def requires_approval(page) -> bool:
    """Whether changes of ``page`` (a space or an article) go through the space's approval."""
    if page is None or not page.pk or not page.path:
        return False
    return KnowledgeSpacePage.objects.filter(
        path__in=[page.path[:length] for length in range(4, len(page.path) + 1, 4)],
        requires_approval=True,
    ).exists()


def has_role(space: KnowledgeSpacePage, user, *roles: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    group_ids = {getattr(space, f"{SpaceRole(role).value}s_group_id") for role in roles}
    return bool(user_group_ids(user) & group_ids)


def can_manage(space: KnowledgeSpacePage, user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or has_role(space, user, SpaceRole.MANAGER))
    )


def managed_spaces(user) -> QuerySet:
    if user is None or not user.is_authenticated:
        return KnowledgeSpacePage.objects.none()
    if user.is_superuser:
        return KnowledgeSpacePage.objects.all()
    return KnowledgeSpacePage.objects.filter(managers_group__in=user_group_ids(user))


def readable_articles(user, *, space: KnowledgeSpacePage | None = None) -> QuerySet:
    articles = KnowledgeArticlePage.objects.live()
    if space is not None:
        articles = articles.descendant_of(space)
    return readable(articles, user)


def readable_spaces(user) -> QuerySet:
    return readable(KnowledgeSpacePage.objects.live(), user).order_by("title")


def search_articles(user, query: str, *, space: KnowledgeSpacePage | None = None):
    query = search_terms(query)
    if not query:
        return KnowledgeArticlePage.objects.none()
    articles: Any = readable_articles(user, space=space)  # Wagtail's PageQuerySet
    return articles.search(query, operator="and")


# --- Review dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewState:
    last_reviewed: date | None
    due_on: date | None
    overdue: bool
    due_soon: bool


def review_state(article: KnowledgeArticlePage, space: KnowledgeSpacePage, today=None):
    today = today or timezone.localdate()
    due = article.review_due_on(space.review_interval_days)
    soon = int(knowledge_settings.get("REVIEW_SOON_DAYS"))
    last = article.last_reviewed_at or (
        timezone.localdate(article.first_published_at) if article.first_published_at else None
    )
    return ReviewState(
        last_reviewed=last,
        due_on=due,
        overdue=bool(due and due <= today),
        due_soon=bool(due and today < due <= today + timedelta(days=soon)),
    )


def articles_due_for_review(today=None) -> list[tuple[KnowledgeArticlePage, KnowledgeSpacePage]]:
    """Live articles whose review date has come and whose owner was not reminded of it yet."""
    today = today or timezone.localdate()
    due = []
    spaces = list(KnowledgeSpacePage.objects.all())
    for space in spaces:
        for article in (
            KnowledgeArticlePage.objects.live()
            .descendant_of(space)
            .filter(content_owner__isnull=False)
            .select_related("content_owner")
        ):
            due_on = article.review_due_on(space.review_interval_days)
            if due_on and due_on <= today and article.review_reminder_sent_for != due_on:
                due.append((article, space))
    return due


def review_list(space: KnowledgeSpacePage, today=None) -> list[dict]:
    """Articles of the space that are overdue or due soon, overdue first."""
    rows = []
    for article in (
        KnowledgeArticlePage.objects.descendant_of(space)
        .live()
        .select_related("content_owner")
        .order_by("title")
    ):
        state = review_state(article, space, today)
        if state.overdue or state.due_soon:
            rows.append({"article": article, "state": state})
    rows.sort(key=lambda row: (not row["state"].overdue, row["state"].due_on))
    return rows


# --- Read confirmations ---------------------------------------------------------------------------


def mandatory_readers(article: KnowledgeArticlePage) -> QuerySet:
    groups = list(article.mandatory_for.values_list("pk", flat=True))
    return (
        get_user_model()
        .objects.filter(groups__in=groups, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def is_mandatory_for(article: KnowledgeArticlePage, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return article.mandatory_for.filter(pk__in=user_group_ids(user)).exists()


def has_confirmed(article: KnowledgeArticlePage, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ReadConfirmation.objects.filter(
        article=article, user=user, version=article.reading_version
    ).exists()


def confirmation_overview(article: KnowledgeArticlePage) -> dict:
    readers = list(mandatory_readers(article))
    confirmed_ids = set(
        ReadConfirmation.objects.filter(
            article=article, version=article.reading_version
        ).values_list("user_id", flat=True)
    )
    confirmed = [person for person in readers if person.pk in confirmed_ids]
    missing = [person for person in readers if person.pk not in confirmed_ids]
    return {
        "confirmed": confirmed,
        "missing": missing,
        "confirmed_count": len(confirmed),
        "total": len(readers),
    }


def open_confirmations(user) -> list[KnowledgeArticlePage]:
    """Mandatory articles the person can read and has not confirmed in their current version."""
    if user is None or not user.is_authenticated:
        return []
    confirmed = set(ReadConfirmation.objects.filter(user=user).values_list("article_id", "version"))
    articles = readable_articles(user).filter(mandatory_for__in=user_group_ids(user)).distinct()
    return [a for a in articles if (a.pk, a.reading_version) not in confirmed]


def _referencing_article_ids(article: KnowledgeArticlePage) -> list[int]:
    """Articles that link to ``article`` (Wagtail's reference index)."""
    content_type = ContentType.objects.get_for_model(KnowledgeArticlePage)
    return [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(article)
        .filter(content_type=content_type)
        .values_list("object_id", flat=True)
        if str(object_id).isdigit()
    ]


# --- Page contexts --------------------------------------------------------------------------------


def space_navigation(space: KnowledgeSpacePage, user) -> list[dict]:
    """The space's live articles as a nested list (readable ones only)."""
    articles = list(
        readable_articles(user, space=space)
        .order_by("path")
        .only("title", "path", "depth", "url_path")
    )
    root: dict[str, Any] = {"children": []}
    stack = [(space.depth, root)]
    for article in articles:
        node = {"page": article, "children": []}
        while stack and stack[-1][0] >= article.depth:
            stack.pop()
        if not stack:
            continue
        stack[-1][1]["children"].append(node)
        stack.append((article.depth, node))
    return root["children"]


def recently_changed(user, *, space: KnowledgeSpacePage | None = None, limit=RECENTLY_CHANGED):
    return readable_articles(user, space=space).order_by("-last_published_at")[:limit]


def space_page_context(*, space: KnowledgeSpacePage, request) -> dict:
    user = request.user
    query = search_terms(request.GET.get("q"))
    return {
        "space": space,
        "navigation": space_navigation(space, user),
        "recently_changed": recently_changed(user, space=space),
        "search_query": query,
        "search_results": search_articles(user, query, space=space) if query else None,
        "can_manage": can_manage(space, user),
    }


def article_page_context(*, article: KnowledgeArticlePage, request) -> dict:
    user = request.user
    space = space_of(article)
    context: dict = {"space": space}
    if space is None:
        return context
    state = review_state(article, space)
    manager = can_manage(space, user)
    mandatory = article.mandatory_for.exists()
    links_here = readable(
        KnowledgeArticlePage.objects.live().filter(pk__in=_referencing_article_ids(article)), user
    )
    context.update(
        {
            "navigation": space_navigation(space, user),
            "review": state,
            "can_manage": manager,
            "is_owner": bool(user.is_authenticated and article.content_owner_id == user.pk),
            "mandatory": mandatory,
            "must_confirm": is_mandatory_for(article, user),
            "confirmed": has_confirmed(article, user),
            "confirmations": confirmation_overview(article) if mandatory else None,
            "links_here": links_here,
        }
    )
    return context


AUDIT_ACTIONS = {
    "knowledge.space_created": _("Space created"),
    "knowledge.member_added": _("Added to the space"),
    "knowledge.member_removed": _("Removed from the space"),
    "knowledge.space_settings_changed": _("Visibility or approval changed"),
    "knowledge.article_reviewed": _("Article reviewed, no changes"),
    "knowledge.confirmation_reminder": _("Reading reminder sent"),
}


def audit_rows(events, *, people) -> list[dict]:
    """The space's audit events for its managers: the log keeps pseudonyms only; they are turned
    back into the names of the space's current members (others: "a former member")."""
    from cms.audit import pseudonym

    names = {pseudonym(person): person.get_full_name() or person.email for person in people}
    former = _("a former member")
    rows = []
    for event in events:
        details = event.details or {}
        role = details.get("role")
        rows.append(
            {
                "at": event.at,
                "what": AUDIT_ACTIONS.get(event.action, event.action),
                "by": names.get(event.actor, former) if event.actor else "",
                "subject": names.get(event.subject, former) if event.subject else "",
                "role": SpaceRole(role).label if role in SpaceRole.values else "",
                "visibility": (
                    Visibility(details["visibility"]).label
                    if details.get("visibility") in Visibility.values
                    else ""
                ),
                "requires_approval": details.get("requires_approval"),
            }
        )
    return rows


def manage_context(space: KnowledgeSpacePage, *, query: str = "", today=None) -> dict:
    from cms.models import AuditEvent

    members = {}
    User = get_user_model()
    for role in SpaceRole:
        group_id = getattr(space, f"{role.value}s_group_id")
        members[role.value] = list(
            User.objects.filter(groups=group_id).order_by("last_name", "first_name", "pk")
            if group_id
            else User.objects.none()
        )
    candidates = []
    query = search_terms(query, max_length=100)
    if query:
        filters = Q()
        for word in query.split():
            filters &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        candidates = list(
            User.objects.filter(filters, is_active=True).order_by("last_name", "first_name")[:20]
        )
    events = audit_rows(
        AuditEvent.objects.filter(target=f"knowledge.space:{space.pk}").order_by("-at")[:50],
        people=[person for people in members.values() for person in people],
    )
    return {
        "members": members,
        "member_groups": [(role, members[role.value]) for role in SpaceRole],
        "candidates": candidates,
        "member_query": query,
        "events": events,
        "reviews": review_list(space, today),
    }
