"""The API (readable spaces and articles, search, confirmations, in the schema), fixed query
counts on the new pages, and the demo data."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from knowledge import demo, selectors
from knowledge.models import KnowledgeArticlePage, Visibility
from tests.factories import UserFactory

from .conftest import publish_article


def test_the_api_lists_searches_and_confirms(space_a):
    space, people = space_a
    article = publish_article(space, title="Leitlinie Daten", summary="Leitlinie")
    article.mandatory_for.set([space.readers_group])
    article.save_revision().publish()
    api = APIClient()
    assert api.get("/api/v1/knowledge/spaces/").json()["results"] == []  # members only
    api.force_authenticate(people.reader)
    spaces = api.get("/api/v1/knowledge/spaces/").json()["results"]
    assert [s["title"] for s in spaces] == ["Datenschutz"]
    found = api.get("/api/v1/knowledge/articles/", {"q": "Leitlinie", "space": space.pk}).json()
    assert [a["title"] for a in found["results"]] == ["Leitlinie Daten"]
    assert found["results"][0]["space"] == space.pk
    open_ = api.get("/api/v1/knowledge/confirmations/open/").json()
    assert [a["id"] for a in open_["results"]] == [article.pk]
    response = api.post(f"/api/v1/knowledge/articles/{article.pk}/confirmation/")
    version = KnowledgeArticlePage.objects.get(pk=article.pk).reading_version
    assert response.status_code == 201 and response.json()["version"] == version == 2
    assert api.get("/api/v1/knowledge/confirmations/open/").json()["results"] == []
    assert api.get("/api/v1/knowledge/articles/", {"space": "abc"}).status_code == 404


def test_the_schema_describes_the_knowledge_api(db):
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = {path for path in schema["paths"] if "/knowledge/" in path}
    assert {
        "/api/v1/knowledge/spaces/",
        "/api/v1/knowledge/articles/",
        "/api/v1/knowledge/confirmations/open/",
    } <= paths, paths
    assert any(path.endswith("/confirmation/") for path in paths), paths


def _queries(client, url) -> int:
    # Caches that a publication empties (site, menus, view restrictions) are filled again: the
    # first request sets their generation, the second stores their values.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_space_page_needs_the_same_number_of_queries_for_more_articles(space_a):
    space, people = space_a
    manager = Client()
    manager.force_login(people.manager)
    first = publish_article(space, title="Eins", content_owner=people.editor)
    before = _queries(manager, space.url)
    for number in range(4):
        space.readers_group.user_set.add(UserFactory())
        publish_article(space, title=f"Weitere {number}", content_owner=people.editor)
    KnowledgeArticlePage.objects.filter(pk=first.pk).update(
        last_reviewed_at=timezone.localdate() - timedelta(days=400)
    )
    after = _queries(manager, space.url)
    assert after == before


def test_demo_spaces(home_page):
    wiki = [UserFactory(first_name="Wiebke"), UserFactory(first_name="Rita")]
    staff = [UserFactory(), UserFactory()]
    guides, internal = demo.seed(home=home_page, wiki_team=wiki, staff=staff)
    demo.seed(home=home_page, wiki_team=wiki, staff=staff)  # idempotent
    assert guides.visibility == Visibility.PUBLIC and internal.visibility == Visibility.GROUPS
    assert internal.requires_approval
    assert not wiki[0].is_superuser and selectors.can_manage(internal, wiki[0])
    articles = KnowledgeArticlePage.objects.descendant_of(internal)
    assert articles.count() == 2
    guideline = articles.get(slug="datenschutzleitlinie")
    assert list(guideline.mandatory_for.all()) == [internal.readers_group]
    overdue = articles.get(slug="videoberatung-einwilligung")
    assert selectors.review_state(overdue, internal).overdue
    assert [a.title for a in selectors.open_confirmations(staff[0])] == ["Datenschutzleitlinie"]
    # Outsiders find nothing of the internal space.
    assert list(selectors.search_articles(UserFactory(), "Datenschutzleitlinie")) == []
