"""Reads for sessions: a mentor's availability (from the django-scheduler calendar), the booking
rules that apply to a tandem and its bookable slots, in a fixed number of queries whatever the
number of windows, exceptions and sessions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from schedule.models import Event, Occurrence
from schedule.periods import Period

from cms import site_cache

from ..models import AvailabilityKind, MentorSchedule, Session, Tandem
from ..models.availability import SessionRules
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


#: Mentors' schedules and calendars (``mentoring.sessions.signals`` renews it on every change):
#: what the booking page and the slots API read again and again while nothing changes.
AVAILABILITY = site_cache.Scope("availability")


def mentor_schedule(user_id: int, *, cached: bool = False) -> MentorSchedule | None:
    if cached:
        return (
            AVAILABILITY.cached(f"schedule:{user_id}", lambda: mentor_schedule(user_id) or False)
            or None
        )
    return MentorSchedule.objects.filter(user_id=user_id).first()


#: What the booking page reads of a tandem: the programme's booking rules and the members' names.
_BOOKING_PAGE_FIELDS = (
    "id",
    "programme_id",
    "mentor_id",
    "mentee_id",
    *(
        f"programme__{name}"
        for name in (
            "id",
            *(field.name for field in SessionRules._meta.fields),  # the rules themselves
            "sessions_need_confirmation",
            "session_change_cutoff_hours",
        )
    ),
    *(
        f"{member}__{name}"
        for member in ("mentor", "mentee")
        for name in ("id", "user_id", "user__id", "user__first_name", "user__last_name")
    ),
)


def tandem_for_booking_page(user, tandem_id: int) -> Tandem | None:
    """The tandem if ``user`` is one of its members, with what the booking page shows (one query,
    a tenth of the columns of ``Tandem.objects.of_member``); anything else is read when asked."""
    try:
        tandem = (
            Tandem.objects.select_related("programme", "mentor__user", "mentee__user")
            .only(*_BOOKING_PAGE_FIELDS)
            .get(pk=tandem_id)
        )
    except Tandem.DoesNotExist:
        return None
    if user.pk not in (tandem.mentor.user_id, tandem.mentee.user_id):
        return None
    return tandem


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


# --- Availability: the mentor's django-scheduler calendar --------------------------------------

EXPANSION_MARGIN = timedelta(days=1)  # occurrences this far around a range may reach into it
SAME_TIME_EVERY_TIME = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}  # unless the rule sets the hour


@dataclass(frozen=True)
class WeeklyWindow:
    """A weekly window as the editor shows it: wall-clock times in the mentor's zone."""

    event_id: int
    weekday: int  # Monday = 0
    start_time: time
    end_time: time
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True)
class DateException:
    """Extra availability or blocked time on one or more dates (times: None for whole days)."""

    event_id: int
    kind: str
    date_from: date
    date_until: date
    start_time: time | None
    end_time: time | None
    note: str

    def get_kind_display(self) -> str:
        return str(AvailabilityKind(self.kind).label)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time of an instant in a zone."""
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)


def is_weekly_window(event: Event) -> bool:
    return (
        event.title != AvailabilityKind.BLOCKED
        and event.rule is not None
        and event.rule.frequency == "WEEKLY"
    )


def calendar_events(schedule: MentorSchedule) -> QuerySet[Event]:
    return Event.objects.filter(calendar_id=schedule.calendar_id).select_related("rule")


def _weekly_window(event: Event, zone: ZoneInfo) -> WeeklyWindow:
    first, until = _local(event.start, zone), _local(event.end, zone)
    last = event.end_recurring_period
    return WeeklyWindow(
        event_id=event.pk,
        weekday=first.weekday(),
        start_time=first.time(),
        end_time=until.time(),
        valid_from=first.date(),
        valid_until=(_local(last, zone) - timedelta(seconds=1)).date() if last else None,
    )


def weekly_windows(schedule: MentorSchedule, *, current: bool = True) -> list[WeeklyWindow]:
    """The weekly windows of the mentor's calendar, Monday first; ``current``: without those that
    ended before today. One query."""
    zone = schedule.zone
    today = timezone.localdate(timezone=zone)
    windows = [
        _weekly_window(event, zone)
        for event in calendar_events(schedule).filter(rule__frequency="WEEKLY")
        if is_weekly_window(event)
    ]
    return sorted(
        (w for w in windows if not current or w.valid_until is None or w.valid_until >= today),
        key=lambda window: (window.weekday, window.start_time),
    )


def mentor_has_times(user_id: int) -> bool:
    """Whether a mentor has published any time to book: a current weekly window or an extra
    available date still ahead."""
    schedule = mentor_schedule(user_id)
    if schedule is None:
        return False
    if weekly_windows(schedule):
        return True
    today = timezone.localdate(timezone=schedule.zone)
    return any(
        exception.kind == AvailabilityKind.AVAILABLE and exception.date_until >= today
        for exception in date_exceptions(schedule, since=today)
    )


def _date_exception(event: Event, zone: ZoneInfo) -> DateException:
    start, end = _local(event.start, zone), _local(event.end, zone)
    if event.rule is not None and event.end_recurring_period is not None:
        last_day = (_local(event.end_recurring_period, zone) - timedelta(seconds=1)).date()
    elif end.time() == time(0) and end.date() > start.date():
        last_day = end.date() - timedelta(days=1)
    else:
        last_day = end.date()
    whole_days = event.rule is None and start.time() == end.time() == time(0)
    return DateException(
        event_id=event.pk,
        kind=AvailabilityKind.BLOCKED
        if event.title == AvailabilityKind.BLOCKED
        else AvailabilityKind.AVAILABLE,
        date_from=start.date(),
        date_until=max(last_day, start.date()),
        start_time=None if whole_days else start.time(),
        end_time=None if whole_days else end.time(),
        note=event.description,
    )


def date_exceptions(schedule: MentorSchedule, *, since: date | None = None) -> list[DateException]:
    """Extra availability and blocked time of the mentor's calendar (everything but the weekly
    windows), by date; with ``since``, only what lasts until that day or later. One query."""
    zone = schedule.zone
    events = calendar_events(schedule).order_by("start", "pk")
    if since is not None:
        midnight = engine.wall_clock(since, time(0), zone)
        events = events.filter(
            Q(rule__isnull=True, end__gt=midnight)
            | Q(rule__isnull=False, end_recurring_period__isnull=True)
            | Q(rule__isnull=False, end_recurring_period__gt=midnight)
        )
    return [_date_exception(event, zone) for event in events if not is_weekly_window(event)]


def availability_events(schedule: MentorSchedule, *, start: datetime, end: datetime) -> list[Event]:
    """The calendar's events that may occur in [start, end), with their rule and their persisted
    (cancelled or moved) occurrences there. Two queries."""
    persisted = Occurrence.objects.filter(
        Q(start__lt=end, end__gt=start) | Q(original_start__lt=end, original_end__gt=start)
    )
    return list(
        calendar_events(schedule)
        .filter(
            Q(rule__isnull=True, start__lt=end, end__gt=start)
            | Q(rule__isnull=False, start__lt=end, end_recurring_period__isnull=True)
            | Q(rule__isnull=False, start__lt=end, end_recurring_period__gt=start)
        )
        .prefetch_related(Prefetch("occurrence_set", queryset=persisted))
    )


def expand_calendar(
    events: Iterable[Event], *, zone: ZoneInfo, start: datetime, end: datetime
) -> list[engine.Interval]:
    """Absolute intervals of availability overlapping [start, end): django-scheduler's occurrences
    of the events (its ``Period``, asked in the mentor's zone so that rules repeat on the mentor's
    wall clock), without cancelled ones, available minus blocked."""
    events = list(events)
    period = Period(events, start - EXPANSION_MARGIN, end + EXPANSION_MARGIN, tzinfo=zone)
    available: list[engine.Interval] = []
    blocked: list[engine.Interval] = []
    series: dict[int, tuple[datetime, timedelta, bool]] = {}
    for occurrence in period.get_occurrences():
        if occurrence.cancelled:
            continue
        event = occurrence.event
        if event.rule is None or occurrence.moved:
            span = (occurrence.start, occurrence.end)  # absolute times, as stored
        else:
            span = _wall_clock_occurrence(occurrence, zone, series)
        (blocked if event.title == AvailabilityKind.BLOCKED else available).append(span)
    return engine.free_time(available=available, blocked=blocked, start=start, end=end)


def _wall_clock_occurrence(
    occurrence: Occurrence, zone: ZoneInfo, series: dict[int, tuple[datetime, timedelta, bool]]
) -> engine.Interval:
    """A repeated occurrence on the mentor's wall clock. django-scheduler repeats the rule on the
    wall clock of the zone it is asked in, but gives each occurrence the *absolute* length of the
    first one and reads local times that occur twice as the second: on the night the clocks change
    a window "01:00–04:00" would end at 05:00 (spring) or 03:00 (autumn), and "02:00–04:00" in
    autumn would start at the second 02:00. So the date comes from django-scheduler, the time of day
    and the wall-clock length from the event."""
    event = occurrence.event
    if event.pk not in series:
        first = _local(event.start, zone)
        params = event.rule.get_params()
        fixed_time = event.rule.frequency in SAME_TIME_EVERY_TIME and not (
            {"byhour", "byminute", "bysecond"} & set(params)
        )
        series[event.pk] = (first, _local(event.end, zone) - first, fixed_time)
    first, length, fixed_time = series[event.pk]
    local_start = _local(occurrence.original_start, zone)
    moment = first.time() if fixed_time else local_start.time()
    return engine.wall_clock_span(local_start.date(), moment, length, zone)


def _whole_utc_days(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The UTC midnights at or before ``start`` and at or after ``end``."""
    day_start = datetime.combine(start.astimezone(UTC).date(), time(0), tzinfo=UTC)
    last_day = (end - timedelta(microseconds=1)).astimezone(UTC).date()
    return day_start, datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UTC)


