"""Booking, confirming, moving and cancelling sessions; e-mails with calendar files; reminders;
private notes, feedback, attendance; the calendar feed — through the services every view and the
API call."""

import base64
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from icalendar import Calendar

from mentoring.models import Session, SessionChange, Tandem
from mentoring.sessions import selectors, services
from tests.factories import UserFactory

from .conftest import apply, make_active_tandem, make_programme

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 5, 3, 6, 0, tzinfo=BERLIN)  # Monday morning


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 5, day, hour, minute, tzinfo=BERLIN)


def book(tandem, start, *, by=None, length=60, key="", now=NOW):
    return services.session_book(
        tandem=tandem,
        start=start,
        length=length,
        by=by or tandem.mentee.user,
        idempotency_key=key,
        now=now,
    ).session


def move_to(session, start: datetime) -> None:
    """Put a booked session at a time relative to the real clock (for the command and the feed)."""
    Session.objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
    )


def calendar_of(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


def free_starts(tandem, day: int, now=NOW) -> list[str]:
    result = selectors.tandem_slots(
        tandem=tandem, length=60, start=at(day, 0), end=at(day + 1, 0), now=now
    )
    return [slot.start.astimezone(BERLIN).strftime("%H:%M") for slot in result.slots]


@pytest.fixture
def oncommit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_mentee_books_a_free_slot_and_both_get_a_calendar_invitation(tandem, oncommit):
    tandem.mentee.user.language = "en"
    tandem.mentee.user.save()
    session = oncommit(book, tandem, at(4, 10))
    assert session.status == Session.Status.BOOKED
    assert (session.start, session.end) == (at(4, 10), at(4, 11))
    assert session.blocked_until == at(4, 11, 15)  # the programme's 15 minutes after
    assert [c.kind for c in session.changes.all()] == ["booked"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [tandem.mentee.user.email, tandem.mentor.user.email]
    )
    to_mentee = next(m for m in mail.outbox if m.to == [tandem.mentee.user.email])
    to_mentor = next(m for m in mail.outbox if m.to == [tandem.mentor.user.email])
    assert "Session booked" in to_mentee.subject and "Termin gebucht" in to_mentor.subject
    assert "10:00" in to_mentor.body and "Europe/Berlin" in to_mentor.body
    calendar = calendar_of(to_mentee)
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert (
        str(event["UID"])
        == f"session-{session.uuid}@{urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname}"
    )
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == at(4, 10) and event.decoded(
        "DTSTART"
    ).utcoffset() == timedelta(0)
    assert "DTSTART:20270504T080000Z" in calendar.to_ical().decode()
    assert reverse("mentoring:session-join", args=[session.uuid]) in str(event["LOCATION"])
    assert session.room_name not in to_mentee.body  # the room itself is never in an e-mail


def test_slot_is_gone_for_both_and_the_loser_gets_the_next_free_slots(tandem):
    book(tandem, at(4, 10))
    assert "10:00" not in free_starts(tandem, 4) and "11:00" not in free_starts(tandem, 4)
    with pytest.raises(services.SessionError) as failure:
        book(tandem, at(4, 10), by=tandem.mentor.user)
    assert failure.value.code == "slot_unavailable"
    assert failure.value.alternatives
    assert all(slot.start != at(4, 10) for slot in failure.value.alternatives)
    assert Session.objects.count() == 1


def test_a_slot_must_be_free_for_the_mentee_as_well(db):
    tandem = make_active_tandem()
    # the mentee is also mentee in a second programme's tandem with a session at 14:00
    other_programme = make_programme_with_slug("zweites")
    other_mentor = apply(other_programme, "mentor", "KV Ost", ["Führung"])
    mentee_again = apply(other_programme, "mentee", "KV Süd", ["Führung"], user=tandem.mentee.user)
    other = Tandem.objects.create(
        programme=other_programme,
        mentor=other_mentor,
        mentee=mentee_again,
        status="active",
        mentee_response="accepted",
        mentor_response="accepted",
    )
    schedule = services.schedule_get_or_create(user=other_mentor.user)
    services.availability_set_weekly(
        schedule=schedule, windows=[services.WindowInput(1, time(9), time(17))]
    )
    other = Tandem.objects.select_related("programme", "mentor__user", "mentee__user").get(
        pk=other.pk
    )
    book(other, at(4, 14))
    assert "14:00" not in free_starts(tandem, 4)
    assert "13:30" not in free_starts(tandem, 4)  # 13:30–14:30 would overlap
    with pytest.raises(services.SessionError):
        book(tandem, at(4, 14))


def make_programme_with_slug(slug):
    return make_programme(slug=slug)


def test_idempotency_key_never_creates_a_second_session(tandem):
    first = services.session_book(
        tandem=tandem,
        start=at(4, 10),
        length=60,
        by=tandem.mentee.user,
        idempotency_key="abc",
        now=NOW,
    )
    again = services.session_book(
        tandem=tandem,
        start=at(4, 10),
        length=60,
        by=tandem.mentee.user,
        idempotency_key="abc",
        now=NOW,
    )
    assert first.created and not again.created and again.session.pk == first.session.pk
    with pytest.raises(services.SessionError) as failure:
        services.session_book(
            tandem=tandem,
            start=at(4, 12),
            length=60,
            by=tandem.mentee.user,
            idempotency_key="abc",
            now=NOW,
        )
    assert failure.value.code == "idempotency_key_reused"
    assert Session.objects.count() == 1


def test_a_booking_renders_its_mails_before_it_waits_for_the_mentors_lock(
    tandem, oncommit, monkeypatch
):
    """Bookings with one mentor queue behind her lock (no double booking), so the lock covers
    only the re-check and the writes: both e-mails and their calendar files are rendered
    before it, recorded under it, and dropped when the slot is gone."""
    from cms.models import OutgoingMail
    from mentoring.sessions import booking, notifications

    events = []
    serialise, render = booking._serialise_per_mentor, notifications.render_templated_mail
    monkeypatch.setattr(
        booking, "_serialise_per_mentor", lambda mentor: (events.append("lock"), serialise(mentor))
    )
    monkeypatch.setattr(
        notifications,
        "render_templated_mail",
        lambda **kwargs: (events.append("render"), render(**kwargs))[1],
    )
    session = oncommit(book, tandem, at(4, 10))
    assert events == ["render", "render", "lock"]
    recorded = list(OutgoingMail.objects.all())
    assert sorted(m.to_address for m in recorded) == sorted(
        [tandem.mentee.user.email, tandem.mentor.user.email]
    )
    for recorded_mail in recorded:  # the calendar file names the session that was saved
        ics = base64.b64decode(recorded_mail.attachments[0]["base64"]).decode()
        assert f"UID:session-{session.uuid}@" in ics
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.to_address for m in recorded)

    with pytest.raises(services.SessionError):  # the slot is taken: nothing more is recorded
        oncommit(book, tandem, at(4, 10), by=tandem.mentor.user)
    assert OutgoingMail.objects.count() == 2 and len(mail.outbox) == 2


