"""Availability services: a mentor's weekly windows and date exceptions, written as events of the
mentor's django-scheduler calendar, the one place availability is kept (the shapes are described in
``mentoring/models/availability.py``; ``selectors`` reads them back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schedule.models import Calendar, Event, Occurrence, Rule

from ..models import AvailabilityKind, MentorSchedule
from ..models.availability import WEEKDAYS
from . import selectors
from . import slots as engine
from .errors import WINDOW_ORDER, SessionError

OVERLAPPING_WINDOWS = _("These times overlap on %(day)s.")
PAST_DATE = _("Please choose a date that is not in the past.")
EXTRA_NEEDS_TIMES = _("Give the times of the extra availability.")
UNKNOWN_KIND = _("Please choose an entry from the list.")


@transaction.atomic
def schedule_get_or_create(*, user) -> MentorSchedule:
    """A mentor's calendar, created on first use in the person's own time zone."""
    schedule = MentorSchedule.objects.filter(user=user).first()
    if schedule is not None:
        return schedule
    calendar = Calendar.objects.create(name=f"mentor-{user.pk}", slug=f"mentor-{user.pk}")
    zone = getattr(user, "time_zone", "") or settings.TIME_ZONE
    return MentorSchedule.objects.create(user=user, calendar=calendar, time_zone=zone)


def _rule(frequency: str) -> Rule:
    """The shared plain rule of a frequency (``WEEKLY``, ``DAILY``): the event's start says which
    weekday and time it repeats."""
    rule = Rule.objects.filter(frequency=frequency, params="").order_by("pk").first()
    if rule is None:
        name = frequency.lower()
        rule = Rule.objects.create(frequency=frequency, params="", name=name, description=name)
    return rule


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _exists_on_the_wall_clock(day: date, moment: time, zone: ZoneInfo) -> bool:
    """False for the hour skipped when the clocks go forward: an event starting then would be
    stored as an hour later, and django-scheduler would repeat that later time every week."""
    return engine.wall_clock(day, moment, zone).astimezone(zone).time() == moment


@dataclass(frozen=True)
class WindowInput:
    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None


def _check_windows(windows: list[WindowInput]) -> None:
    by_day: dict[int, list[WindowInput]] = {}
    for window in windows:
        if window.end <= window.start:
            raise SessionError(WINDOW_ORDER, field="windows")
        by_day.setdefault(window.weekday, []).append(window)
    for weekday, items in by_day.items():
        items.sort(key=lambda item: item.start)
        for first, second in zip(items, items[1:], strict=False):
            if second.start < first.end:
                raise SessionError(
                    OVERLAPPING_WINDOWS % {"day": dict(WEEKDAYS)[weekday]}, field="windows"
                )


def _first_day(window: WindowInput, zone: ZoneInfo, today: date) -> date:
    first = _first_on_or_after(window.valid_from or today, window.weekday)
    step = timedelta(days=7 if window.valid_from else -7)  # never later than asked for
    while not (
        _exists_on_the_wall_clock(first, window.start, zone)
        and _exists_on_the_wall_clock(first, window.end, zone)
    ):
        first += step
    return first


def _same_window(existing: selectors.WeeklyWindow, wanted: WindowInput, first: date) -> bool:
    return (existing.weekday, existing.start_time, existing.end_time, existing.valid_until) == (
        wanted.weekday,
        wanted.start,
        wanted.end,
        wanted.valid_until,
    ) and (wanted.valid_from is None or existing.valid_from == first)


@transaction.atomic
def availability_set_weekly(*, schedule: MentorSchedule, windows: list[WindowInput]) -> list[Event]:
    """Replace the weekly availability. Each window is an event of the mentor's calendar with a
    weekly rule; its first occurrence is its first day at the wall-clock time in the mentor's zone,
    and ``valid_until`` ends the rule at the following midnight. Windows given as they already are
    keep their event (and the occurrences cancelled in it); the others are replaced."""
    _check_windows(windows)
    zone = schedule.zone
    today = timezone.localdate(timezone=zone)
    remaining = selectors.weekly_windows(schedule, current=False)
    kept: list[int] = []
    to_create: list[tuple[WindowInput, date]] = []
    for window in windows:
        first = _first_day(window, zone, today)
        match = next((w for w in remaining if _same_window(w, window, first)), None)
        if match is None:
            to_create.append((window, first))
        else:
            remaining.remove(match)
            kept.append(match.event_id)
    Event.objects.filter(pk__in=[w.event_id for w in remaining]).delete()
    rule = _rule("WEEKLY")
    created = [
        Event.objects.create(
            calendar=schedule.calendar,
            rule=rule,
            title=AvailabilityKind.AVAILABLE,
            creator=schedule.user,
            start=engine.wall_clock(first, window.start, zone),
            end=engine.wall_clock(first, window.end, zone),
            end_recurring_period=(
                engine.wall_clock(window.valid_until + timedelta(days=1), time(0), zone)
                if window.valid_until
                else None
            ),
        )
        for window, first in to_create
    ]
    return list(Event.objects.filter(pk__in=kept)) + created


@transaction.atomic
def availability_add_exception(
    *,
    schedule: MentorSchedule,
    kind: str,
    date_from: date,
    date_until: date | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
) -> Event:
    """Extra availability or blocked time on one or more dates, as an event of the mentor's
    calendar titled with its kind: whole days are one event from the first midnight to the midnight
    after the last day; the same hours on several days are an event with a daily rule. The note
    (only for the mentor) is the event's description."""
    date_until = date_until or date_from
    zone = schedule.zone
    if kind not in AvailabilityKind.values:
        raise SessionError(UNKNOWN_KIND, field="kind")
    if date_until < date_from or (
        start_time is not None and (end_time is None or end_time <= start_time)
    ):
        raise SessionError(WINDOW_ORDER, field="end_time" if start_time else "date_until")
    if kind == AvailabilityKind.AVAILABLE and start_time is None:
        raise SessionError(EXTRA_NEEDS_TIMES, field="start_time")
    if date_until < timezone.localdate(timezone=zone):
        raise SessionError(PAST_DATE, field="date_from")
    if start_time is None or end_time is None:  # a start without an end was refused above
        start, end = (
            engine.wall_clock(date_from, time(0), zone),
            engine.wall_clock(date_until + timedelta(days=1), time(0), zone),
        )
    else:
        start, end = (
            engine.wall_clock(date_from, start_time, zone),
            engine.wall_clock(date_from, end_time, zone),
        )
    several_days = start_time is not None and date_until > date_from
    return Event.objects.create(
        calendar=schedule.calendar,
        title=kind,
        description=note,
        creator=schedule.user,
        start=start,
        end=end,
        rule=_rule("DAILY") if several_days else None,
        end_recurring_period=(
            engine.wall_clock(date_until + timedelta(days=1), time(0), zone)
            if several_days
            else None
        ),
    )


