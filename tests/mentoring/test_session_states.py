"""Sessions without cliffs: past sessions read as past (not "booked" with "Join") in a table
captioned as such; booking before the mentor has set times says so and tells her once; a booked
session offers its calendar file; the forms mark their groups and required answers."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Session

from .conftest import make_active_tandem
from .test_session_views import book_now, login, tandem  # noqa: F401 (the fixture)


def into_the_past(session: Session, *, days: int = 2, **fields) -> None:
    start = timezone.now() - timedelta(days=days)
    Session.objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
        **fields,
    )


def test_a_past_session_is_past_not_booked_and_offers_no_join(client, tandem):  # noqa: F811
    upcoming = book_now(tandem, 0)
    past = book_now(tandem, 3)
    into_the_past(past)
    held = book_now(tandem, 6)
    now = timezone.now()
    into_the_past(held, days=3, mentor_joined_at=now, mentee_joined_at=now)
    login(client, tandem.mentee.user)
    html = client.get(reverse("mentoring:sessions")).content.decode()
    upcoming_part, past_part = html.split("Vergangene und abgesagte Termine</h2>")
    join = reverse("mentoring:session-join", args=[upcoming.uuid])
    assert join in upcoming_part
    assert "Vergangene und abgesagte Termine</caption>" in past_part
    assert "Anstehende Termine</caption>" not in past_part
    assert reverse("mentoring:session-join", args=[past.uuid]) not in html
    assert "gebucht" not in past_part
    assert ">vergangen</td>" in past_part and ">stattgefunden</td>" in past_part
    detail = client.get(reverse("mentoring:session", args=[past.uuid])).content.decode()
    assert 'id="session-status">vergangen<' in detail


def test_booking_before_the_mentor_set_times_tells_her_once(
    client, db, django_capture_on_commit_callbacks
):
    pair = make_active_tandem(windows=[])
    url = reverse("mentoring:book", args=[pair.pk])
    login(client, pair.mentee.user)
    mail.outbox.clear()
    for _visit in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            html = client.get(url).content.decode()
        assert "hat noch keine Zeiten freigegeben, wir haben sie benachrichtigt" in html
        assert "spätere Wochen" not in html
    assert [m.to[0] for m in mail.outbox] == [pair.mentor.user.email]
    assert reverse("mentoring:availability") in mail.outbox[0].body
    login(client, pair.mentor.user)
    html = client.get(url).content.decode()
    assert "Zeiten festlegen" in html and reverse("mentoring:availability") in html


def test_a_booked_session_offers_its_calendar_file(client, tandem):  # noqa: F811
    session = book_now(tandem)
    login(client, tandem.mentee.user)
    page = client.get(reverse("mentoring:session", args=[session.uuid])).content.decode()
    link = reverse("mentoring:session-calendar", args=[session.uuid])
    assert link in page and "In meinen Kalender eintragen" in page
    response = client.get(link)
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "METHOD:REQUEST" in body


def test_forms_mark_their_groups_and_required_answers(client, tandem):  # noqa: F811
    login(client, tandem.mentor.user)
    html = client.get(reverse("mentoring:availability")).content.decode()
    assert 'class="mentoring-form"' in html and "Pflichtfelder" in html
    assert "mentoring/mentoring.css" in html
    assert '<legend class="required"' in html  # the session lengths, a group of checkboxes
