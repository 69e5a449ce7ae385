from types import SimpleNamespace

import pytest

from knowledge import services
from knowledge.models import KnowledgeArticlePage, Visibility
from tests.factories import UserFactory


def publish_article(parent, *, title, by=None, body=None, **fields) -> KnowledgeArticlePage:
    article = KnowledgeArticlePage(title=title, body=body or [], **fields)
    parent.add_child(instance=article)
    article.save_revision(user=by).publish(user=by)
    return KnowledgeArticlePage.objects.get(pk=article.pk)


def make_space(home, title, *, visibility=Visibility.GROUPS, requires_approval=False):
    """A space with one person per role."""
    people = SimpleNamespace(
        manager=UserFactory(first_name="Mia", last_name=f"Manager {title}"),
        reader=UserFactory(first_name="Rita", last_name=f"Reader {title}"),
        editor=UserFactory(first_name="Emil", last_name=f"Editor {title}"),
        approver=UserFactory(first_name="Anja", last_name=f"Approver {title}"),
    )
    space = services.space_create(
        parent=home,
        title=title,
        visibility=visibility,
        requires_approval=requires_approval,
        managers=[people.manager],
    )
    space.readers_group.user_set.add(people.reader)
    space.editors_group.user_set.add(people.editor)
    space.approvers_group.user_set.add(people.approver)
    return space, people


@pytest.fixture
def space_a(home_page):
    return make_space(home_page, "Datenschutz")


@pytest.fixture
def space_b(home_page):
    return make_space(home_page, "Digitale Beratung")