def availability(
    schedule: MentorSchedule, *, start: datetime, end: datetime, cached: bool = False
) -> list[engine.Interval]:
    """When the mentor is available in [start, end), as absolute intervals. Two queries, or none
    while ``AVAILABILITY`` keeps them (``cached``: for pages that show times; a booking checks
    the calendar itself)."""
    if cached:
        # Whole UTC days around the range (the API's ranges start "now"): the same few entries
        # serve every request, and the windows overlapping [start, end) are the same.
        day_start, day_end = _whole_utc_days(start, end)
        windows = AVAILABILITY.cached(
            f"free:{schedule.pk}:{day_start.date().isoformat()}:{day_end.date().isoformat()}",
            lambda: availability(schedule, start=day_start, end=day_end),
        )
        return [(s, e) for s, e in windows if e > start and s < end]
    events = availability_events(
        schedule, start=start - EXPANSION_MARGIN, end=end + EXPANSION_MARGIN
    )
    return expand_calendar(events, zone=schedule.zone, start=start, end=end)


# --- Booking rules and slots -------------------------------------------------------------------


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


#: Each person's sessions (as mentor or mentee): renewed by every change to one of them
#: (``availability_cache``), so a tandem's free times are computed once per change of its members'
#: sessions and of the mentor's availability, not once per page view.
SESSIONS = site_cache.Generations("sessions-of")
#: Free times kept for pages are computed for the start of a period this long and filtered by the
#: moment of each request (see ``_kept_slots``).
SLOT_PERIOD = timedelta(minutes=5)