def test_only_members_of_an_active_tandem_book_offered_lengths(tandem):
    with pytest.raises(services.SessionError) as failure:
        book(tandem, at(4, 10), by=UserFactory())
    assert failure.value.code == "not_a_member"
    with pytest.raises(services.SessionError) as failure:
        book(tandem, at(4, 10), length=50)
    assert failure.value.code == "length_not_offered"
    Tandem.objects.filter(pk=tandem.pk).update(status="completed")
    tandem.refresh_from_db()
    with pytest.raises(services.SessionError) as failure:
        book(tandem, at(4, 10))
    assert failure.value.code == "tandem_not_active"


def test_outside_availability_notice_or_horizon_is_refused(tandem):
    for start in (at(4, 8), at(4, 16, 30), at(3, 12), NOW + timedelta(days=60)):
        with pytest.raises(services.SessionError):
            book(tandem, start)
    assert not Session.objects.exists()


def test_limits_per_day(tandem):
    book(tandem, at(4, 9))
    book(tandem, at(4, 11))
    assert free_starts(tandem, 4) == []  # two per day
    assert free_starts(tandem, 5)


def test_mentor_proposes_and_mentee_confirms_when_the_programme_asks(tandem, oncommit):
    tandem.programme.sessions_need_confirmation = True
    tandem.programme.save()
    session = oncommit(book, tandem, at(4, 10), by=tandem.mentor.user)
    assert session.status == Session.Status.PROPOSED
    assert [m.to for m in mail.outbox] == [[tandem.mentee.user.email]]
    assert not mail.outbox[0].attachments  # no calendar entry before it is confirmed
    assert "10:00" not in free_starts(tandem, 4)  # a proposal holds the time
    with pytest.raises(services.SessionError):
        services.session_confirm(session=session, by=tandem.mentor.user)
    mail.outbox.clear()
    session = oncommit(services.session_confirm, session=session, by=tandem.mentee.user)
    assert session.status == Session.Status.BOOKED and session.sequence == 1
    assert len(mail.outbox) == 2 and calendar_of(mail.outbox[0]).walk("VEVENT")[0]["SEQUENCE"] == 1


