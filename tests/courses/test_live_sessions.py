"""Live sessions in course runs: seats and the waiting list, e-mails with calendar files,
reminders, attendance and its corrections, completion and the certificate, the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.models import AuditEvent
from courses.live import selectors, services
from courses.live.reminders import live_reminders_send_due
from courses.models import (
    Certificate,
    Enrolment,
    LessonPage,
    LessonProgress,
    LiveAttendance,
    LiveAttendanceRule,
    LiveSession,
    LiveSessionRegistration,
)
from courses.services import CourseError, course_evaluate
from tests.courses.live_support import enrol, learners, make_run, make_session
from tests.factories import UserFactory

REGISTERED = LiveSessionRegistration.Status.REGISTERED
WAITLISTED = LiveSessionRegistration.Status.WAITLISTED


@pytest.fixture
def run(course):
    return make_run(course, capacity=20)


def _ics(message) -> str:
    content = message.attachments[0][1]
    return content.decode() if isinstance(content, bytes) else content


def _statuses(session):
    return dict(session.registrations.values_list("user_id", "status"))


# --- Seats and the waiting list ----------------------------------------------------------------


def test_seats_cap_and_waiting_list_in_order(run, django_capture_on_commit_callbacks):
    session = make_session(run, seats=2)
    a, b, c, d = learners(run, 4)
    with django_capture_on_commit_callbacks(execute=True):
        regs = [services.live_registration_create(session=session, user=u) for u in (a, b, c, d)]
    assert [r.status for r in regs] == [REGISTERED, REGISTERED, WAITLISTED, WAITLISTED]
    assert session.registrations.filter(status=REGISTERED).count() == 2
    # Asking again changes nothing.
    assert services.live_registration_create(session=session, user=c).pk == regs[2].pk
    rows = selectors.course_live_sessions(
        course=run.course, user=d, enrolment=Enrolment.objects.get(user=d)
    )
    assert rows[0].position == 2 and rows[0].free_seats == 0
    seated = [m for m in mail.outbox if "live-session.ics" in str([x[0] for x in m.attachments])]
    assert {m.to[0] for m in seated} == {a.email, b.email}


def test_seats_default_to_the_run_places(course):
    run = make_run(course, capacity=1)
    session = make_session(run)
    a, b = learners(run, 2)
    assert services.live_registration_create(session=session, user=a).status == REGISTERED
    assert services.live_registration_create(session=session, user=b).status == WAITLISTED


def test_waiting_list_moves_up_on_cancellation_and_tells_the_person(
    run, django_capture_on_commit_callbacks
):
    session = make_session(run, seats=1)
    a, b, c = learners(run, 3)
    for user in (a, b, c):
        services.live_registration_create(session=session, user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_registration_cancel(registration=session.registrations.get(user=a))
    assert _statuses(session) == {
        a.pk: LiveSessionRegistration.Status.CANCELLED,
        b.pk: REGISTERED,
        c.pk: WAITLISTED,
    }
    promoted = [m for m in mail.outbox if m.to == [b.email]]
    assert len(promoted) == 1
    assert "method=REQUEST" in promoted[0].attachments[0][2]
    cancelled = [m for m in mail.outbox if m.to == [a.email]]
    assert "METHOD:CANCEL" in _ics(cancelled[0])


def test_leaving_the_waiting_list_frees_no_seat(run):
    session = make_session(run, seats=1)
    a, b, c = learners(run, 3)
    for user in (a, b, c):
        services.live_registration_create(session=session, user=user)
    services.live_registration_cancel(registration=session.registrations.get(user=b))
    assert _statuses(session)[c.pk] == WAITLISTED
    assert _statuses(session)[a.pk] == REGISTERED


def test_more_seats_move_people_up(run, trainer):
    session = make_session(run, seats=1)
    a, b, c = learners(run, 3)
    for user in (a, b, c):
        services.live_registration_create(session=session, user=user)
    services.live_session_update(
        session=session,
        title=session.title,
        start=session.start,
        duration_minutes=60,
        seats=3,
        by=trainer,
    )
    assert set(_statuses(session).values()) == {REGISTERED}


def test_only_learners_of_the_run_register(run, outsider):
    session = make_session(run)
    with pytest.raises(CourseError) as error:
        services.live_registration_create(session=session, user=outsider)
    assert error.value.code == "not_enrolled"
    other_run = make_run(run.course)
    (learner,) = learners(other_run, 1)
    with pytest.raises(CourseError):
        services.live_registration_create(session=session, user=learner)


def test_no_registration_for_a_cancelled_or_past_session(run, trainer):
    (learner,) = learners(run, 1)
    past = make_session(run, start=timezone.now() - timedelta(hours=3), minutes=60)
    with pytest.raises(CourseError) as error:
        services.live_registration_create(session=past, user=learner)
    assert error.value.code == "over"
    session = make_session(run)
    services.live_session_cancel(session=session, by=trainer, reason="Krank")
    with pytest.raises(CourseError) as error:
        services.live_registration_create(session=session, user=learner)
    assert error.value.code == "cancelled"


# --- Trainers ------------------------------------------------------------------------------------


def test_only_trainers_of_the_course_schedule(run, trainer, learner):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(CourseError) as error:
        services.live_session_create(
            run=run, title="X", start=start, duration_minutes=60, by=learner
        )
    assert error.value.code == "forbidden"
    co_trainer = UserFactory()
    run.trainer = co_trainer
    run.save()
    session = services.live_session_create(
        run=run, title="  Auftakt  ", start=start, duration_minutes=90, by=co_trainer
    )
    assert session.title == "Auftakt"
    assert selectors.host_ids(session) == {trainer.pk, co_trainer.pk}


@pytest.mark.parametrize(
    ("title", "minutes", "seats", "days", "code"),
    [
        ("", 60, None, 1, "title"),
        ("A", 0, None, 1, "length"),
        ("A", 60, 0, 1, "seats"),
        ("A", 60, None, -1, "start"),
    ],
)
def test_scheduling_refuses_bad_input(run, trainer, title, minutes, seats, days, code):
    with pytest.raises(CourseError) as error:
        services.live_session_create(
            run=run,
            title=title,
            start=timezone.now() + timedelta(days=days),
            duration_minutes=minutes,
            seats=seats,
            by=trainer,
        )
    assert error.value.code == code


def test_change_and_cancel_tell_everyone_with_calendar_updates(
    run, trainer, django_capture_on_commit_callbacks
):
    session = make_session(run, seats=1)
    a, b = learners(run, 2)
    for user in (a, b):
        services.live_registration_create(session=session, user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_session_update(
            session=session,
            title="Auftakt (neu)",
            start=session.start + timedelta(hours=1),
            duration_minutes=60,
            seats=1,
            by=trainer,
        )
    session.refresh_from_db()
    assert session.sequence == 1
    assert {m.to[0] for m in mail.outbox} == {a.email, b.email}
    seated = next(m for m in mail.outbox if m.to == [a.email])
    ics = _ics(seated)
    assert "SEQUENCE:1" in ics and f"live-{session.uuid}@" in ics
    waiting = next(m for m in mail.outbox if m.to == [b.email])
    assert not waiting.attachments  # no calendar entry without a seat
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_session_cancel(session=session, by=trainer, reason="Erkrankt")
    assert {m.to[0] for m in mail.outbox} == {a.email, b.email}
    assert all("METHOD:CANCEL" in _ics(m) for m in mail.outbox)
    assert "Erkrankt" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="live_session.cancelled").exists()
    # Undo: the registrations are still there.
    services.live_session_restore(session=session, by=trainer)
    assert _statuses(session) == {a.pk: REGISTERED, b.pk: WAITLISTED}


def test_reminders_are_sent_once_to_the_seated(run, django_capture_on_commit_callbacks):
    session = make_session(run, start=timezone.now() + timedelta(minutes=50), seats=1)
    a, b = learners(run, 2)
    for user in (a, b):
        services.live_registration_create(session=session, user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        assert live_reminders_send_due() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert live_reminders_send_due() == 0
    assert [m.to for m in mail.outbox] == [[a.email]]


def test_the_cms_sweep_runs_the_live_reminders(run):
    from io import StringIO

    from django.core.management import call_command

    session = make_session(run, start=timezone.now() + timedelta(hours=20))
    (a,) = learners(run, 1)
    services.live_registration_create(session=session, user=a)
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [[a.email]]


# --- Attendance ----------------------------------------------------------------------------------


def _ended_session(run, *, minutes=60):
    return make_session(
        run, start=timezone.now() - timedelta(minutes=minutes + 30), minutes=minutes
    )


def _events(session, user, *pairs):
    for index, (offset, joined) in enumerate(pairs):
        services.live_occupant_record(
            session=session,
            user=user,
            joined=joined,
            at=session.start + timedelta(minutes=offset),
            event_id=f"{user.pk}-{index}",
        )


def test_attendance_from_occupant_events(run, trainer):
    session = _ended_session(run)
    a, b, c = learners(run, 3)
    for user in (a, b, c):
        LiveSessionRegistration.objects.create(session=session, user=user, status=REGISTERED)
    _events(session, a, (-5, True), (30, False), (32, True), (70, False))  # reconnect
    _events(session, b, (10, True), (25, False))
    _events(session, trainer, (-10, True), (65, False))  # hosts are not counted
    services.live_attendance_compute(session=session)
    rows = {a.user_id: a for a in LiveAttendance.objects.filter(session=session)}
    assert set(rows) == {a.pk, b.pk, c.pk}
    assert (rows[a.pk].minutes, rows[a.pk].share_percent) == (58, 96)
    assert (rows[b.pk].minutes, rows[b.pk].share_percent) == (15, 25)
    assert (rows[c.pk].minutes, rows[c.pk].attended) == (0, False)


def test_duplicate_events_count_once(run):
    session = _ended_session(run)
    (a,) = learners(run, 1)
    at = session.start + timedelta(minutes=10)
    for _ in range(3):
        services.live_occupant_record(session=session, user=a, joined=True, at=at, event_id="x1")
    services.live_occupant_record(
        session=session, user=a, joined=False, at=at + timedelta(minutes=20), event_id="x2"
    )
    services.live_attendance_compute(session=session)
    assert LiveAttendance.objects.get(session=session, user=a).minutes == 20


def test_attendance_rule_each_share_sets_attended(run):
    course = run.course
    course.live_attendance_rule = LiveAttendanceRule.EACH_SHARE
    course.live_attendance_percent = 80
    course.save()
    session = _ended_session(run)
    a, b = learners(run, 2)
    _events(session, a, (0, True), (50, False))  # 83 %
    _events(session, b, (0, True), (45, False))  # 75 %
    services.live_attendance_compute(session=session)
    attended = dict(
        LiveAttendance.objects.filter(session=session).values_list("user_id", "attended")
    )
    assert attended == {a.pk: True, b.pk: False}


def test_correction_needs_a_reason_and_is_audited(run, trainer, learner):
    enrol(run, learner)
    session = _ended_session(run)
    with pytest.raises(CourseError) as error:
        services.live_attendance_correct(
            session=session, user=learner, by=trainer, reason=" ", minutes=50
        )
    assert error.value.code == "reason"
    services.live_attendance_correct(
        session=session, user=learner, by=trainer, reason="Ton-Probleme, per Telefon", minutes=55
    )
    attendance = LiveAttendance.objects.get(session=session, user=learner)
    assert (attendance.minutes, attendance.corrected_by, attendance.attended) == (55, trainer, True)
    event = AuditEvent.objects.get(action="live_attendance.corrected")
    assert event.target == f"live session {session.pk}"
    assert event.details == {"attended": True, "minutes": 55}
    assert "Telefon" not in str(event.details)  # the free-text reason stays out of the log
    # A later computation keeps the correction.
    services.live_attendance_compute(session=session)
    assert LiveAttendance.objects.get(session=session, user=learner).minutes == 55


def test_correction_by_someone_else_is_refused(run, learner, outsider):
    enrol(run, learner)
    session = _ended_session(run)
    with pytest.raises(CourseError):
        services.live_attendance_correct(
            session=session, user=learner, by=outsider, reason="x", minutes=1
        )


def test_boolean_mode_keeps_only_whether_people_attended(run, settings):
    settings.TANDEM_COURSES_LIVE_ATTENDANCE_MODE = "boolean"
    session = _ended_session(run)
    a, b = learners(run, 2)
    _events(session, a, (0, True), (40, False))
    LiveSessionRegistration.objects.create(session=session, user=b, status=REGISTERED)
    services.live_attendance_compute(session=session)
    rows = {row.user_id: row for row in LiveAttendance.objects.filter(session=session)}
    assert (rows[a.pk].attended, rows[a.pk].minutes, rows[a.pk].share_percent) == (
        True,
        None,
        None,
    )
    assert rows[b.pk].attended is False
    assert not session.occupant_events.exists()  # the joins and leaves are gone
    services.live_attendance_compute(session=session)  # computing again changes nothing
    assert LiveAttendance.objects.get(session=session, user=a).attended is True


# --- Completion and the certificate --------------------------------------------------------------


def _complete_lessons(user, course):
    now = timezone.now()
    for lesson in LessonPage.objects.descendant_of(course).live():
        LessonProgress.objects.create(user=user, lesson=lesson, course=course, completed_at=now)


def test_completion_and_certificate_wait_for_attendance(run):
    course = run.course
    course.live_attendance_rule = LiveAttendanceRule.EACH_SHARE
    course.live_attendance_percent = 80
    course.save()
    first = _ended_session(run, minutes=90)
    second = _ended_session(run, minutes=60)
    (learner,) = learners(run, 1)
    _complete_lessons(learner, course)
    _events(first, learner, (0, True), (90, False))
    services.live_attendance_compute(session=first)
    course_evaluate(user=learner, course=course)
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.ACTIVE
    assert not Certificate.objects.filter(user=learner).exists()
    _events(second, learner, (5, True), (60, False))  # 91 %
    services.live_attendance_compute(session=second)  # completes by itself
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.COMPLETED
    certificate = Certificate.objects.get(user=learner)
    assert certificate.live_hours == pytest.approx(2.5)


def test_rule_all_sessions_and_a_correction_completes(run, trainer):
    course = run.course
    course.live_attendance_rule = LiveAttendanceRule.ALL
    course.save()
    session = _ended_session(run)
    (learner,) = learners(run, 1)
    _complete_lessons(learner, course)
    services.live_attendance_compute(session=session)
    course_evaluate(user=learner, course=course)
    assert not Certificate.objects.filter(user=learner).exists()
    services.live_attendance_correct(
        session=session, user=learner, by=trainer, reason="war im Raum", minutes=60
    )
    assert Certificate.objects.get(user=learner).live_hours == pytest.approx(1.0)


def test_cancelled_sessions_are_not_required(run, trainer):
    course = run.course
    course.live_attendance_rule = LiveAttendanceRule.ALL
    course.save()
    session = make_session(run)
    (learner,) = learners(run, 1)
    _complete_lessons(learner, course)
    course_evaluate(user=learner, course=course)
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.ACTIVE
    services.live_session_cancel(session=session, by=trainer, reason="fällt aus")
    course_evaluate(user=learner, course=course)
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.COMPLETED


def test_the_certificate_pdf_names_the_live_hours(run):
    from courses.certificates_pdf import certificate_pdf

    (learner,) = learners(run, 1)
    certificate = Certificate.objects.create(
        user=learner,
        course=run.course,
        holder_name="Lena",
        course_title="Kurs",
        hours=6,
        live_hours=2.5,
        issued_at=timezone.now(),
    )
    pdf = certificate_pdf(certificate=certificate, verify_url="https://x.example/", language="de")
    assert pdf.startswith(b"%PDF-")


# --- Pages -----------------------------------------------------------------------------------


def test_learner_sees_and_registers_on_the_course_page(client, run):
    session = make_session(run, title="Auftakt live")
    (learner,) = learners(run, 1)
    client.force_login(learner)
    page = client.get(run.course.url)
    assert "Auftakt live" in page.content.decode()
    response = client.post(reverse("courses:live-register", args=[session.uuid]))
    assert response.status_code == 302
    assert session.registrations.get(user=learner).status == REGISTERED
    assert "Auftakt live" in client.get(reverse("courses:live-mine")).content.decode()
    assert "Auftakt live" in client.get(reverse("me")).content.decode()


def test_trainer_schedules_through_the_page(client, run, trainer):
    client.force_login(trainer)
    url = reverse("courses:live-manage", args=[run.pk])
    assert "noch keine Live-Termine" in client.get(url).content.decode()  # the empty state
    bad = client.post(url, {"title": "A", "start": "nonsense", "duration_minutes": "60"})
    assert bad.status_code == 400
    start = timezone.localtime() + timedelta(days=5)
    response = client.post(
        url,
        {
            "title": "Fragestunde",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
        },
    )
    assert response.status_code == 302
    session = LiveSession.objects.get(title="Fragestunde")
    assert session.duration_minutes == 45


def test_attendance_csv_export(client, run, trainer):
    session = _ended_session(run)
    a, b = learners(run, 2)
    _events(session, a, (0, True), (30, False))
    LiveSessionRegistration.objects.create(session=session, user=b, status=REGISTERED)
    services.live_attendance_compute(session=session)
    services.live_attendance_correct(
        session=session, user=b, by=trainer, reason="=SUM(1)", minutes=10
    )
    client.force_login(trainer)
    response = client.get(reverse("courses:live-attendance-export", args=[session.uuid]))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Name;")
    by_email = {line.split(";")[1]: line.split(";") for line in lines[1:]}
    assert by_email[a.email][3:6] == ["30", "50", "ja"] or by_email[a.email][3:6] == [
        "30",
        "50",
        "yes",
    ]
    assert by_email[b.email][-1] == "'=SUM(1)"  # no formula smuggled into a spreadsheet
    assert AuditEvent.objects.filter(action="export.csv").exists()


def test_list_pages_run_a_fixed_number_of_queries(client, run, trainer):
    sessions = [make_session(run, title=f"T{i}") for i in range(2)]
    people = learners(run, 3)
    for session in sessions:
        for person in people:
            services.live_registration_create(session=session, user=person)

    def count(url, user):
        client.force_login(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # Warm: sessions, content types, and the site cache (its generation on the first
        # request, its values on the second).
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    manage = reverse("courses:live-manage", args=[run.pk])
    attendance = reverse("courses:live-attendance", args=[sessions[0].uuid])
    mine = reverse("courses:live-mine")
    before = [count(manage, trainer), count(attendance, trainer), count(mine, people[0])]
    for session in [*sessions, make_session(run, title="T3"), make_session(run, title="T4")]:
        for person in learners(run, 3):
            services.live_registration_create(session=session, user=person)
    for person in people:
        services.live_registration_create(session=LiveSession.objects.get(title="T3"), user=person)
    after = [count(manage, trainer), count(attendance, trainer), count(mine, people[0])]
    assert after == before
    # Pinned: the trainer's list, the attendance page, the learner's list (base template included;
    # the learner's list also asks for sessions she hosts).
    assert after == [9, 10, 6]


def test_leaving_the_course_releases_live_seats_and_moves_the_waiting_list_up(
    run, client, django_capture_on_commit_callbacks
):
    """A learner who leaves the course is told on the confirmation page that her live session
    seats go; after leaving, the longest-waiting person holds the seat and gets the calendar
    file; a session already over keeps its record."""
    session = make_session(run, seats=1, title="Fallbesprechung")
    past = make_session(run, start=timezone.now() - timedelta(hours=3), title="Vorbei")
    leaver, waiting = learners(run, 2)
    services.live_registration_create(session=session, user=leaver)
    services.live_registration_create(session=session, user=waiting)
    LiveSessionRegistration.objects.create(session=past, user=leaver, status=REGISTERED)
    assert _statuses(session) == {leaver.pk: REGISTERED, waiting.pk: WAITLISTED}
    client.force_login(leaver)
    url = reverse("courses:leave", args=[run.course.pk])
    confirm = client.get(url)
    assert "Fallbesprechung" in confirm.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert _statuses(session) == {
        leaver.pk: LiveSessionRegistration.Status.CANCELLED,
        waiting.pk: REGISTERED,
    }
    assert _statuses(past) == {leaver.pk: REGISTERED}
    promoted = [m for m in mail.outbox if m.to == [waiting.email]]
    assert len(promoted) == 1 and "METHOD:REQUEST" in _ics(promoted[0])
    released = [m for m in mail.outbox if m.to == [leaver.email]]
    assert len(released) == 1 and "METHOD:CANCEL" in _ics(released[0])


def test_my_area_lists_upcoming_live_sessions_with_the_way_in_and_names_the_next_step(
    client, run, trainer, outsider
):
    """/me/: a learner of a run without registrations is told how to register; once registered
    she sees the session, and while its room is open the link goes straight in; the trainer
    sees the sessions she hosts; someone outside every run sees no live section."""
    (learner,) = learners(run, 1)
    client.force_login(learner)
    page = client.get(reverse("me")).content.decode()
    assert "Meine Live-Termine" in page and "auf der Kursseite" in page
    assert reverse("courses:mine") in page
    soon = make_session(run, start=timezone.now() + timedelta(minutes=5), title="Sprechstunde")
    later = make_session(run, title="Vertiefung")
    for session in (soon, later):
        services.live_registration_create(session=session, user=learner)
    page = client.get(reverse("me")).content.decode()
    assert reverse("courses:live-join", args=[soon.uuid]) in page  # open now: straight in
    assert "Sprechstunde" in page
    assert reverse("courses:live-session", args=[later.uuid]) in page  # later: its page
    assert reverse("courses:live-join", args=[later.uuid]) not in page
    client.force_login(trainer)
    page = client.get(reverse("me")).content.decode()
    assert reverse("courses:live-join", args=[soon.uuid]) in page
    hosted = client.get(reverse("courses:live-mine")).content.decode()
    assert "Vertiefung" in hosted and reverse("courses:live-join", args=[later.uuid]) in hosted
    client.force_login(outsider)
    assert "Meine Live-Termine" not in client.get(reverse("me")).content.decode()
