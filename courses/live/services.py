"""Writes about live sessions: scheduling by trainers, registration with a waiting list that moves
up by itself, occupant events from the video server, attendance and its corrections.

Seats are counted under the session's row lock (``select_for_update``), so two registrations or
two cancellations at the same moment never overfill a session or skip a person waiting."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from cms import audit
from video.attendance import Event, intervals, seconds_within

from .. import conf
from ..models import (
    CoursePage,
    CourseRun,
    Enrolment,
    LiveAttendance,
    LiveAttendanceRule,
    LiveOccupantEvent,
    LiveSession,
    LiveSessionRegistration,
)
from ..services import CourseError, course_evaluate
from . import selectors


def share_percent(seconds: int, *, length_seconds: int) -> int:
    """Share of the length in whole percent, rounded down (never more than 100)."""
    return 0 if length_seconds <= 0 else min(100, seconds * 100 // length_seconds)


NOT_A_TRAINER = _("Only the trainers of this course manage its live sessions.")
TITLE_REQUIRED = _("Please enter a title.")
LENGTH_INVALID = _("The length must be between 1 and 720 minutes.")
SEATS_INVALID = _("The number of seats must be at least 1, or empty for the places of the run.")
START_IN_PAST = _("The start must lie in the future.")
SESSION_CANCELLED = _("This live session has been cancelled.")
SESSION_NOT_CANCELLED = _("This live session is not cancelled.")
SESSION_OVER = _("This live session is over.")
NOT_IN_RUN = _("Only learners enrolled in this course run can register for its live sessions.")
NOT_REGISTERED = _("You are not registered for this live session.")
REASON_REQUIRED = _("Please give a reason.")
MINUTES_INVALID = _("The minutes must lie between 0 and the length of the live session.")

REGISTERED = LiveSessionRegistration.Status.REGISTERED
WAITLISTED = LiveSessionRegistration.Status.WAITLISTED


def _notify(kind: str, session: LiveSession, user_ids: list[int] | None = None) -> None:
    from .tasks import notify_live_session

    session_id = session.pk
    ids = list(user_ids or [])
    transaction.on_commit(lambda: notify_live_session.enqueue(session_id, kind, ids))


def _schedule_reminders(session: LiveSession) -> None:
    """With a worker that runs deferred tasks, queue the sweep for the moments reminders fall
    due (the sweep sends each reminder once); otherwise ``manage.py send_reminders`` does it."""
    from .reminders import REMINDERS
    from .tasks import send_due_live_reminders

    if not send_due_live_reminders.get_backend().supports_defer:
        return
    now = timezone.now()
    for _kind, before, _until in REMINDERS:
        due = session.start - before + timedelta(seconds=5)
        if due > now:
            transaction.on_commit(send_due_live_reminders.using(run_after=due).enqueue)
    closes = session.end + timedelta(minutes=int(conf.get("LIVE_JOIN_LATE_MINUTES")))
    session_id = session.pk
    transaction.on_commit(
        lambda: compute_live_attendance.using(run_after=closes + timedelta(seconds=5)).enqueue(
            session_id
        )
    )


@task()
def compute_live_attendance(session_id: int) -> int:
    """Queued for the moment a session's room closes (with a worker that runs deferred tasks)."""
    session = LiveSession.objects.filter(pk=session_id, status=LiveSession.Status.SCHEDULED).first()
    return live_attendance_compute(session=session) if session is not None else 0


def _check_trainer(run: CourseRun, by) -> None:
    if not selectors.can_manage_run(by, run):
        raise CourseError(NOT_A_TRAINER, code="forbidden")


def _clean(title: str, start: datetime, duration_minutes: int, seats: int | None):
    title = " ".join((title or "").split())[:200]
    if not title:
        raise CourseError(TITLE_REQUIRED, code="title")
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= 720:
        raise CourseError(LENGTH_INVALID, code="length")
    if seats is not None and (not isinstance(seats, int) or seats < 1):
        raise CourseError(SEATS_INVALID, code="seats")
    if start <= timezone.now():
        raise CourseError(START_IN_PAST, code="start")
    return title