def test_reschedule_keeps_the_calendar_entry_and_frees_the_old_time(tandem, oncommit):
    session = book(tandem, at(4, 10))
    mail.outbox.clear()
    with pytest.raises(services.SessionError) as failure:
        services.session_reschedule(
            session=session, start=at(5, 14), by=tandem.mentor.user, reason=" ", now=NOW
        )
    assert failure.value.field == "reason"
    moved = oncommit(
        services.session_reschedule,
        session=session,
        start=at(5, 14),
        by=tandem.mentor.user,
        reason="Dienstreise",
        now=NOW,
    )
    assert (moved.start, moved.sequence) == (at(5, 14), 1)
    assert "10:00" in free_starts(tandem, 4)
    change = moved.changes.get(kind=SessionChange.Kind.RESCHEDULED)
    assert (change.previous_start, change.start, change.reason, change.by) == (
        at(4, 10),
        at(5, 14),
        "Dienstreise",
        tandem.mentor.user,
    )
    (event,) = calendar_of(mail.outbox[0]).walk("VEVENT")
    assert str(event["UID"]).startswith(f"session-{session.uuid}") and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == at(5, 14).astimezone(UTC)
    assert "Dienstreise" in mail.outbox[0].body


def test_moving_onto_its_own_time_plus_half_an_hour_works_but_not_onto_another_session(tandem):
    session = book(tandem, at(4, 10))
    other = book(tandem, at(5, 10))
    services.session_reschedule(
        session=session, start=at(4, 10, 30), by=tandem.mentee.user, reason="später", now=NOW
    )
    with pytest.raises(services.SessionError) as failure:
        services.session_reschedule(
            session=other, start=at(4, 11), by=tandem.mentee.user, reason="x", now=NOW
        )
    assert failure.value.code == "slot_unavailable"


def test_cancel_with_reason_sends_a_cancellation_and_frees_the_time(tandem, oncommit):
    session = book(tandem, at(4, 10))
    mail.outbox.clear()
    cancelled = oncommit(
        services.session_cancel, session=session, by=tandem.mentee.user, reason="krank", now=NOW
    )
    assert cancelled.status == Session.Status.CANCELLED and cancelled.cancel_reason == "krank"
    calendar = calendar_of(mail.outbox[0])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert "10:00" in free_starts(tandem, 4)
    with pytest.raises(services.SessionError):
        services.session_cancel(session=cancelled, by=tandem.mentee.user, reason="nochmal", now=NOW)


def test_no_changes_online_after_the_cutoff(tandem):
    session = book(tandem, at(4, 10))
    late = at(4, 10) - timedelta(hours=23)
    for change in (
        lambda: services.session_cancel(
            session=session, by=tandem.mentor.user, reason="x", now=late
        ),
        lambda: services.session_reschedule(
            session=session, start=at(6, 10), by=tandem.mentor.user, reason="x", now=late
        ),
    ):
        with pytest.raises(services.SessionError) as failure:
            change()
        assert failure.value.code == "too_late"
    session.refresh_from_db()
    assert session.status == Session.Status.BOOKED and session.start == at(4, 10)