def tandem_slots(
    *,
    tandem: Tandem,
    length: int | None,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    exclude: Session | None = None,
    cached: bool = False,
) -> SlotQuery:
    """Bookable slots for a tandem that start in [start, end) (a slot may end after ``end``, so
    consecutive periods, such as the weeks of the booking page, show every slot exactly once): free
    for the mentor and for both members. Four queries: the mentor's schedule, the calendar's events,
    their persisted occurrences, the members' sessions. With ``cached`` (pages and the API showing
    times) none while nothing of that changes: the slots are kept in ``AVAILABILITY`` under the
    members' ``SESSIONS`` generations. Booking itself asks without it."""
    now = now or timezone.now()
    mentor_id, mentee_id = tandem.mentor.user_id, tandem.mentee.user_id
    schedule = mentor_schedule(mentor_id, cached=cached)
    rules = booking_rules(tandem=tandem, schedule=schedule)
    length = length if length in rules.lengths else rules.lengths[0]
    if schedule is None:
        return SlotQuery(rules, length, [])
    if min(end, now + rules.horizon) <= max(start, now + rules.min_notice):
        return SlotQuery(rules, length, [])
    compute = partial(_slots, schedule, mentee_id, rules, length, exclude=exclude)
    people = SESSIONS.current([mentor_id, mentee_id]) if cached else None
    if people is None:
        found = compute(start=start, end=end, now=now)
    else:
        key = (schedule.pk, mentee_id, rules, length, exclude.pk if exclude else None, people)
        found = _kept_slots(compute, key, rules=rules, start=start, end=end, now=now)
    return SlotQuery(rules, length, found)


