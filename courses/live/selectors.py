"""Reads about live sessions, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .. import conf
from ..models import (
    CoursePage,
    CourseRun,
    Enrolment,
    LiveAttendance,
    LiveSession,
    LiveSessionRegistration,
)

REGISTERED = LiveSessionRegistration.Status.REGISTERED
WAITLISTED = LiveSessionRegistration.Status.WAITLISTED


def boolean_mode() -> bool:
    """The yes/no attendance mode (TANDEM_COURSES_LIVE_ATTENDANCE_MODE = "boolean")."""
    return conf.get("LIVE_ATTENDANCE_MODE") == "boolean"


def join_window(session: LiveSession) -> tuple[datetime, datetime]:
    """When the room is open: from a little before the start until a little after the end."""
    early = timedelta(minutes=int(conf.get("LIVE_JOIN_EARLY_MINUTES")))
    late = timedelta(minutes=int(conf.get("LIVE_JOIN_LATE_MINUTES")))
    return session.start - early, session.end + late


def host_ids(session: LiveSession) -> set[int]:
    """The run's trainer and the course's trainers (one query)."""
    ids = set(
        get_user_model()
        .objects.filter(trained_courses=session.run.course_id)
        .values_list("pk", flat=True)
    )
    if session.run.trainer_id:
        ids.add(session.run.trainer_id)
    return ids


def hosts(session: LiveSession) -> QuerySet:
    return get_user_model().objects.filter(pk__in=host_ids(session), is_active=True)


def can_manage_run(user, run: CourseRun) -> bool:
    """Trainers of the course (and the run's trainer, and superusers) manage its live sessions."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or run.trainer_id == user.pk:
        return True
    return get_user_model().objects.filter(pk=user.pk, trained_courses=run.course_id).exists()


def is_host(user, session: LiveSession) -> bool:
    return bool(user.is_authenticated and user.is_active and user.pk in host_ids(session))


def learner_enrolment(user, run: CourseRun) -> Enrolment | None:
    """The learner's enrolment in the run that lets them register for its live sessions."""
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(
        user=user, run=run, status__in=Enrolment.LEARNING_STATUSES
    ).first()


def with_counts(sessions: QuerySet[LiveSession]) -> QuerySet[LiveSession]:
    return sessions.select_related("run").annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=REGISTERED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=WAITLISTED)),
    )


def _free_seats(session: LiveSession) -> int | None:
    seats = session.effective_seats
    return None if seats is None else max(0, seats - session.registered_count)  # type: ignore[attr-defined]


@dataclass
class LiveSessionRow:
    session: LiveSession
    registration: LiveSessionRegistration | None
    free_seats: int | None
    position: int | None  # place on the waiting list, 1 = next
    attendance: LiveAttendance | None
    can_join: bool

    @property
    def is_past(self) -> bool:
        return self.session.end <= timezone.now()


def _rows(user, sessions: list[LiveSession], *, now: datetime) -> list[LiveSessionRow]:
    registrations = {
        registration.session_id: registration
        for registration in LiveSessionRegistration.objects.filter(
            user=user, session__in=sessions, status__in=LiveSessionRegistration.OPEN_STATUSES
        )
    }
    waiting = [found for found in registrations.values() if found.status == WAITLISTED]
    ahead: dict[int, int] = {}
    if waiting:
        query = Q(pk__in=[])
        for waiter in waiting:
            query |= Q(session_id=waiter.session_id) & (
                Q(created_at__lt=waiter.created_at)
                | Q(created_at=waiter.created_at, pk__lt=waiter.pk)
            )
        ahead = dict(
            LiveSessionRegistration.objects.filter(query, status=WAITLISTED)
            .values_list("session_id")
            .annotate(n=Count("pk"))
            .values_list("session_id", "n")
        )
    attendances = {
        attendance.session_id: attendance
        for attendance in LiveAttendance.objects.filter(user=user, session__in=sessions)
    }
    rows = []
    for session in sessions:
        registration = registrations.get(session.pk)
        opens, closes = join_window(session)
        rows.append(
            LiveSessionRow(
                session=session,
                registration=registration,
                free_seats=_free_seats(session),
                position=(
                    ahead.get(session.pk, 0) + 1
                    if registration is not None and registration.status == WAITLISTED
                    else None
                ),
                attendance=attendances.get(session.pk),
                can_join=bool(
                    registration is not None
                    and registration.status == REGISTERED
                    and not session.is_cancelled
                    and opens <= now <= closes
                ),
            )
        )
    return rows