@transaction.atomic
def availability_remove_exception(*, schedule: MentorSchedule, exception_id: int) -> None:
    """Remove a date exception (never a weekly window) of this mentor's calendar."""
    event = selectors.calendar_events(schedule).filter(pk=exception_id).first()
    if event is not None and not selectors.is_weekly_window(event):
        event.delete()


SCHEDULE_SETTINGS = (
    "time_zone",
    "own_rules",
    "session_lengths",
    "buffer_before",
    "buffer_after",
    "min_notice_hours",
    "horizon_days",
    "max_per_day",
    "max_per_week",
)


def _same_wall_clock(
    moment: datetime | None, old_zone: ZoneInfo, new_zone: ZoneInfo
) -> datetime | None:
    """The instant showing the same wall-clock time in ``new_zone`` as ``moment`` in ``old_zone``."""
    if moment is None:
        return None
    local = moment.astimezone(old_zone)
    return engine.wall_clock(local.date(), local.time(), new_zone)


@transaction.atomic
def schedule_update_settings(
    *, schedule: MentorSchedule, changes: dict[str, object]
) -> MentorSchedule:
    """The mentor's zone and own booking rules (``changes`` holds some of SCHEDULE_SETTINGS).
    When the zone changes, the availability keeps its wall-clock times ("Tuesdays 17:00" stays
    17:00, now in the new zone): every event and persisted occurrence of the calendar moves."""
    unknown = set(changes) - set(SCHEDULE_SETTINGS)
    if unknown:
        raise ValueError(f"not a schedule setting: {', '.join(sorted(unknown))}")
    # The stored zone: a model form may already have put the new one on the instance.
    stored = MentorSchedule.objects.filter(pk=schedule.pk).values_list("time_zone", flat=True)
    previous_zone = ZoneInfo(stored.get())
    for name, value in changes.items():
        setattr(schedule, name, value)
    schedule.full_clean(exclude=["user", "calendar"])
    schedule.save(update_fields=list(changes))
    new_zone = schedule.zone
    if previous_zone.key == new_zone.key:
        return schedule
    for event in Event.objects.filter(calendar_id=schedule.calendar_id):
        for name in ("start", "end", "end_recurring_period"):
            setattr(event, name, _same_wall_clock(getattr(event, name), previous_zone, new_zone))
        event.save(update_fields=["start", "end", "end_recurring_period"])
    for occurrence in Occurrence.objects.filter(event__calendar_id=schedule.calendar_id):
        for name in ("start", "end", "original_start", "original_end"):
            setattr(
                occurrence,
                name,
                _same_wall_clock(getattr(occurrence, name), previous_zone, new_zone),
            )
        occurrence.save(update_fields=["start", "end", "original_start", "original_end"])
    return schedule


def tandem_request_times(*, tandem, now: datetime | None = None) -> bool:
    """The mentee wanted to book, but the mentor has set no times: tell the mentor, once per
    tandem (visiting the page again sends nothing). True when the notice was queued now."""
    from ..models import Tandem
    from .tasks import notify_times_requested

    claimed = Tandem.objects.filter(pk=tandem.pk, times_requested_at__isnull=True).update(
        times_requested_at=now or timezone.now()
    )
    if claimed:
        tandem_id = tandem.pk
        transaction.on_commit(lambda: notify_times_requested.enqueue(tandem_id))
    return bool(claimed)