def _slots(
    schedule: MentorSchedule,
    mentee_id: int,
    rules: BookingRules,
    length: int,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    exclude: Session | None,
    cached: bool = False,
    horizon: timedelta | None = None,
) -> list[engine.Slot]:
    mentor_id = schedule.user_id
    free = availability(schedule, start=start, end=end, cached=cached)
    sessions = list(
        sessions_of(
            [mentor_id, mentee_id],
            start=start - LIMIT_CONTEXT,
            end=end + LIMIT_CONTEXT,
            exclude=exclude,
        ).values_list("mentor_id", "start", "blocked_from", "blocked_until")
    )
    engine_rules = rules.for_length(length)
    if horizon is not None:
        engine_rules = replace(engine_rules, horizon=horizon)
    found = engine.bookable_slots(
        free=free,
        busy=[(blocked_from, blocked_until) for _m, _s, blocked_from, blocked_until in sessions],
        rules=engine_rules,
        now=now,
        zone=rules.zone,
        booked_starts=[begin for mentor, begin, _f, _u in sessions if mentor == mentor_id],
    )
    return [slot for slot in found if start <= slot.start < end]


def _kept_slots(
    compute: Callable[..., list[engine.Slot]],
    key: tuple,
    *,
    rules: BookingRules,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[engine.Slot]:
    """What ``compute`` (``_slots`` for one tandem, length and session moved; ``key`` names
    them) finds at ``now``, from the slots computed once for the start of ``now``'s period of
    ``SLOT_PERIOD``: computed from that earlier moment with a horizon one period longer, they
    include every slot bookable at ``now`` (the candidates lie on each window's grid whatever the
    moment; an earlier moment only lets more of them pass the minimum notice), and the two bounds
    of ``now`` itself are applied here. The same as computing afresh."""
    period = int(SLOT_PERIOD.total_seconds())
    since = datetime.fromtimestamp(int(now.timestamp()) // period * period, tz=UTC)
    # Whole UTC days around the range (the API's ranges start "now"), as for ``availability``:
    # a slot in [start, end) is found from the wider range alike.
    day_start, day_end = _whole_utc_days(start, end)
    name = hashlib.sha256(repr((*key, day_start, day_end, since)).encode()).hexdigest()
    kept = AVAILABILITY.cached(
        f"slots:{name}",
        lambda: compute(
            start=day_start,
            end=day_end,
            now=since,
            cached=True,
            horizon=rules.horizon + SLOT_PERIOD,
        ),
        seconds=2 * period,
    )
    earliest, latest = max(start, now + rules.min_notice), now + rules.horizon
    return [slot for slot in kept if earliest <= slot.start < end and slot.end <= latest]


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
