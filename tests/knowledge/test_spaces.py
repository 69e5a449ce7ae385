"""A space creates and owns its groups, page permissions, collection and view restriction."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import CollectionViewRestriction, GroupPagePermission, PageViewRestriction

from cms.models import AuditEvent
from knowledge import selectors, services
from knowledge.models import SpaceRole, Visibility
from tests.factories import UserFactory

from .conftest import publish_article


def test_a_new_space_owns_four_groups_with_permissions_on_its_subtree(space_a):
    space, people = space_a
    names = {role: space.group_for(role).name for role in SpaceRole}
    assert names == {
        SpaceRole.READER: "Datenschutz: Leser",
        SpaceRole.EDITOR: "Datenschutz: Redaktion",
        SpaceRole.APPROVER: "Datenschutz: Freigabe",
        SpaceRole.MANAGER: "Datenschutz: Verwaltung",
    }
    permissions = {
        (p.group_id, p.permission.codename.split("_")[0])
        for p in GroupPagePermission.objects.filter(page=space)
    }
    assert (space.editors_group_id, "change") in permissions
    assert (space.editors_group_id, "publish") in permissions  # no approval required
    assert not any(group == space.readers_group_id for group, _kind in permissions)
    restriction = PageViewRestriction.objects.get(page=space)
    assert set(restriction.groups.values_list("pk", flat=True)) == set(space.group_ids)
    collection_restriction = CollectionViewRestriction.objects.get(collection=space.collection)
    assert set(collection_restriction.groups.values_list("pk", flat=True)) == set(space.group_ids)


def test_renaming_a_space_renames_its_groups_collection_and_workflow(home_page):
    from knowledge.models import KnowledgeSpacePage
    from tests.knowledge.conftest import make_space

    space, people = make_space(home_page, "Datenschutz", requires_approval=True)
    space = KnowledgeSpacePage.objects.get(pk=space.pk)
    space.title = "Datenschutz und IT-Sicherheit"
    space.save_revision(user=people.manager).publish(user=people.manager)
    space = KnowledgeSpacePage.objects.get(pk=space.pk)
    assert space.group_for(SpaceRole.EDITOR).name == "Datenschutz und IT-Sicherheit: Redaktion"
    assert space.group_for(SpaceRole.MANAGER).name == "Datenschutz und IT-Sicherheit: Verwaltung"
    assert space.collection.name == f"Datenschutz und IT-Sicherheit ({space.pk})"
    assert space.get_workflow().name == f"Datenschutz und IT-Sicherheit ({space.pk}): Freigabe"
    # Members and rights stay with the renamed groups.
    assert space.group_for(SpaceRole.EDITOR).user_set.filter(pk=people.editor.pk).exists()


def test_readers_read_outsiders_get_the_login_or_nothing(space_a):
    space, people = space_a
    article = publish_article(space, title="Löschfristen")
    reader = Client()
    reader.force_login(people.reader)
    response = reader.get(article.url)
    assert response.status_code == 200
    assert "Löschfristen" in response.text
    outsider = Client()
    outsider.force_login(UserFactory())
    refused = outsider.get(article.url)
    # Signed in but not a member: refused, not sent to the login (which would send her back).
    assert refused.status_code == 403 and "Löschfristen" not in refused.text
    assert Client().get(article.url).status_code == 302  # not signed in: the login


def test_managers_change_members_and_visibility_and_it_is_audited(space_a):
    space, people = space_a
    colleague = UserFactory(first_name="Clara", last_name="Kollegin")
    client = Client()
    client.force_login(people.manager)
    url = f"/knowledge/spaces/{space.pk}/manage/"
    page = client.get(url, {"q": "Kollegin"})
    assert page.status_code == 200 and "Clara Kollegin" in page.text
    response = client.post(url, {"action": "add", "user": colleague.pk, "role": "editor"})
    assert response.status_code == 302
    assert space.editors_group.user_set.filter(pk=colleague.pk).exists()
    client.post(url, {"action": "settings", "visibility": "signed_in"})
    space.refresh_from_db()
    assert space.visibility == Visibility.SIGNED_IN
    assert PageViewRestriction.objects.get(page=space).restriction_type == "login"
    client.post(url, {"action": "remove", "user": colleague.pk, "role": "editor"})
    assert not space.editors_group.user_set.filter(pk=colleague.pk).exists()
    actions = list(
        AuditEvent.objects.filter(target=f"knowledge.space:{space.pk}").values_list(
            "action", flat=True
        )
    )
    assert {"knowledge.member_added", "knowledge.member_removed"} <= set(actions)
    assert "knowledge.space_settings_changed" in actions
    # The trail names people for the managers (the log itself keeps pseudonyms only).
    with translation.override("de"):
        trail = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    rows = [" ".join(row.split()) for row in re.findall(r"<tr>(.*?)</tr>", trail.text, re.S)]
    removed = [row for row in rows if "Aus dem Bereich entfernt" in row]
    assert removed and people.manager.get_full_name() in removed[0]
    assert "ein ehemaliges Mitglied (Redaktion)" in removed[0]  # Clara is no member any more
    assert "knowledge.member_removed" not in trail.text


MANAGE_PAGE_QUERIES = 18  # the same for 3 or 9 more members, candidates and articles


def test_the_management_page_needs_the_same_number_of_queries_for_more_members(
    space_a, django_assert_max_num_queries
):
    space, people = space_a
    client = Client()
    client.force_login(people.manager)
    url = f"/knowledge/spaces/{space.pk}/manage/"
    client.get(url)  # warm caches (site, settings)

    def grow():
        for _ in range(3):
            person = UserFactory()
            space.editors_group.user_set.add(person)
            services.space_member_add(
                space=space, role="reader", user=UserFactory(), by=people.manager
            )
            publish_article(space, title=f"Artikel {person.pk}", content_owner=person)

    grow()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"q": "a"}).status_code == 200
    grow()
    grow()
    with CaptureQueriesContext(connection) as more:
        assert client.get(url, {"q": "a"}).status_code == 200
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries][len(few) :]
    with django_assert_max_num_queries(MANAGE_PAGE_QUERIES):
        client.get(url, {"q": "a"})


def test_managers_cannot_touch_another_space_or_site_wide_groups(space_a, space_b):
    space, people = space_a
    other, _others = space_b
    client = Client()
    client.force_login(people.manager)
    colleague = UserFactory()
    assert client.get(f"/knowledge/spaces/{other.pk}/manage/").status_code == 404
    response = client.post(
        f"/knowledge/spaces/{other.pk}/manage/",
        {"action": "add", "user": colleague.pk, "role": "manager"},
    )
    assert response.status_code == 404
    assert not other.managers_group.user_set.filter(pk=colleague.pk).exists()
    # The form only knows the space's own roles: no site-wide group can be named.
    client.post(
        f"/knowledge/spaces/{space.pk}/manage/",
        {"action": "add", "user": colleague.pk, "role": "Redaktion"},
    )
    assert not colleague.groups.exists()


def test_the_last_manager_stays(space_a):
    space, people = space_a
    with pytest.raises(services.ServiceError):
        services.space_member_remove(
            space=space, role="manager", user=people.manager, by=people.manager
        )


def test_search_within_a_space_lists_only_readable_articles(space_a, space_b):
    space, people = space_a
    other, _ = space_b
    publish_article(space, title="Einwilligung Foto", summary="Einwilligung einholen")
    publish_article(other, title="Einwilligung Video", summary="Einwilligung einholen")
    titles = {a.title for a in selectors.search_articles(people.reader, "Einwilligung")}
    assert titles == {"Einwilligung Foto"}
