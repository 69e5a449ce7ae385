"""The slot engine: wall-clock availability across daylight-saving changes, buffers, notice,
horizon, limits — and equality with django-scheduler's occurrences when queried in the mentor's zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.sessions.slots import (
    DateException,
    Rules,
    Slot,
    WeeklyWindow,
    availability,
    bookable_slots,
    wall_clock,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SUNDAY = 6


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots_on(
    day: date, zone: ZoneInfo, window: tuple[str, str], *, length=60, weekday=None, **rules
) -> list[Slot]:
    weekly = [
        WeeklyWindow(
            day.weekday() if weekday is None else weekday,
            time.fromisoformat(window[0]),
            time.fromisoformat(window[1]),
        )
    ]
    start = datetime.combine(day, time(0), tzinfo=zone)
    free = availability(
        weekly=weekly, exceptions=[], zone=zone, start=start, end=start + timedelta(days=1)
    )
    return bookable_slots(
        free=free,
        busy=[],
        rules=Rules(length=timedelta(minutes=length), **rules),
        now=start - timedelta(days=7),
        zone=zone,
    )


def local_times(found: list[Slot], zone: ZoneInfo) -> list[str]:
    return [slot.start.astimezone(zone).strftime("%H:%M") for slot in found]


@pytest.mark.parametrize(
    "zone, before, change, after, window, offsets",
    [
        # Berlin: clocks forward on 2027-03-28, back on 2027-10-31 (both Sundays)
        (
            BERLIN,
            date(2027, 3, 21),
            date(2027, 3, 28),
            date(2027, 4, 4),
            ("10:00", "12:00"),
            (1, 2, 2),
        ),
        (
            BERLIN,
            date(2027, 10, 24),
            date(2027, 10, 31),
            date(2027, 11, 7),
            ("10:00", "12:00"),
            (2, 1, 1),
        ),
        # Afternoon starts, where a UTC-based computation shifts the local hour
        (
            BERLIN,
            date(2027, 3, 21),
            date(2027, 3, 28),
            date(2027, 4, 4),
            ("15:00", "17:30"),
            (1, 2, 2),
        ),
        (
            BERLIN,
            date(2027, 10, 24),
            date(2027, 10, 31),
            date(2027, 11, 7),
            ("15:00", "17:30"),
            (2, 1, 1),
        ),
        # New York: forward on 2027-03-14, back on 2027-11-07
        (
            NEW_YORK,
            date(2027, 3, 7),
            date(2027, 3, 14),
            date(2027, 3, 21),
            ("15:00", "17:00"),
            (-5, -4, -4),
        ),
        (
            NEW_YORK,
            date(2027, 10, 31),
            date(2027, 11, 7),
            date(2027, 11, 14),
            ("15:00", "17:00"),
            (-4, -5, -5),
        ),
    ],
)
def test_weekly_window_keeps_its_local_time_across_the_change(
    zone, before, change, after, window, offsets
):
    for day, offset in zip((before, change, after), offsets, strict=True):
        found = slots_on(day, zone, window)
        first_local = time.fromisoformat(window[0])
        assert local_times(found, zone)[0] == window[0]
        expected_utc = datetime.combine(day, first_local) - timedelta(hours=offset)
        assert found[0].start == expected_utc.replace(tzinfo=UTC)
        assert all(slot.end - slot.start == timedelta(minutes=60) for slot in found)


def test_nonexistent_local_time_starts_when_the_clock_jumps():
    # 02:00–04:00 on 2027-03-28 in Berlin: 02:00–03:00 does not exist, one real hour remains.
    found = slots_on(date(2027, 3, 28), BERLIN, ("02:00", "04:00"))
    assert [slot.start for slot in found] == [utc(2027, 3, 28, 1, 0)]
    assert local_times(found, BERLIN) == ["03:00"]


def test_ambiguous_local_times_give_distinct_real_slots():
    # 02:00–04:00 on 2027-10-31 in Berlin lasts three real hours: 02:00 happens twice.
    found = slots_on(date(2027, 10, 31), BERLIN, ("02:00", "04:00"))
    assert [slot.start for slot in found] == [
        utc(2027, 10, 31, 0, 0),
        utc(2027, 10, 31, 0, 30),
        utc(2027, 10, 31, 1, 0),
        utc(2027, 10, 31, 1, 30),
        utc(2027, 10, 31, 2, 0),
    ]
    assert local_times(found, BERLIN) == ["02:00", "02:30", "02:00", "02:30", "03:00"]


def test_viewer_in_another_zone_sees_the_same_instants_shifted_correctly():
    # 2027-03-22: New York already on summer time, Berlin not yet: 17:00 Berlin is 12:00 in New York.
    found = slots_on(date(2027, 3, 22), BERLIN, ("17:00", "18:00"))
    assert local_times(found, NEW_YORK) == ["12:00"]
    found = slots_on(date(2027, 3, 29), BERLIN, ("17:00", "18:00"))
    assert local_times(found, NEW_YORK) == ["11:00"]


def monday_nine_to_five(**rules) -> tuple[list, Rules]:
    day = date(2027, 5, 3)  # a Monday
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    free = availability(
        weekly=[WeeklyWindow(0, time(9), time(17))],
        exceptions=[],
        zone=BERLIN,
        start=start,
        end=start + timedelta(days=1),
    )
    return free, Rules(length=timedelta(minutes=60), **rules)


def berlin(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2027, 5, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def test_buffers_keep_distance_to_existing_sessions_on_both_sides():
    free, rules = monday_nine_to_five(
        buffer_before=timedelta(minutes=15), buffer_after=timedelta(minutes=15)
    )
    busy = [
        (berlin(11) - timedelta(minutes=15), berlin(12) + timedelta(minutes=15))
    ]  # 11–12 with its buffers
    found = bookable_slots(free=free, busy=busy, rules=rules, now=berlin(0, day=1), zone=BERLIN)
    starts = local_times(found, BERLIN)
    assert (
        "09:30" in starts and "10:00" not in starts and "12:00" not in starts and "12:30" in starts
    )
    for slot in found:
        assert (
            slot.end + rules.buffer_after <= busy[0][0]
            or slot.start - rules.buffer_before >= busy[0][1]
        )


def test_minimum_notice_and_horizon():
    free, rules = monday_nine_to_five(min_notice=timedelta(hours=3), horizon=timedelta(hours=6))
    found = bookable_slots(free=free, busy=[], rules=rules, now=berlin(8, 10), zone=BERLIN)
    assert local_times(found, BERLIN) == [
        "11:30",
        "12:00",
        "12:30",
        "13:00",
    ]  # from 11:10, ending by 14:10


def test_limits_per_day_and_per_week_count_in_the_mentors_zone():
    free, rules = monday_nine_to_five(max_per_day=1)
    # a session at 00:30 local on Monday is 22:30 UTC on Sunday: it counts for Monday
    assert (
        bookable_slots(
            free=free,
            busy=[],
            rules=rules,
            now=berlin(0, day=1),
            zone=BERLIN,
            booked_starts=[berlin(0, 30)],
        )
        == []
    )
    assert bookable_slots(
        free=free,
        busy=[],
        rules=rules,
        now=berlin(0, day=1),
        zone=BERLIN,
        booked_starts=[berlin(23, 30, day=2)],
    )
    free, rules = monday_nine_to_five(max_per_week=2)
    previous_week = datetime(2027, 4, 28, 10, tzinfo=BERLIN)
    this_week = [datetime(2027, 5, 5, 10, tzinfo=BERLIN), datetime(2027, 5, 7, 10, tzinfo=BERLIN)]
    assert (
        bookable_slots(
            free=free,
            busy=[],
            rules=rules,
            now=berlin(0, day=1),
            zone=BERLIN,
            booked_starts=this_week,
        )
        == []
    )
    assert bookable_slots(
        free=free,
        busy=[],
        rules=rules,
        now=berlin(0, day=1),
        zone=BERLIN,
        booked_starts=[previous_week, this_week[0]],
    )


def test_exceptions_add_and_block_time():
    day = date(2027, 5, 3)
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    weekly = [WeeklyWindow(0, time(9), time(12))]
    blocked_morning = DateException(False, day, day, time(9), time(10, 30))
    extra_evening = DateException(True, day, day, time(18), time(19))
    free = availability(
        weekly=weekly,
        exceptions=[blocked_morning, extra_evening],
        zone=BERLIN,
        start=start,
        end=start + timedelta(days=1),
    )
    assert free == [(berlin(10, 30), berlin(12)), (berlin(18), berlin(19))]
    holiday = DateException(False, date(2027, 5, 1), date(2027, 5, 9))
    assert (
        availability(
            weekly=weekly,
            exceptions=[holiday, extra_evening],
            zone=BERLIN,
            start=start,
            end=start + timedelta(days=1),
        )
        == []
    )


def test_validity_period_of_a_window():
    weekly = [
        WeeklyWindow(
            0, time(9), time(10), valid_from=date(2027, 5, 10), valid_until=date(2027, 5, 17)
        )
    ]
    start = datetime(2027, 5, 1, tzinfo=BERLIN)
    free = availability(
        weekly=weekly, exceptions=[], zone=BERLIN, start=start, end=start + timedelta(days=31)
    )
    assert [interval[0] for interval in free] == [berlin(9, day=10), berlin(9, day=17)]


# --- Properties against a brute force ----------------------------------------------------------

minutes = st.integers(min_value=0, max_value=7 * 24 * 60 - 1)


def brute_force(free, busy, rules: Rules, now: datetime, booked_starts) -> list[Slot]:
    result = []
    for window_start, window_end in free:
        candidate = window_start
        while candidate + rules.length <= window_end:
            end = candidate + rules.length
            ok = (
                candidate >= now + rules.min_notice
                and end <= now + rules.horizon
                and all(
                    not (b0 < end + rules.buffer_after and b1 > candidate - rules.buffer_before)
                    for b0, b1 in busy
                )
            )
            if ok and rules.max_per_day is not None:
                ok = (
                    sum(
                        1
                        for s in booked_starts
                        if s.astimezone(BERLIN).date() == candidate.astimezone(BERLIN).date()
                    )
                    < rules.max_per_day
                )
            if ok and rules.max_per_week is not None:
                week = candidate.astimezone(BERLIN).isocalendar()[:2]
                ok = (
                    sum(1 for s in booked_starts if s.astimezone(BERLIN).isocalendar()[:2] == week)
                    < rules.max_per_week
                )
            if ok:
                result.append(Slot(candidate, end))
            candidate += rules.step
    return result


@settings(max_examples=150, deadline=None)
@given(
    windows=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 40), st.integers(1, 16)), min_size=1, max_size=6
    ),
    busy=st.lists(st.tuples(minutes, st.integers(15, 180)), max_size=12),
    length=st.sampled_from([30, 45, 60, 90]),
    buffers=st.tuples(st.sampled_from([0, 5, 15]), st.sampled_from([0, 10, 15, 30])),
    limits=st.tuples(st.none() | st.integers(1, 3), st.none() | st.integers(1, 6)),
    notice_hours=st.integers(0, 48),
)
def test_slots_equal_a_brute_force_and_never_touch_busy_time(
    windows, busy, length, buffers, limits, notice_hours
):
    week = datetime(
        2027, 3, 22, tzinfo=BERLIN
    )  # the week before the spring change, and the change itself
    weekly = [
        WeeklyWindow(
            day,
            time(start // 2, 30 * (start % 2)),
            time(
                min(23, (start + span) // 2),
                30 * ((start + span) % 2) if (start + span) // 2 < 24 else 0,
            ),
        )
        for day, start, span in windows
    ]
    weekly = [w for w in weekly if w.end > w.start]
    start = week.astimezone(UTC)
    end = start + timedelta(days=14)
    free = availability(weekly=weekly, exceptions=[], zone=BERLIN, start=start, end=end)
    busy_intervals = [
        (start + timedelta(minutes=m), start + timedelta(minutes=m + d)) for m, d in busy
    ]
    rules = Rules(
        length=timedelta(minutes=length),
        buffer_before=timedelta(minutes=buffers[0]),
        buffer_after=timedelta(minutes=buffers[1]),
        min_notice=timedelta(hours=notice_hours),
        horizon=timedelta(days=10),
        max_per_day=limits[0],
        max_per_week=limits[1],
    )
    booked = [interval[0] for interval in busy_intervals]
    now = start - timedelta(hours=12)
    found = bookable_slots(
        free=free, busy=busy_intervals, rules=rules, now=now, zone=BERLIN, booked_starts=booked
    )
    assert found == brute_force(free, busy_intervals, rules, now, booked)
    for slot in found:
        for b0, b1 in busy_intervals:
            assert slot.end + rules.buffer_after <= b0 or slot.start - rules.buffer_before >= b1


# --- django-scheduler ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduler_events_give_the_same_windows_when_queried_in_the_mentors_zone():
    from mentoring.sessions import services
    from mentoring.sessions.selectors import weekly_windows
    from tests.factories import UserFactory

    schedule = services.schedule_get_or_create(user=UserFactory(time_zone="Europe/Berlin"))
    services.availability_set_weekly(
        schedule=schedule,
        windows=[
            services.WindowInput(SUNDAY, time(15), time(17)),
            services.WindowInput(1, time(9), time(11, 30)),
        ],
    )
    start = datetime(2027, 3, 1, tzinfo=BERLIN)
    end = datetime(2027, 11, 30, tzinfo=BERLIN)
    ours = availability(
        weekly=weekly_windows(schedule), exceptions=[], zone=BERLIN, start=start, end=end
    )
    theirs = sorted(
        (occ.start.astimezone(UTC), occ.end.astimezone(UTC))
        for window in schedule.windows.select_related("event__rule")
        for occ in window.event.get_occurrences(start, end)
    )
    assert ours == theirs
    assert len(ours) > 60
    # Queried in UTC instead, django-scheduler drifts by an hour after the change (why we never do that).
    in_utc = sorted(
        occ.start
        for window in schedule.windows.select_related("event__rule")
        for occ in window.event.get_occurrences(start.astimezone(UTC), end.astimezone(UTC))
    )
    assert {moment.astimezone(BERLIN).hour for moment in in_utc} != {15, 9}


def test_wall_clock_rejects_nothing_and_resolves_fold_zero():
    assert wall_clock(date(2027, 3, 28), time(2, 30), BERLIN) == utc(2027, 3, 28, 1, 30)
    assert wall_clock(date(2027, 10, 31), time(2, 30), BERLIN) == utc(2027, 10, 31, 0, 30)
