"""Review dates with a reminder sent once, and read confirmations that a substantial version
resets and a minor one does not."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cms.errors import ServiceError
from knowledge import selectors, services
from knowledge.models import ArticleReview, KnowledgeArticlePage, ReadConfirmation

from .conftest import publish_article


def test_a_review_reminder_is_sent_once_when_due(space_a, django_capture_on_commit_callbacks):
    space, people = space_a
    article = publish_article(space, title="Löschfristen", content_owner=people.editor)
    today = timezone.localdate()
    assert services.review_reminders_send(today=today) == 0  # not due yet
    later = today + timedelta(days=space.review_interval_days)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.review_reminders_send(today=later) == 1
        assert services.review_reminders_send(today=later + timedelta(days=1)) == 0
        call_command("knowledge_review_reminders", today=later.isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == [people.editor.email]
    assert "Prüfung fällig" in message.subject and "Löschfristen" in message.body

    # Readers see that the review is overdue; the owner clicks "reviewed, no changes".
    KnowledgeArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_at=today - timedelta(days=space.review_interval_days + 3)
    )
    reader = Client()
    reader.force_login(people.reader)
    page = reader.get(article.url)
    assert "Prüfung überfällig" in page.text and "Zuletzt geprüft am" in page.text
    assert "Geprüft, keine Änderungen" not in page.text  # readers do not review
    owner = Client()
    owner.force_login(people.editor)
    owner.post(f"/knowledge/articles/{article.pk}/reviewed/")
    article.refresh_from_db()
    assert article.last_reviewed_at == today
    assert ArticleReview.objects.filter(
        article=article, reviewed_by=people.editor, outcome="no_changes"
    ).exists()
    assert "Prüfung überfällig" not in reader.get(article.url).text


def test_the_managers_list_overdue_articles(space_a):
    space, people = space_a
    article = publish_article(space, title="Alt", content_owner=people.editor)
    KnowledgeArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_at=timezone.localdate() - timedelta(days=400)
    )
    rows = selectors.review_list(space)
    assert [row["article"].title for row in rows] == ["Alt"] and rows[0]["state"].overdue
    client = Client()
    client.force_login(people.manager)
    assert "Alt" in client.get(f"/knowledge/spaces/{space.pk}/manage/").text


def republish(article, *, minor: bool, summary: str):
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    article.summary = summary
    article.minor_change = minor
    article.save_revision().publish()
    return KnowledgeArticlePage.objects.get(pk=article.pk)


def test_confirmations_reset_by_a_substantial_version_not_by_a_minor_one(space_a):
    space, people = space_a
    article = publish_article(space, title="Datenschutzleitlinie")
    article.mandatory_for.set([space.readers_group])
    article.save_revision().publish()
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    version = article.reading_version

    client = Client()
    client.force_login(people.reader)
    assert "Gelesen und verstanden" in client.get(article.url).text
    client.post(f"/knowledge/articles/{article.pk}/confirm/")
    assert selectors.has_confirmed(article, people.reader)

    article = republish(article, minor=True, summary="Tippfehler korrigiert")
    assert article.reading_version == version
    assert selectors.has_confirmed(article, people.reader)

    article = republish(article, minor=False, summary="Neue Aufbewahrungsfristen")
    assert article.reading_version == version + 1
    assert not selectors.has_confirmed(article, people.reader)
    assert ReadConfirmation.objects.filter(user=people.reader).count() == 1  # history kept


def test_managers_see_names_others_numbers_and_a_reminder_goes_to_the_missing(
    space_a, django_capture_on_commit_callbacks
):
    space, people = space_a
    article = publish_article(space, title="Leitlinie")
    article.mandatory_for.set([space.readers_group, space.editors_group])
    article.save_revision().publish()
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    services.article_confirm_read(article=article, user=people.reader)

    reader = Client()
    reader.force_login(people.reader)
    text = reader.get(article.url).text
    assert "1 von 2" in text and people.editor.last_name not in text
    assert reader.get(f"/knowledge/articles/{article.pk}/confirmations/").status_code == 404

    manager = Client()
    manager.force_login(people.manager)
    page = manager.get(f"/knowledge/articles/{article.pk}/confirmations/")
    assert people.editor.last_name in page.text and people.reader.last_name in page.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(f"/knowledge/articles/{article.pk}/confirmations/")
    assert [message.to for message in mail.outbox] == [[people.editor.email]]


def test_only_people_it_is_mandatory_for_confirm(space_a):
    space, people = space_a
    article = publish_article(space, title="Freiwillig")
    with pytest.raises(ServiceError):
        services.article_confirm_read(article=article, user=people.reader)