def course_live_sessions(*, course: CoursePage, user, enrolment: Enrolment | None) -> list:
    """The live sessions of the learner's run, for the course page (four queries at most)."""
    if enrolment is None or enrolment.run_id is None:
        return []
    if enrolment.status not in Enrolment.LEARNING_STATUSES:
        return []
    sessions = list(
        with_counts(LiveSession.objects.filter(run_id=enrolment.run_id)).order_by("start", "pk")
    )
    if not sessions:
        return []
    return _rows(user, sessions, now=timezone.now())


def my_live_sessions(user, *, now: datetime | None = None) -> list[LiveSessionRow]:
    """Upcoming live sessions the person registered for or waits for, for /me/."""
    now = now or timezone.now()
    sessions = list(
        with_counts(
            LiveSession.objects.filter(
                registrations__user=user,
                registrations__status__in=LiveSessionRegistration.OPEN_STATUSES,
                start__gte=now - timedelta(hours=12),
            )
        )
        .select_related("run__course")
        .order_by("start", "pk")
    )
    return [row for row in _rows(user, sessions, now=now) if row.session.end >= now]


def hosted_live_sessions(user, *, now: datetime | None = None) -> list[LiveSession]:
    """Upcoming live sessions the person hosts (trainer of the run or of the course), for /me/
    (one query)."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    late = timedelta(minutes=int(conf.get("LIVE_JOIN_LATE_MINUTES")))
    return [
        session
        for session in LiveSession.objects.filter(
            Q(run__trainer=user) | Q(run__course__trainers=user),
            status=LiveSession.Status.SCHEDULED,
            start__gte=now - timedelta(hours=12),
        )
        .select_related("run__course")
        .distinct()
        .order_by("start", "pk")
        if session.end + late > now
    ]


def learns_in_a_run(user) -> bool:
    """Whether the person learns in a course run (and so may register for live sessions)."""
    return bool(
        user.is_authenticated
        and Enrolment.objects.filter(
            user=user, run__isnull=False, status__in=Enrolment.LEARNING_STATUSES
        ).exists()
    )


def run_live_sessions(run: CourseRun) -> list[LiveSession]:
    """A run's live sessions with their counts, for the trainer (one query)."""
    sessions = list(with_counts(run.live_sessions.all()).order_by("start", "pk"))
    for session in sessions:
        session.free_seats = _free_seats(session)  # type: ignore[attr-defined]
    return sessions


@dataclass
class AttendanceRow:
    user: object
    registration: LiveSessionRegistration | None
    attendance: LiveAttendance | None


def attendance_rows(session: LiveSession) -> list[AttendanceRow]:
    """Everyone registered, waiting or present, with their attendance (two queries)."""
    registrations = list(
        session.registrations.filter(status__in=LiveSessionRegistration.OPEN_STATUSES)
        .select_related("user")
        .order_by("status", "created_at", "pk")
    )
    attendances = {
        attendance.user_id: attendance
        for attendance in session.attendances.select_related("user").order_by(
            "user__last_name", "user__first_name", "pk"
        )
    }
    rows = [AttendanceRow(r.user, r, attendances.pop(r.user_id, None)) for r in registrations]
    rows += [AttendanceRow(a.user, None, a) for a in attendances.values()]
    return rows
