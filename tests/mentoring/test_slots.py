"""The slot engine and the availability it works on: a mentor's django-scheduler calendar expanded
on the mentor's wall clock across daylight-saving changes; buffers, notice, horizon, limits; and
changes made through django-scheduler's own models (a moved event, a cancelled or moved occurrence)
reaching the offered slots."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.sessions.slots import (
    Rules,
    Slot,
    bookable_slots,
    free_time,
    wall_clock,
    wall_clock_span,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SUNDAY = 6
SINCE = date(2027, 1, 1)  # the windows below start then, so dates in 2027 are inside them


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def t(value: str) -> time:
    return time.fromisoformat(value)


def mentor_calendar(zone: ZoneInfo, windows=()):
    """A mentor's schedule whose django-scheduler calendar holds these weekly windows."""
    from mentoring.sessions import services
    from tests.factories import UserFactory

    schedule = services.schedule_get_or_create(user=UserFactory(time_zone=zone.key))
    services.availability_set_weekly(
        schedule=schedule,
        windows=[
            services.WindowInput(day, t(start), t(end), valid_from=SINCE)
            for day, start, end in windows
        ],
    )
    return schedule


def calendar_free(schedule, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    from mentoring.sessions.selectors import availability

    return availability(schedule, start=start, end=end)


def slots_on(day: date, zone: ZoneInfo, window: tuple[str, str], *, length=60) -> list[Slot]:
    schedule = mentor_calendar(zone, [(day.weekday(), *window)])
    start = datetime.combine(day, time(0), tzinfo=zone)
    return bookable_slots(
        free=calendar_free(schedule, start, start + timedelta(days=1)),
        busy=[],
        rules=Rules(length=timedelta(minutes=length)),
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
@pytest.mark.django_db
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


@pytest.mark.django_db
def test_nonexistent_local_time_starts_when_the_clock_jumps():
    # 02:00–04:00 on 2027-03-28 in Berlin: 02:00–03:00 does not exist, one real hour remains.
    found = slots_on(date(2027, 3, 28), BERLIN, ("02:00", "04:00"))
    assert [slot.start for slot in found] == [utc(2027, 3, 28, 1, 0)]
    assert local_times(found, BERLIN) == ["03:00"]


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_viewer_in_another_zone_sees_the_same_instants_shifted_correctly():
    # 2027-03-22: New York already on summer time, Berlin not yet: 17:00 Berlin is 12:00 in New York.
    found = slots_on(date(2027, 3, 22), BERLIN, ("17:00", "18:00"))
    assert local_times(found, NEW_YORK) == ["12:00"]
    found = slots_on(date(2027, 3, 29), BERLIN, ("17:00", "18:00"))
    assert local_times(found, NEW_YORK) == ["11:00"]


def monday_nine_to_five(**rules) -> tuple[list, Rules]:
    free = [(berlin(9), berlin(17))]  # 2027-05-03, a Monday
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


@pytest.mark.django_db
def test_exceptions_add_and_block_time():
    from mentoring.sessions import services

    day = date(2027, 5, 3)
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    schedule = mentor_calendar(BERLIN, [(0, "09:00", "12:00")])
    blocked_morning = services.availability_add_exception(
        schedule=schedule, kind="blocked", date_from=day, start_time=t("09:00"), end_time=t("10:30")
    )
    services.availability_add_exception(
        schedule=schedule,
        kind="available",
        date_from=day,
        start_time=t("18:00"),
        end_time=t("19:00"),
    )
    assert calendar_free(schedule, start, start + timedelta(days=1)) == [
        (berlin(10, 30), berlin(12)),
        (berlin(18), berlin(19)),
    ]
    services.availability_remove_exception(schedule=schedule, exception_id=blocked_morning.pk)
    services.availability_add_exception(
        schedule=schedule, kind="blocked", date_from=date(2027, 5, 1), date_until=date(2027, 5, 9)
    )
    assert calendar_free(schedule, start, start + timedelta(days=1)) == []


@pytest.mark.django_db
def test_the_same_hours_on_several_days_follow_the_wall_clock_across_the_change():
    from mentoring.sessions import services

    schedule = mentor_calendar(BERLIN, [(day, "09:00", "17:00") for day in range(7)])
    services.availability_add_exception(
        schedule=schedule,
        kind="blocked",
        date_from=date(2027, 3, 26),
        date_until=date(2027, 3, 29),
        start_time=t("12:00"),
        end_time=t("14:00"),
    )
    start = datetime(2027, 3, 25, tzinfo=BERLIN)
    free = calendar_free(schedule, start, start + timedelta(days=6))
    local = [
        (s.astimezone(BERLIN).strftime("%d %H:%M"), e.astimezone(BERLIN).strftime("%H:%M"))
        for s, e in free
    ]
    assert local == [
        ("25 09:00", "17:00"),
        ("26 09:00", "12:00"),
        ("26 14:00", "17:00"),
        ("27 09:00", "12:00"),
        ("27 14:00", "17:00"),
        ("28 09:00", "12:00"),  # the clocks went forward that night
        ("28 14:00", "17:00"),
        ("29 09:00", "12:00"),
        ("29 14:00", "17:00"),
        ("30 09:00", "17:00"),
    ]


@pytest.mark.django_db
def test_validity_period_of_a_window():
    from mentoring.sessions import services

    schedule = mentor_calendar(BERLIN)
    services.availability_set_weekly(
        schedule=schedule,
        windows=[
            services.WindowInput(
                0,
                t("09:00"),
                t("10:00"),
                valid_from=date(2027, 5, 10),
                valid_until=date(2027, 5, 17),
            )
        ],
    )
    start = datetime(2027, 5, 1, tzinfo=BERLIN)
    free = calendar_free(schedule, start, start + timedelta(days=31))
    assert [interval[0] for interval in free] == [berlin(9, day=10), berlin(9, day=17)]


def test_a_wall_clock_span_keeps_its_hours_on_the_clock_when_the_clocks_change():
    # 01:00–04:00 on the night the clocks go back lasts four real hours, forward two.
    autumn = wall_clock_span(date(2027, 10, 31), t("01:00"), timedelta(hours=3), BERLIN)
    assert autumn == (utc(2027, 10, 30, 23), utc(2027, 10, 31, 3))
    spring = wall_clock_span(date(2027, 3, 28), t("01:00"), timedelta(hours=3), BERLIN)
    assert spring == (utc(2027, 3, 28, 0), utc(2027, 3, 28, 2))


def test_blocked_time_is_taken_out_of_whole_windows():
    start = berlin(0)
    free = free_time(
        available=[(berlin(9), berlin(12)), (berlin(11), berlin(13))],
        blocked=[(berlin(10), berlin(10, 30))],
        start=start,
        end=start + timedelta(days=1),
    )
    assert free == [(berlin(9), berlin(10)), (berlin(10, 30), berlin(13))]


# --- Properties against a brute force ----------------------------------------------------------

minutes = st.integers(min_value=0, max_value=7 * 24 * 60 - 1)


def weekly_on_the_wall_clock(weekly, zone: ZoneInfo, start: datetime, end: datetime):
    """The obvious expansion, day by day on the wall clock: the oracle for django-scheduler's."""
    first = start.astimezone(zone).date() - timedelta(days=1)
    days = [
        first + timedelta(days=n) for n in range((end.astimezone(zone).date() - first).days + 2)
    ]
    spans = [
        (wall_clock(day, begin, zone), wall_clock(day, until, zone))
        for day in days
        for weekday, begin, until in weekly
        if day.weekday() == weekday and until > begin
    ]
    return free_time(available=spans, blocked=[], start=start, end=end)


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
        (
            day,
            time(start // 2, 30 * (start % 2)),
            time(
                min(23, (start + span) // 2),
                30 * ((start + span) % 2) if (start + span) // 2 < 24 else 0,
            ),
        )
        for day, start, span in windows
    ]
    start = week.astimezone(UTC)
    end = start + timedelta(days=14)
    free = weekly_on_the_wall_clock(weekly, BERLIN, start, end)
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
@pytest.mark.parametrize(
    "zone, windows",
    [
        (
            BERLIN,
            [(SUNDAY, "02:00", "04:00"), (SUNDAY, "15:00", "17:00"), (1, "09:00", "11:30")],
        ),
        (BERLIN, [(SUNDAY, "00:00", "23:59"), (5, "22:00", "23:59")]),
        (NEW_YORK, [(SUNDAY, "01:30", "03:00"), (SUNDAY, "15:00", "17:00"), (4, "08:00", "09:00")]),
    ],
)
def test_the_calendar_expands_on_the_wall_clock_all_year(zone, windows):
    """django-scheduler's own occurrences, asked in the mentor's zone, then put on the wall clock:
    the same as the obvious day-by-day expansion, both nights the clocks change included."""
    schedule = mentor_calendar(zone, windows)
    start, end = datetime(2027, 1, 4, tzinfo=zone), datetime(2028, 1, 3, tzinfo=zone)
    weekly = [(day, t(begin), t(until)) for day, begin, until in windows]
    ours = calendar_free(schedule, start, end)
    assert ours == weekly_on_the_wall_clock(weekly, zone, start, end)
    assert len(ours) >= 52 * len(windows)


@pytest.mark.django_db
def test_raw_scheduler_occurrences_drift_in_utc_and_on_the_night_of_the_change():
    """Why the selectors ask django-scheduler in the mentor's zone and put its occurrences on the
    wall clock: asked in UTC, a weekly 15:00 moves by an hour after the change; asked in the zone,
    it keeps 15:00 but gives a window on the night of the change its absolute length."""
    from schedule.models import Event

    schedule = mentor_calendar(BERLIN, [(SUNDAY, "15:00", "17:00"), (SUNDAY, "01:00", "04:00")])
    events = {
        event.start.astimezone(BERLIN).hour: event
        for event in Event.objects.filter(calendar=schedule.calendar)
    }
    start, end = datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 11, 30, tzinfo=BERLIN)
    in_utc = events[15].get_occurrences(start.astimezone(UTC), end.astimezone(UTC))
    assert {occ.start.astimezone(BERLIN).hour for occ in in_utc} == {15, 16}
    in_zone = events[15].get_occurrences(start, end)
    assert {occ.start.astimezone(BERLIN).hour for occ in in_zone} == {15}
    night = datetime(2027, 3, 28, tzinfo=BERLIN)
    (raw,) = events[1].get_occurrences(night, night + timedelta(days=1))
    assert raw.end.astimezone(BERLIN).hour == 5  # 3 real hours from 01:00, past 04:00
    assert calendar_free(schedule, night, night + timedelta(hours=12))[0] == (
        utc(2027, 3, 28, 0),
        utc(2027, 3, 28, 2),  # 04:00 summer time: the window ends where the mentor said
    )


def test_wall_clock_rejects_nothing_and_resolves_fold_zero():
    assert wall_clock(date(2027, 3, 28), time(2, 30), BERLIN) == utc(2027, 3, 28, 1, 30)
    assert wall_clock(date(2027, 10, 31), time(2, 30), BERLIN) == utc(2027, 10, 31, 0, 30)


# --- Changes made through django-scheduler's own models ----------------------------------------


def a_monday_ahead(weeks: int = 2) -> date:
    from django.utils import timezone

    day = timezone.localdate(timezone=BERLIN) + timedelta(weeks=weeks)
    return day - timedelta(days=day.weekday())


def offered(tandem, day: date) -> list[str]:
    from mentoring.sessions import selectors

    result = selectors.tandem_slots(
        tandem=tandem,
        length=60,
        start=wall_clock(day, time(0), BERLIN),
        end=wall_clock(day + timedelta(days=1), time(0), BERLIN),
    )
    return local_times(result.slots, BERLIN)


def monday_event(tandem):
    from schedule.models import Event

    calendar = tandem.mentor.user.mentor_schedule.calendar
    (event,) = [
        event
        for event in Event.objects.filter(calendar=calendar, rule__frequency="WEEKLY")
        if event.start.astimezone(BERLIN).weekday() == 0
    ]
    return event


def test_moving_the_event_in_django_scheduler_moves_the_offered_slots(tandem):
    monday = a_monday_ahead()
    assert offered(tandem, monday)[0] == "09:00"  # Monday–Friday 09–17 in Berlin
    event = monday_event(tandem)
    event.start += timedelta(hours=2)
    event.end += timedelta(hours=3)
    event.save()
    assert offered(tandem, monday) == [
        f"{hour}:{minute}" for hour in range(11, 19) for minute in ("00", "30")
    ] + ["19:00"]
    assert offered(tandem, monday + timedelta(days=1))[0] == "09:00"  # Tuesday is another event


def test_a_cancelled_occurrence_takes_the_day_out_and_a_moved_one_is_offered_where_it_went(
    tandem,
):
    monday = a_monday_ahead()
    event = monday_event(tandem)
    event.get_occurrence(datetime.combine(monday, time(9), tzinfo=BERLIN)).cancel()
    assert offered(tandem, monday) == []
    assert offered(tandem, monday + timedelta(weeks=1))[0] == "09:00"  # only that Monday
    later = monday + timedelta(weeks=1)
    occurrence = event.get_occurrence(datetime.combine(later, time(9), tzinfo=BERLIN))
    occurrence.move(
        datetime.combine(later, time(18), tzinfo=BERLIN),
        datetime.combine(later, time(20), tzinfo=BERLIN),
    )
    assert offered(tandem, later) == ["18:00", "18:30", "19:00"]


def test_the_editor_shows_what_django_scheduler_holds(tandem):
    from mentoring.sessions import selectors

    schedule = tandem.mentor.user.mentor_schedule
    event = monday_event(tandem)
    event.end += timedelta(hours=1)
    event.save()
    (monday, *_rest) = selectors.weekly_windows(schedule)
    assert (monday.weekday, monday.start_time, monday.end_time) == (0, t("09:00"), t("18:00"))


def test_unchanged_windows_keep_their_event_and_its_cancelled_occurrences(tandem):
    from mentoring.sessions import selectors, services

    schedule = tandem.mentor.user.mentor_schedule
    monday = a_monday_ahead()
    event = monday_event(tandem)
    event.get_occurrence(datetime.combine(monday, time(9), tzinfo=BERLIN)).cancel()
    services.availability_set_weekly(
        schedule=schedule,
        windows=[
            services.WindowInput(w.weekday, w.start_time, w.end_time)
            for w in selectors.weekly_windows(schedule)
            if w.weekday != 4
        ],
    )
    assert monday_event(tandem).pk == event.pk
    assert offered(tandem, monday) == []  # still cancelled
    assert offered(tandem, monday + timedelta(days=4)) == []  # Friday removed
    assert offered(tandem, monday + timedelta(days=3))[0] == "09:00"


def test_a_new_zone_keeps_the_wall_clock_times(tandem):
    from mentoring.sessions import selectors, services

    schedule = tandem.mentor.user.mentor_schedule
    services.availability_add_exception(
        schedule=schedule,
        kind="blocked",
        date_from=a_monday_ahead(),
        start_time=t("09:00"),
        end_time=t("12:00"),
        note="Arzt",
    )
    services.schedule_update_settings(schedule=schedule, changes={"time_zone": "America/New_York"})
    (monday, *_rest) = selectors.weekly_windows(schedule)
    assert (monday.start_time, monday.end_time) == (t("09:00"), t("17:00"))
    (exception,) = selectors.date_exceptions(schedule)
    assert (exception.date_from, exception.start_time, exception.note) == (
        a_monday_ahead(),
        t("09:00"),
        "Arzt",
    )
    new_york = ZoneInfo("America/New_York")
    result = selectors.tandem_slots(
        tandem=tandem,
        length=60,
        start=wall_clock(a_monday_ahead(), time(0), new_york),
        end=wall_clock(a_monday_ahead() + timedelta(days=1), time(0), new_york),
    )
    assert local_times(result.slots, new_york)[0] == "12:00"


def test_tandem_slots_reads_calendar_and_sessions_in_four_queries(
    tandem, django_assert_num_queries
):
    """The schedule, the calendar's events (with their rules), their persisted occurrences, the
    members' sessions: four queries however many windows, exceptions and sessions there are."""
    from mentoring.sessions import selectors, services

    schedule = tandem.mentor.user.mentor_schedule
    monday = a_monday_ahead()
    for weeks in range(3):
        services.availability_add_exception(
            schedule=schedule, kind="blocked", date_from=monday + timedelta(weeks=weeks, days=2)
        )
        services.availability_add_exception(
            schedule=schedule,
            kind="available",
            date_from=monday + timedelta(weeks=weeks, days=5),
            start_time=t("10:00"),
            end_time=t("12:00"),
        )
        event = monday_event(tandem)
        event.get_occurrence(
            datetime.combine(monday + timedelta(weeks=weeks), time(9), tzinfo=BERLIN)
        ).cancel()
    start = wall_clock(monday, time(0), BERLIN)
    with django_assert_num_queries(4):
        result = selectors.tandem_slots(
            tandem=tandem, length=60, start=start, end=start + timedelta(weeks=4)
        )
    days = {slot.start.astimezone(BERLIN).date() for slot in result.slots}
    assert monday not in days and monday + timedelta(days=2) not in days
    assert monday + timedelta(days=5) in days and monday + timedelta(weeks=3) in days
