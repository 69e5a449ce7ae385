"""Reads for sessions: the booking rules that apply to a tandem and its bookable slots, in a fixed
number of queries whatever the number of windows, exceptions and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import AvailabilityException, MentorSchedule, Session, Tandem
from . import slots as engine

LIMIT_CONTEXT = timedelta(days=8)  # sessions this far around a range count towards week limits


@dataclass(frozen=True)
class BookingRules:
    lengths: tuple[int, ...]
    buffer_before: timedelta
    buffer_after: timedelta
    min_notice: timedelta
    horizon: timedelta
    max_per_day: int
    max_per_week: int
    zone: ZoneInfo
    needs_confirmation: bool
    change_cutoff: timedelta

    def for_length(self, minutes: int) -> engine.Rules:
        return engine.Rules(
            length=timedelta(minutes=minutes),
            buffer_before=self.buffer_before,
            buffer_after=self.buffer_after,
            min_notice=self.min_notice,
            horizon=self.horizon,
            max_per_day=self.max_per_day,
            max_per_week=self.max_per_week,
        )


def mentor_schedule(user_id: int) -> MentorSchedule | None:
    return (
        MentorSchedule.objects.filter(user_id=user_id)
        .prefetch_related("windows", "exceptions")
        .first()
    )


def booking_rules(*, tandem: Tandem, schedule: MentorSchedule | None) -> BookingRules:
    programme = tandem.programme
    source = schedule if schedule is not None and schedule.own_rules else programme
    zone = schedule.zone if schedule is not None else ZoneInfo(settings.TIME_ZONE)
    return BookingRules(
        lengths=tuple(sorted(source.session_lengths or programme.session_lengths or [60])),
        buffer_before=timedelta(minutes=source.buffer_before),
        buffer_after=timedelta(minutes=source.buffer_after),
        min_notice=timedelta(hours=source.min_notice_hours),
        horizon=timedelta(days=source.horizon_days),
        max_per_day=source.max_per_day,
        max_per_week=source.max_per_week,
        zone=zone,
        needs_confirmation=programme.sessions_need_confirmation,
        change_cutoff=timedelta(hours=programme.session_change_cutoff_hours),
    )


def weekly_windows(schedule: MentorSchedule) -> list[engine.WeeklyWindow]:
    return [
        engine.WeeklyWindow(w.weekday, w.start_time, w.end_time, w.valid_from, w.valid_until)
        for w in schedule.windows.all()
    ]


def date_exceptions(schedule: MentorSchedule) -> list[engine.DateException]:
    return [
        engine.DateException(
            e.kind == AvailabilityException.Kind.AVAILABLE,
            e.date_from,
            e.date_until,
            e.start_time,
            e.end_time,
        )
        for e in schedule.exceptions.all()
    ]


def sessions_of(
    user_ids: list[int], *, start: datetime, end: datetime, exclude: Session | None = None
) -> QuerySet[Session]:
    """Active sessions of these people whose blocked range touches [start, end)."""
    queryset = Session.objects.filter(
        Q(mentor_id__in=user_ids) | Q(mentee_id__in=user_ids),
        status__in=Session.ACTIVE,
        blocked_until__gt=start,
        blocked_from__lt=end,
    )
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset.only("pk", "mentor_id", "mentee_id", "start", "blocked_from", "blocked_until")


@dataclass(frozen=True)
class SlotQuery:
    rules: BookingRules
    length: int
    slots: list[engine.Slot]


def tandem_slots(
    *,
    tandem: Tandem,
    length: int | None,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    exclude: Session | None = None,
) -> SlotQuery:
    """Bookable slots for a tandem that start in [start, end) (a slot may end after ``end``, so
    consecutive periods, such as the weeks of the booking page, show every slot exactly once): free
    for the mentor and for both members.
    Four queries: the schedule, its windows, its exceptions, the members' sessions."""
    now = now or timezone.now()
    mentor_id, mentee_id = tandem.mentor.user_id, tandem.mentee.user_id
    schedule = mentor_schedule(mentor_id)
    rules = booking_rules(tandem=tandem, schedule=schedule)
    length = length if length in rules.lengths else rules.lengths[0]
    if schedule is None:
        return SlotQuery(rules, length, [])
    if min(end, now + rules.horizon) <= max(start, now + rules.min_notice):
        return SlotQuery(rules, length, [])
    free = engine.availability(
        weekly=weekly_windows(schedule),
        exceptions=date_exceptions(schedule),
        zone=rules.zone,
        start=start,
        end=end,
    )
    sessions = list(
        sessions_of(
            [mentor_id, mentee_id],
            start=start - LIMIT_CONTEXT,
            end=end + LIMIT_CONTEXT,
            exclude=exclude,
        )
    )
    found = engine.bookable_slots(
        free=free,
        busy=[(s.blocked_from, s.blocked_until) for s in sessions],
        rules=rules.for_length(length),
        now=now,
        zone=rules.zone,
        booked_starts=[s.start for s in sessions if s.mentor_id == mentor_id],
    )
    return SlotQuery(rules, length, [slot for slot in found if start <= slot.start < end])


def next_free_slots(
    *,
    tandem: Tandem,
    length: int,
    after: datetime,
    count: int = 3,
    now: datetime | None = None,
    exclude: Session | None = None,
) -> list[engine.Slot]:
    """The next few bookable slots from ``after`` on (offered when a wanted slot was taken)."""
    now = now or timezone.now()
    result = tandem_slots(
        tandem=tandem,
        length=length,
        start=after,
        end=after + timedelta(days=28),
        now=now,
        exclude=exclude,
    )
    return result.slots[:count]


def member_sessions(
    user, *, upcoming: bool | None, now: datetime | None = None
) -> QuerySet[Session]:
    """A person's sessions (as mentor or mentee) with what lists show, in one query: upcoming
    ones first to last, past and cancelled ones last to first, or (``upcoming=None``) all."""
    now = now or timezone.now()
    queryset = Session.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "mentor", "mentee", "tandem__programme", "tandem__mentor", "tandem__mentee"
    )
    if upcoming is None:
        return queryset.order_by("start", "pk")
    if upcoming:
        return queryset.filter(end__gt=now, status__in=Session.ACTIVE).order_by("start", "pk")
    return queryset.filter(Q(end__lte=now) | Q(status=Session.Status.CANCELLED)).order_by(
        "-start", "-pk"
    )


MIN_RATINGS_FOR_AVERAGE = 3


def programme_session_stats(*, programme, now: datetime | None = None) -> dict:
    """Counts for the programme management, never contents (no agendas, notes or texts); the
    average rating only from three ratings on, so nobody can be recognised. One query."""
    from django.db.models import Avg, Count

    now = now or timezone.now()
    booked = Q(status=Session.Status.BOOKED)
    stats = Session.objects.filter(tandem__programme=programme).aggregate(
        upcoming=Count("pk", filter=Q(status__in=Session.ACTIVE, end__gt=now)),
        held=Count("pk", filter=booked & Q(end__lte=now)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        no_shows=Count(
            "pk",
            filter=booked & Q(end__lte=now) & (Q(mentor_no_show=True) | Q(mentee_no_show=True)),
        ),
        ratings=Count("feedback"),
        average=Avg("feedback__rating"),
    )
    if stats["ratings"] < MIN_RATINGS_FOR_AVERAGE:
        stats["average"] = None
    return stats