def test_notes_are_private_and_feedback_comes_once_from_the_mentee_after_the_start(tandem):
    session = book(tandem, at(4, 10))
    services.session_note_save(
        session=session, by=tandem.mentor.user, text="Vertraulich: Gehalt ansprechen"
    )
    services.session_note_save(session=session, by=tandem.mentee.user, text="Meine Fragen")
    assert session.notes.count() == 2
    with pytest.raises(services.SessionError):
        services.session_feedback_submit(
            session=session, by=tandem.mentee.user, rating=5, now=at(4, 9)
        )
    with pytest.raises(services.SessionError):
        services.session_feedback_submit(
            session=session, by=tandem.mentor.user, rating=5, now=at(4, 12)
        )
    with pytest.raises(services.SessionError) as failure:
        services.session_feedback_submit(
            session=session, by=tandem.mentee.user, rating=6, now=at(4, 12)
        )
    assert failure.value.field == "rating"
    services.session_feedback_submit(
        session=session, by=tandem.mentee.user, rating=4, text="Hilfreich", now=at(4, 12)
    )
    with pytest.raises(services.SessionError):
        services.session_feedback_submit(
            session=session, by=tandem.mentee.user, rating=5, now=at(4, 12)
        )


def test_attendance_from_the_video_server_and_no_shows(tandem):
    session = book(tandem, at(4, 10))
    mentee_id = services.participant_id(session, tandem.mentee.user_id)
    assert services.participant_id(session, tandem.mentor.user_id) != mentee_id
    assert (
        services.attendance_record(session=session, participant="fremd", joined=True, at=at(4, 10))
        is None
    )
    services.attendance_record(session=session, participant=mentee_id, joined=True, at=at(4, 9, 58))
    services.attendance_record(
        session=session, participant=mentee_id, joined=False, at=at(4, 10, 40)
    )
    assert services.sessions_flag_no_shows(now=at(4, 11, 30)) == 1
    session.refresh_from_db()
    assert (
        session.mentee_joined_at == at(4, 9, 58)
        and session.mentor_no_show
        and not session.mentee_no_show
    )
    visit = session.attendance.get()
    assert visit.left_at == at(4, 10, 40)


def test_a_member_marks_that_the_partner_did_not_come(tandem):
    session = book(tandem, at(4, 10))
    with pytest.raises(services.SessionError):
        services.session_mark_no_show(session=session, by=tandem.mentor.user, now=at(4, 9))
    services.session_mark_no_show(session=session, by=tandem.mentor.user, now=at(4, 10, 20))
    session.refresh_from_db()
    assert session.mentee_no_show and not session.mentor_no_show


# --- Reminders ---------------------------------------------------------------------------------


def send_reminders(now) -> None:
    """The sweep, committed: the outbox sends what it recorded."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminders_send_due(now=now)


def reminders(now) -> list[str]:
    mail.outbox.clear()
    send_reminders(now)
    return sorted(m.subject for m in mail.outbox)


def test_reminders_go_out_once_a_day_and_an_hour_before(tandem):
    book(tandem, at(4, 10))
    assert reminders(at(3, 9)) == []
    day_before = reminders(at(3, 10, 5))
    assert len(day_before) == 2 and all("morgen" in subject for subject in day_before)
    assert (
        reminders(at(3, 10, 10)) == []
    )  # a second sweep (or a restarted worker) sends nothing again
    assert reminders(at(4, 8, 30)) == []
    hour_before = reminders(at(4, 9, 5))
    assert len(hour_before) == 2 and all("einer Stunde" in subject for subject in hour_before)
    assert reminders(at(4, 9, 30)) == []


def test_a_late_day_before_reminder_names_the_real_day_not_tomorrow(tandem):
    """The day-before reminder may go out late (a worker was down): it then says "today" and the
    time, in the recipient's own words, never "tomorrow"."""
    book(tandem, at(4, 10))
    mail.outbox.clear()
    send_reminders(at(4, 8))  # two hours before: the day reminder is still due
    to_mentor = next(m for m in mail.outbox if m.to == [tandem.mentor.user.email])
    assert "heute um 10:00 Uhr" in to_mentor.subject and "heute um 10:00 Uhr" in to_mentor.body
    assert "morgen" not in to_mentor.subject + to_mentor.body


