"""Bookable slots, computed without Django.

Availability arrives as absolute (UTC) intervals: the selectors expand the mentor's django-scheduler
calendar in the mentor's IANA zone and turn each occurrence's wall-clock times into instants with
``wall_clock``, so a window "Tuesday 17:00–19:00" stays at 17:00 local time on both sides of a
daylight-saving change. Wall-clock times that do not exist (the hour skipped in spring) resolve like
``zoneinfo`` with ``fold=0``: 02:30 on the night the clocks go forward is read with the winter
offset, i.e. 03:30 summer time; times that occur twice (autumn) mean the first occurrence.

Slots = availability − blocked time − busy intervals (existing sessions of both members, buffers
included), within minimum notice and horizon, honouring the per-day and per-week limits counted in
the mentor's zone. Everything is sorted once and checked with bisection: O((windows + sessions)
log sessions) per request, no database access here at all.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]

SLOT_STEP = timedelta(minutes=30)


@dataclass(frozen=True)
class Rules:
    length: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=56)
    max_per_day: int | None = None
    max_per_week: int | None = None
    step: timedelta = SLOT_STEP


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime


def wall_clock(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """The absolute time of a wall-clock time on a day in a zone (as UTC)."""
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def wall_clock_span(day: date, moment: time, length: timedelta, zone: ZoneInfo) -> Interval:
    """The absolute interval of a span on the wall clock: from ``moment`` on ``day`` in ``zone``
    for ``length`` on the clock, e.g. 17:00 + 2 h = until 19:00 local time also on the day the
    clocks change (the real duration is then an hour shorter or longer)."""
    local_start = datetime.combine(day, moment, tzinfo=zone)
    local_end = local_start + length  # arithmetic on aware datetimes of one zone: wall clock
    return local_start.astimezone(UTC), local_end.astimezone(UTC)


def _day_end(day: date, zone: ZoneInfo) -> datetime:
    return wall_clock(day + timedelta(days=1), time(0), zone)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """Both lists merged and sorted."""
    result: list[Interval] = []
    index = 0
    for start, end in intervals:
        while index < len(holes) and holes[index][1] <= start:
            index += 1
        cursor, probe = start, index
        while probe < len(holes) and holes[probe][0] < end:
            hole_start, hole_end = holes[probe]
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            probe += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def free_time(
    *, available: Iterable[Interval], blocked: Iterable[Interval], start: datetime, end: datetime
) -> list[Interval]:
    """Availability minus blocked time: the absolute intervals that overlap [start, end)."""
    # Whole windows (not clipped to the period), so slots keep the grid of the window's start.
    return [
        (s, e) for s, e in _subtract(_merge(available), _merge(blocked)) if e > start and s < end
    ]


def _week_key(moment: datetime, zone: ZoneInfo) -> tuple[int, int]:
    iso = moment.astimezone(zone).isocalendar()
    return iso.year, iso.week


def bookable_slots(
    *,
    free: Sequence[Interval],
    busy: Iterable[Interval],
    rules: Rules,
    now: datetime,
    zone: ZoneInfo,
    booked_starts: Sequence[datetime] = (),
) -> list[Slot]:
    """Slots of ``rules.length`` inside ``free`` that keep their buffers clear of ``busy`` (the
    blocked ranges of the members' active sessions), start after the minimum notice, end before the
    horizon, and fit the per-day/per-week limits (``booked_starts``: the mentor's active sessions).
    Candidates lie on a grid of ``rules.step`` from each window's start."""
    earliest = now + rules.min_notice
    latest = now + rules.horizon
    busy_merged = _merge(busy)
    busy_starts = [interval[0] for interval in busy_merged]
    per_day = Counter(moment.astimezone(zone).date() for moment in booked_starts)
    per_week = Counter(_week_key(moment, zone) for moment in booked_starts)
    slots: list[Slot] = []
    for window_start, window_end in free:
        candidate = _next_grid(window_start, earliest, rules.step)
        while candidate + rules.length <= min(window_end, latest):
            slot_end = candidate + rules.length
            blocked_from, blocked_until = (
                candidate - rules.buffer_before,
                slot_end + rules.buffer_after,
            )
            # Busy intervals are merged, hence disjoint and sorted by start and by end: only the last
            # one starting before our blocked range ends can reach into it.
            index = bisect_left(busy_starts, blocked_until) - 1
            if index >= 0 and busy_merged[index][1] > blocked_from:
                candidate = _next_grid(
                    window_start, busy_merged[index][1] + rules.buffer_before, rules.step
                )
                continue
            day = candidate.astimezone(zone).date()
            if rules.max_per_day is not None and per_day[day] >= rules.max_per_day:
                candidate = _next_grid(window_start, _day_end(day, zone), rules.step)
                continue
            if (
                rules.max_per_week is not None
                and per_week[_week_key(candidate, zone)] >= rules.max_per_week
            ):
                candidate += rules.step
                continue
            slots.append(Slot(candidate, slot_end))
            candidate += rules.step
    return slots


def _next_grid(origin: datetime, at_least: datetime, step: timedelta) -> datetime:
    """The first point of the grid origin + k·step (k ≥ 0) at or after ``at_least``."""
    if at_least <= origin:
        return origin
    return origin + -((origin - at_least) // step) * step


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("timezone-aware datetimes only")
    return moment.astimezone(UTC)