# --- Trainers ----------------------------------------------------------------------------------


@transaction.atomic
def live_session_create(
    *,
    run: CourseRun,
    title: str,
    start: datetime,
    duration_minutes: int,
    seats: int | None = None,
    by,
) -> LiveSession:
    _check_trainer(run, by)
    title = _clean(title, start, duration_minutes, seats)
    session = LiveSession.objects.create(
        run=run,
        title=title,
        start=start,
        duration_minutes=duration_minutes,
        seats=seats,
        created_by=by,
    )
    _notify("announced", session)
    _schedule_reminders(session)
    return session


def _promote(session: LiveSession) -> list[LiveSessionRegistration]:
    """Move people up from the waiting list while seats are free; call with the session locked."""
    seats = session.effective_seats
    promoted: list[LiveSessionRegistration] = []
    if session.is_cancelled:
        return promoted
    taken = session.registrations.filter(status=REGISTERED).count()
    while seats is None or taken < seats:
        next_in_line = (
            session.registrations.select_for_update()
            .filter(status=WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if next_in_line is None:
            break
        next_in_line.status = REGISTERED
        next_in_line.save(update_fields=["status", "updated_at"])
        promoted.append(next_in_line)
        taken += 1
    if promoted:
        _notify("promoted", session, [registration.user_id for registration in promoted])
    return promoted


def _locked(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().select_related("run").get(pk=session.pk)


@transaction.atomic
def live_session_update(
    *,
    session: LiveSession,
    title: str,
    start: datetime,
    duration_minutes: int,
    seats: int | None = None,
    by,
) -> LiveSession:
    """Change a session. A new time raises the calendar revision and tells everyone registered;
    more seats move people up from the waiting list; fewer seats take no seat away."""
    session = _locked(session)
    _check_trainer(session.run, by)
    if session.is_cancelled:
        raise CourseError(SESSION_CANCELLED, code="cancelled")
    if start != session.start:
        title = _clean(title, start, duration_minutes, seats)
    else:  # the start may have passed; keep it
        title = _clean(title, timezone.now() + timedelta(days=1), duration_minutes, seats)
    moved = start != session.start or duration_minutes != session.duration_minutes
    changed = moved or title != session.title
    session.title, session.start = title, start
    session.duration_minutes, session.seats = duration_minutes, seats
    if changed:
        session.sequence += 1
    session.save()
    if changed:
        _notify("changed", session)
    if moved:
        _schedule_reminders(session)
    _promote(session)
    return session


@transaction.atomic
def live_session_cancel(*, session: LiveSession, by, reason: str) -> LiveSession:
    """Cancel a session: everyone registered or waiting is told (the calendar entry is removed);
    registrations are kept, so the cancellation can be undone."""
    session = _locked(session)
    _check_trainer(session.run, by)
    if session.is_cancelled:
        raise CourseError(SESSION_CANCELLED, code="cancelled")
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise CourseError(REASON_REQUIRED, code="reason")
    session.status = LiveSession.Status.CANCELLED
    session.cancel_reason = reason
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence"])
    audit.record(action="live_session.cancelled", by=by, target=f"live session {session.pk}")
    _notify("cancelled", session)
    return session


@transaction.atomic
def live_session_restore(*, session: LiveSession, by) -> LiveSession:
    """Undo a cancellation while the session has not ended; everyone registered is told again."""
    session = _locked(session)
    _check_trainer(session.run, by)
    if not session.is_cancelled:
        raise CourseError(SESSION_NOT_CANCELLED, code="not_cancelled")
    if session.end <= timezone.now():
        raise CourseError(SESSION_OVER, code="over")
    session.status = LiveSession.Status.SCHEDULED
    session.cancel_reason = ""
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence"])
    audit.record(action="live_session.restored", by=by, target=f"live session {session.pk}")
    _notify("changed", session)
    _schedule_reminders(session)
    _promote(session)
    return session


# --- Learners ------------------------------------------------------------------------------------


@transaction.atomic
def live_registration_create(*, session: LiveSession, user) -> LiveSessionRegistration:
    """Take a seat, or a place on the waiting list when the session is full. Asking again returns
    the existing registration."""
    session = _locked(session)
    existing = session.registrations.filter(
        user=user, status__in=LiveSessionRegistration.OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    if session.is_cancelled:
        raise CourseError(SESSION_CANCELLED, code="cancelled")
    if session.end <= timezone.now():
        raise CourseError(SESSION_OVER, code="over")
    if selectors.learner_enrolment(user, session.run) is None:
        raise CourseError(NOT_IN_RUN, code="not_enrolled")
    seats = session.effective_seats
    full = seats is not None and session.registrations.filter(status=REGISTERED).count() >= seats
    registration = LiveSessionRegistration.objects.create(
        session=session, user=user, status=WAITLISTED if full else REGISTERED
    )
    _notify("waitlisted" if full else "registered", session, [user.pk])
    if not full:
        _schedule_reminders(session)
    return registration


@transaction.atomic
def live_registration_cancel(
    *, registration: LiveSessionRegistration, by=None
) -> LiveSessionRegistration:
    """Give up a seat or a place in line; a freed seat goes to the longest-waiting person, who is
    told at once."""
    session = _locked(registration.session)
    registration = LiveSessionRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in LiveSessionRegistration.OPEN_STATUSES:
        raise CourseError(NOT_REGISTERED, code="not_registered")
    if session.end <= timezone.now():
        raise CourseError(SESSION_OVER, code="over")
    held_seat = registration.status == REGISTERED
    registration.status = LiveSessionRegistration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _notify("unregistered", session, [registration.user_id])
    if held_seat:
        _promote(session)
    return registration


@transaction.atomic
def live_registrations_leave_run(*, user, run: CourseRun) -> int:
    """A learner who leaves the course gives up their live session seats (upcoming ones)."""
    count = 0
    for registration in LiveSessionRegistration.objects.filter(
        user=user,
        session__run=run,
        status__in=LiveSessionRegistration.OPEN_STATUSES,
        session__start__gt=timezone.now(),
    ).select_related("session"):
        live_registration_cancel(registration=registration)
        count += 1
    return count


def release_seats_of_leaver(sender, *, enrolment: Enrolment, **kwargs) -> None:
    """Receiver of :data:`courses.signals.enrolment_left` (connected in ``CoursesConfig.ready``)."""
    if enrolment.run is not None:
        live_registrations_leave_run(user=enrolment.user, run=enrolment.run)


# --- Attendance --------------------------------------------------------------------------------


def live_occupant_record(
    *,
    session: LiveSession,
    user,
    joined: bool,
    at: datetime,
    event_id: str,
    connection: str = "",
) -> bool:
    """One join or leave from the video server. A repeated event (same id) is ignored; events
    may arrive in any order: attendance is computed from all of them together."""
    try:
        with transaction.atomic():
            LiveOccupantEvent.objects.create(
                session=session,
                user=user,
                joined=joined,
                at=at,
                event_id=str(event_id)[:100],
                connection=str(connection)[:100],
            )
    except IntegrityError:
        return False
    return True


def _attended(course: CoursePage, *, seconds: int, share: int) -> bool:
    if course.live_attendance_rule == LiveAttendanceRule.EACH_SHARE:
        return share >= course.live_attendance_percent
    return seconds >= 60  # present for at least a minute


@transaction.atomic
def live_attendance_compute(*, session: LiveSession, now: datetime | None = None) -> int:
    """Attendance of every person the server saw (hosts excepted) and everyone registered, from
    the occupant events inside the scheduled time. Corrected rows keep their correction. In the
    yes/no mode only ``attended`` is stored and the events are deleted afterwards."""
    now = now or timezone.now()
    session = _locked(session)
    course = CoursePage.objects.get(pk=session.run.course_id)
    boolean = selectors.boolean_mode()
    if boolean and session.attendance_computed_at and session.attendance_computed_at >= session.end:
        return 0  # the events are gone; what was computed stands (corrections still apply)
    hosts = selectors.host_ids(session)
    events = [
        Event(participant=str(user_id), joined=joined, at=at, room=connection)
        for user_id, joined, at, connection in session.occupant_events.values_list(
            "user_id", "joined", "at", "connection"
        )
    ]
    found = intervals(events, until=min(now, session.end))
    people = {int(participant) for participant in found} | set(
        session.registrations.filter(status=REGISTERED).values_list("user_id", flat=True)
    )
    people -= hosts
    length = session.duration_minutes * 60
    existing = {a.user_id: a for a in session.attendances.select_for_update()}
    for user_id in sorted(people):
        seconds = int(seconds_within(found.get(str(user_id), []), session.start, session.end))
        share = share_percent(seconds, length_seconds=length)
        attendance = existing.get(user_id) or LiveAttendance(session=session, user_id=user_id)
        if attendance.corrected_at is not None:
            continue
        attendance.attended = _attended(course, seconds=seconds, share=share)
        attendance.minutes = None if boolean else seconds // 60
        attendance.share_percent = None if boolean else share
        attendance.save()
    session.attendance_computed_at = now
    session.save(update_fields=["attendance_computed_at"])
    if boolean and session.end <= now:
        session.occupant_events.all().delete()
    _evaluate_courses(course, sorted(people))
    return len(people)


def _evaluate_courses(course: CoursePage, user_ids: list[int]) -> None:
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(
        pk__in=user_ids,
        enrolments__course=course,
        enrolments__status__in=Enrolment.LEARNING_STATUSES,
    ):
        course_evaluate(user=user, course=course)


@transaction.atomic
def live_attendance_correct(
    *,
    session: LiveSession,
    user,
    by,
    reason: str,
    minutes: int | None = None,
    attended: bool | None = None,
) -> LiveAttendance:
    """A trainer corrects a person's attendance (minutes, or in the yes/no mode whether they
    attended); the reason is required and the correction is written to the audit log."""
    session = _locked(session)
    _check_trainer(session.run, by)
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise CourseError(REASON_REQUIRED, code="reason")
    course = CoursePage.objects.get(pk=session.run.course_id)
    attendance = LiveAttendance.objects.select_for_update().filter(
        session=session, user=user
    ).first() or LiveAttendance(session=session, user=user)
    if selectors.boolean_mode() or minutes is None:
        if attended is None:
            raise CourseError(MINUTES_INVALID, code="minutes")
        attendance.attended = bool(attended)
        if not selectors.boolean_mode():
            attendance.minutes = attendance.minutes if attendance.minutes is not None else 0
    else:
        if not isinstance(minutes, int) or not 0 <= minutes <= session.duration_minutes:
            raise CourseError(MINUTES_INVALID, code="minutes")
        share = share_percent(minutes * 60, length_seconds=session.duration_minutes * 60)
        attendance.minutes, attendance.share_percent = minutes, share
        attendance.attended = _attended(course, seconds=minutes * 60, share=share)
    attendance.corrected_by = by
    attendance.corrected_at = timezone.now()
    attendance.correction_reason = reason
    attendance.save()
    audit.record(
        action="live_attendance.corrected",
        by=by,
        subject=user,
        target=f"live session {session.pk}",
        attended=attendance.attended,
        minutes=attendance.minutes,
    )
    _evaluate_courses(course, [user.pk])
    return attendance


def live_attendance_compute_due(*, now: datetime | None = None) -> int:
    """The sweep: compute attendance of sessions whose room has closed and that were not computed
    since (late events recompute within a day)."""
    now = now or timezone.now()
    late = timedelta(minutes=int(conf.get("LIVE_JOIN_LATE_MINUTES")))
    count = 0
    for session in LiveSession.objects.filter(
        status=LiveSession.Status.SCHEDULED,
        start__lte=now,
        start__gte=now - timedelta(days=2),
    ):
        if session.end + late > now:
            continue
        if session.attendance_computed_at and session.attendance_computed_at >= session.end + late:
            continue
        live_attendance_compute(session=session, now=now)
        count += 1
    return count