def test_an_on_time_day_before_reminder_names_the_day_and_time(tandem):
    book(tandem, at(4, 10))
    mail.outbox.clear()
    send_reminders(at(3, 10, 5))
    to_mentor = next(m for m in mail.outbox if m.to == [tandem.mentor.user.email])
    assert "morgen, Dienstag, 4. Mai, um 10:00 Uhr" in to_mentor.body


def test_no_reminder_for_cancelled_sessions_and_a_moved_one_reminds_of_its_new_time(tandem):
    cancelled = book(tandem, at(4, 10))
    services.session_cancel(session=cancelled, by=tandem.mentee.user, reason="krank", now=NOW)
    moved = book(tandem, at(4, 14))
    assert len(reminders(at(3, 14, 5))) == 2  # 24 h before the original time
    services.session_reschedule(
        session=moved, start=at(5, 14), by=tandem.mentee.user, reason="Termin", now=NOW
    )
    assert reminders(at(4, 13, 5)) == []  # the old time's hour reminder never goes out
    assert len(reminders(at(4, 14, 5))) == 2  # the new time gets its own day-before reminder


def test_a_session_booked_the_same_day_skips_the_day_before_reminder(tandem):
    session = book(tandem, at(4, 10))
    SessionChange.objects.filter(session=session).update(at=at(3, 20))
    assert reminders(at(3, 21)) == []
    assert len(reminders(at(4, 9, 1))) == 2


