"""Ending a programme: a confirmed step that says what happens to whom, checks the end date,
cancels the tandems' future sessions with notices, thanks everyone and can be undone."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.models import AuditEvent
from mentoring import services
from mentoring.models import Programme, ProgrammeEnding, Session, Tandem
from tests.factories import UserFactory

from .conftest import make_active_tandem, make_programme
from .test_sessions import at, book


@pytest.fixture
def oncommit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def programme_over(programme: Programme) -> Programme:
    """The programme's end date has passed (its sessions in May 2027 are still ahead)."""
    Programme.objects.filter(pk=programme.pk).update(
        starts_on=date(2026, 1, 1), ends_on=timezone.localdate() - timedelta(days=1)
    )
    programme.refresh_from_db()
    return programme


@pytest.fixture
def world(db):
    programme = make_programme()
    tandem = make_active_tandem(programme)
    session = book(tandem, at(4, 10))
    manager = UserFactory(is_staff=True, is_superuser=True)
    return programme, tandem, session, manager


def test_before_the_end_date_ending_is_refused_without_a_reason(world):
    programme, tandem, session, manager = world
    with pytest.raises(services.MentoringError) as error:
        services.programme_end(programme=programme, by=manager)
    assert error.value.code == "not_over" and error.value.field == "early_reason"
    tandem.refresh_from_db()
    session.refresh_from_db()
    assert tandem.status == Tandem.Status.ACTIVE and session.status == Session.Status.BOOKED
    ending = services.programme_end(programme=programme, by=manager, early_reason="Förderung endet")
    assert ending.early_reason == "Förderung endet"
    tandem.refresh_from_db()
    assert tandem.status == Tandem.Status.COMPLETED


def test_ending_completes_cancels_future_sessions_notifies_and_records(world, oncommit):
    programme, tandem, session, manager = world
    programme_over(programme)
    mail.outbox.clear()
    ending = oncommit(services.programme_end, programme=programme, by=manager)
    tandem.refresh_from_db()
    session.refresh_from_db()
    assert tandem.status == Tandem.Status.COMPLETED and tandem.ended_at
    assert session.status == Session.Status.CANCELLED
    assert session.cancelled_by == manager and "beendet" in session.cancel_reason
    assert list(ending.sessions.all()) == [session]
    members = {tandem.mentee.user.email, tandem.mentor.user.email}
    cancelled = [m for m in mail.outbox if "abgesagt" in m.subject.lower()]
    thanks = [m for m in mail.outbox if m.subject.startswith("Vielen Dank")]
    assert {m.to[0] for m in cancelled} == members
    assert {m.to[0] for m in thanks} == members
    feedback = reverse("mentoring:feedback", args=[tandem.pk, "final"])
    assert all(feedback in m.body for m in thanks)
    event = AuditEvent.objects.get(action="programme.ended")
    assert event.details["tandems"] == 1 and event.details["sessions_cancelled"] == 1


def test_undo_reopens_the_tandems_and_lists_the_cancelled_sessions(world, oncommit):
    programme, tandem, session, manager = world
    programme_over(programme)
    ending = services.programme_end(programme=programme, by=manager)
    mail.outbox.clear()
    reopened = oncommit(services.programme_end_undo, ending=ending, by=manager)
    assert [t.pk for t in reopened] == [tandem.pk]
    tandem.refresh_from_db()
    session.refresh_from_db()
    assert tandem.status == Tandem.Status.ACTIVE and tandem.ended_at is None
    assert session.status == Session.Status.CANCELLED  # stays cancelled, to be booked again
    book_url = reverse("mentoring:book", args=[tandem.pk])
    assert {m.to[0] for m in mail.outbox} == {tandem.mentee.user.email, tandem.mentor.user.email}
    assert all(book_url in m.body for m in mail.outbox)
    with pytest.raises(services.MentoringError) as error:
        services.programme_end_undo(ending=ending, by=manager)
    assert error.value.code == "undone"


def test_undo_is_refused_after_the_period(world, settings):
    programme, tandem, session, manager = world
    settings.TANDEM_MENTORING_PROGRAMME_END_UNDO_DAYS = 3
    programme_over(programme)
    ending = services.programme_end(programme=programme, by=manager)
    with pytest.raises(services.MentoringError) as error:
        services.programme_end_undo(
            ending=ending, by=manager, now=ending.ended_at + timedelta(days=3, minutes=1)
        )
    assert error.value.code == "expired"
    tandem.refresh_from_db()
    assert tandem.status == Tandem.Status.COMPLETED


def test_the_workspace_asks_first_and_shows_whom_it_concerns(world, client):
    programme, tandem, session, manager = world
    client.force_login(manager)
    dashboard = client.get(reverse("mentoring_dashboard", args=[programme.pk])).content.decode()
    assert "Programmende" not in dashboard  # no one-click mass action any more
    url = reverse("mentoring_programme_end", args=[programme.pk])
    assert url in dashboard
    page = client.get(url).content.decode()
    assert tandem.mentee.user.get_full_name() in page
    assert tandem.mentor.user.get_full_name() in page
    assert "1 zukünftiger Termin wird abgesagt" in page
    assert "Begründung" in page  # before the end date a reason is needed
    unconfirmed = client.post(url, {"early_reason": "Förderung endet"})
    assert unconfirmed.status_code == 400
    assert "Bitte bestätigen Sie" in unconfirmed.content.decode()
    no_reason = client.post(url, {"confirm": "on"})
    assert no_reason.status_code == 400
    tandem.refresh_from_db()
    assert tandem.status == Tandem.Status.ACTIVE
    done = client.post(url, {"confirm": "on", "early_reason": "Förderung endet"})
    ending = ProgrammeEnding.objects.get()
    assert done.url == reverse("mentoring_ending", args=[programme.pk, ending.pk])
    detail = client.get(done.url).content.decode()
    assert "Rückgängig" in detail
    client.post(reverse("mentoring_ending_undo", args=[programme.pk, ending.pk]))
    tandem.refresh_from_db()
    assert tandem.status == Tandem.Status.ACTIVE


def test_nothing_to_end_is_said_not_a_500(client, db):
    programme = programme_over(make_programme())
    manager = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(manager)
    url = reverse("mentoring_programme_end", args=[programme.pk])
    assert "keine aktiven Tandems" in client.get(url).content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 400
