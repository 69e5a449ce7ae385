"""Availability services: a mentor's weekly windows and date exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schedule.models import Calendar, Event, Rule

from ..models import AvailabilityException, AvailabilityWindow, MentorSchedule
from ..models.availability import WEEKDAYS
from . import slots as engine
from .errors import WINDOW_ORDER, SessionError

OVERLAPPING_WINDOWS = _("These times overlap on %(day)s.")
PAST_DATE = _("Please choose a date that is not in the past.")


@transaction.atomic
def schedule_get_or_create(*, user) -> MentorSchedule:
    """A mentor's calendar, created on first use in the person's own time zone."""
    schedule = MentorSchedule.objects.filter(user=user).first()
    if schedule is not None:
        return schedule
    calendar = Calendar.objects.create(name=f"mentor-{user.pk}", slug=f"mentor-{user.pk}")
    zone = getattr(user, "time_zone", "") or settings.TIME_ZONE
    return MentorSchedule.objects.create(user=user, calendar=calendar, time_zone=zone)


def _weekly_rule() -> Rule:
    rule, _created = Rule.objects.get_or_create(
        frequency="WEEKLY", params="", defaults={"name": "weekly", "description": "weekly"}
    )
    return rule


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


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


@transaction.atomic
def availability_set_weekly(
    *, schedule: MentorSchedule, windows: list[WindowInput]
) -> list[AvailabilityWindow]:
    """Replace the weekly availability. Each window becomes a django-scheduler event with a weekly
    rule, starting on its first date at the wall-clock time in the mentor's zone."""
    _check_windows(windows)
    old_events = list(schedule.windows.values_list("event_id", flat=True))
    schedule.windows.all().delete()
    Event.objects.filter(pk__in=old_events).delete()
    rule = _weekly_rule()
    zone = schedule.zone
    today = timezone.localdate(timezone=zone)
    created = []
    for window in windows:
        first = _first_on_or_after(window.valid_from or today, window.weekday)
        event = Event.objects.create(
            calendar=schedule.calendar,
            rule=rule,
            title="available",
            creator=schedule.user,
            start=engine.wall_clock(first, window.start, zone),
            end=engine.wall_clock(first, window.end, zone),
            end_recurring_period=(
                engine.wall_clock(window.valid_until + timedelta(days=1), time(0), zone)
                if window.valid_until
                else None
            ),
        )
        created.append(
            AvailabilityWindow.objects.create(
                schedule=schedule,
                event=event,
                weekday=window.weekday,
                start_time=window.start,
                end_time=window.end,
                valid_from=window.valid_from,
                valid_until=window.valid_until,
            )
        )
    return created


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
) -> AvailabilityException:
    date_until = date_until or date_from
    zone = schedule.zone
    if date_until < date_from or (
        start_time is not None and (end_time is None or end_time <= start_time)
    ):
        raise SessionError(WINDOW_ORDER, field="end_time" if start_time else "date_until")
    if kind == AvailabilityException.Kind.AVAILABLE and start_time is None:
        raise SessionError(_("Give the times of the extra availability."), field="start_time")
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
    event = Event.objects.create(
        calendar=schedule.calendar,
        title=kind,
        creator=schedule.user,
        start=start,
        end=end,
        rule=_daily_rule() if start_time is not None and date_until > date_from else None,
        end_recurring_period=(
            engine.wall_clock(date_until + timedelta(days=1), time(0), zone)
            if date_until > date_from
            else None
        ),
    )
    return AvailabilityException.objects.create(
        schedule=schedule,
        event=event,
        kind=kind,
        date_from=date_from,
        date_until=date_until,
        start_time=start_time,
        end_time=end_time,
        note=note,
    )


def _daily_rule() -> Rule:
    rule, _created = Rule.objects.get_or_create(
        frequency="DAILY", params="", defaults={"name": "daily", "description": "daily"}
    )
    return rule


@transaction.atomic
def availability_remove_exception(*, schedule: MentorSchedule, exception_id: int) -> None:
    exception = schedule.exceptions.filter(pk=exception_id).first()
    if exception is not None:
        event_id = exception.event_id
        exception.delete()
        Event.objects.filter(pk=event_id).delete()


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


@transaction.atomic
def schedule_update_settings(
    *, schedule: MentorSchedule, changes: dict[str, object]
) -> MentorSchedule:
    """The mentor's zone and own booking rules (``changes`` holds some of SCHEDULE_SETTINGS)."""
    unknown = set(changes) - set(SCHEDULE_SETTINGS)
    if unknown:
        raise ValueError(f"not a schedule setting: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(schedule, name, value)
    schedule.full_clean(exclude=["user", "calendar"])
    schedule.save(update_fields=list(changes))
    return schedule