def test_the_reminder_command_sends_due_reminders(tandem):
    from io import StringIO

    from django.core.management import call_command

    session = book(tandem, at(4, 10))
    move_to(session, datetime.now(UTC) + timedelta(minutes=30))
    SessionChange.objects.filter(session=session).update(at=datetime.now(UTC) - timedelta(days=3))
    call_command("send_outbox", stdout=StringIO())  # the booking's own mails
    mail.outbox.clear()
    out = StringIO()
    call_command("session_reminders", stdout=out)
    assert "2" in out.getvalue() and len(mail.outbox) == 2
    call_command("session_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2


# --- Calendar feed -----------------------------------------------------------------------------


def test_private_calendar_feed_lists_minimal_data_and_rotates(tandem, client):
    session = book(tandem, at(4, 10), now=NOW)
    move_to(session, datetime.now(UTC) + timedelta(days=2))
    token = services.calendar_token_rotate(user=tandem.mentee.user)
    response = client.get(reverse("mentoring:calendar-feed", args=[token.token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]).startswith(f"session-{session.uuid}")
    assert tandem.mentor.user.email not in body, body
    assert "Maria" not in body and "ATTENDEE" not in body and "ORGANIZER" not in body
    rotated = services.calendar_token_rotate(user=tandem.mentee.user)
    assert client.get(reverse("mentoring:calendar-feed", args=[token.token])).status_code == 404
    assert client.get(reverse("mentoring:calendar-feed", args=[rotated.token])).status_code == 200


# --- Availability ------------------------------------------------------------------------------


def test_weekly_availability_becomes_scheduler_events_and_exceptions_block(tandem):
    schedule = tandem.mentor.user.mentor_schedule
    assert schedule.calendar.event_set.filter(rule__frequency="WEEKLY").count() == 5
    with pytest.raises(services.SessionError):
        services.availability_set_weekly(
            schedule=schedule,
            windows=[
                services.WindowInput(0, time(9), time(12)),
                services.WindowInput(0, time(11), time(13)),
            ],
        )
    assert len(selectors.weekly_windows(schedule)) == 5  # the failed edit changed nothing
    services.availability_add_exception(
        schedule=schedule, kind="blocked", date_from=at(4, 0).date()
    )
    assert free_starts(tandem, 4) == []
    services.availability_add_exception(
        schedule=schedule,
        kind="available",
        date_from=at(8, 0).date(),
        start_time=time(10),
        end_time=time(12),
    )  # a Saturday
    assert free_starts(tandem, 8) == ["10:00", "10:30", "11:00"]
    (exception,) = [e for e in selectors.date_exceptions(schedule) if e.kind == "blocked"]
    services.availability_remove_exception(schedule=schedule, exception_id=exception.event_id)
    assert free_starts(tandem, 4)


def test_mentor_rules_replace_the_programmes_only_when_chosen(tandem):
    schedule = tandem.mentor.user.mentor_schedule
    schedule.session_lengths, schedule.max_per_day = [45], 1
    schedule.save()
    assert selectors.booking_rules(tandem=tandem, schedule=schedule).lengths == (30, 45, 60)
    schedule.own_rules = True
    schedule.save()
    rules = selectors.booking_rules(tandem=tandem, schedule=schedule)
    assert rules.lengths == (45,) and rules.max_per_day == 1


def test_a_mentor_in_new_york_offers_local_times(db):
    tandem = make_active_tandem(mentor_zone="America/New_York", windows=[(0, "15:00", "17:00")])
    result = selectors.tandem_slots(
        tandem=tandem,
        length=60,
        start=datetime(2027, 3, 15, tzinfo=UTC),
        end=datetime(2027, 3, 16, 12, tzinfo=UTC),
        now=datetime(2027, 3, 1, tzinfo=UTC),
    )
    new_york = ZoneInfo("America/New_York")
    assert [s.start.astimezone(new_york).strftime("%H:%M") for s in result.slots] == [
        "15:00",
        "15:30",
        "16:00",
    ]
    assert result.slots[0].start == datetime(2027, 3, 15, 19, tzinfo=UTC)  # EDT since 14 March


def test_a_worker_with_deferred_tasks_gets_the_reminder_sweep_queued_for_both_moments(
    tandem, settings, oncommit
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    start = datetime.now(UTC) + timedelta(days=3)
    slot = selectors.tandem_slots(
        tandem=tandem, length=60, start=start, end=start + timedelta(days=7)
    ).slots[0]
    booking = oncommit(
        services.session_book, tandem=tandem, start=slot.start, length=60, by=tandem.mentee.user
    )
    queued = sorted(
        result.task.run_after
        for result in default_task_backend.results
        if result.task.name == "send_due_reminders"
    )
    assert queued == [
        booking.session.start - timedelta(hours=24) + timedelta(seconds=5),
        booking.session.start - timedelta(hours=1) + timedelta(seconds=5),
    ]


def test_programme_management_sees_counts_and_an_average_only_from_three_ratings(tandem):
    held = [book(tandem, at(4, 9)), book(tandem, at(5, 9)), book(tandem, at(6, 9))]
    cancelled = book(tandem, at(7, 9))
    services.session_cancel(session=cancelled, by=tandem.mentor.user, reason="krank", now=NOW)
    later = at(10, 12)
    for rating, session in zip((5, 4), held, strict=False):
        services.session_feedback_submit(
            session=session, by=tandem.mentee.user, rating=rating, text="geheim", now=later
        )
    services.session_mark_no_show(session=held[2], by=tandem.mentee.user, now=later)
    stats = selectors.programme_session_stats(programme=tandem.programme, now=later)
    assert (stats["held"], stats["cancelled"], stats["no_shows"], stats["upcoming"]) == (3, 1, 1, 0)
    assert stats["ratings"] == 2 and stats["average"] is None
    services.session_feedback_submit(session=held[2], by=tandem.mentee.user, rating=3, now=later)
    assert selectors.programme_session_stats(programme=tandem.programme, now=later)["average"] == 4


def test_moving_a_session_to_the_time_it_has_changes_nothing_and_tells_nobody(tandem, oncommit):
    session = book(tandem, at(4, 10))
    mail.outbox.clear()
    for start in (at(4, 10), at(4, 10).astimezone(UTC)):
        same = oncommit(
            services.session_reschedule,
            session=session,
            start=start,
            by=tandem.mentor.user,
            reason="Doppelklick",
            now=NOW,
        )
        assert (same.start, same.sequence) == (at(4, 10), 0)
    assert not session.changes.filter(kind=SessionChange.Kind.RESCHEDULED).exists()
    assert mail.outbox == []
    session.refresh_from_db()
    assert session.sequence == 0
