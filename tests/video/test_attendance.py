"""Attendance intervals from recorded occupant-event sequences (video.attendance)."""

from datetime import UTC, datetime, timedelta

from video.attendance import Event, Interval, intervals, seconds_within, share

T0 = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def join(who: str, minutes: float, room: str = "") -> Event:
    return Event(participant=who, joined=True, at=at(minutes), room=room)


def leave(who: str, minutes: float, room: str = "") -> Event:
    return Event(participant=who, joined=False, at=at(minutes), room=room)


def test_a_join_and_a_leave_make_one_interval():
    assert intervals([join("a", 0), leave("a", 30)]) == {"a": [Interval(at(0), at(30))]}


def test_a_reconnect_makes_two_intervals_and_the_gap_does_not_count():
    found = intervals([join("a", 0), leave("a", 10), join("a", 12), leave("a", 30)])["a"]
    assert found == [Interval(at(0), at(10)), Interval(at(12), at(30))]
    assert seconds_within(found, at(0), at(30)) == 28 * 60


def test_events_out_of_order_and_duplicates_give_the_same_result():
    events = [join("a", 0), leave("a", 10), join("a", 12), leave("a", 30)]
    shuffled = [events[3], events[1], events[0], events[2], events[0], events[3]]
    assert intervals(shuffled) == intervals(events)


def test_moving_into_a_breakout_room_and_back_keeps_the_person_present():
    events = [
        join("a", 0),
        join("a", 10, room="tisch-1"),  # the breakout join arrives before the main-room leave
        leave("a", 10),
        leave("a", 25, room="tisch-1"),
        join("a", 25),
        leave("a", 40),
    ]
    assert intervals(events)["a"] == [Interval(at(0), at(40))]


def test_a_leave_without_a_join_counts_nothing_and_someone_still_inside_counts_until_the_end():
    found = intervals([leave("a", 5), join("b", 10)], until=at(60))
    assert found["a"] == [] and found["b"] == [Interval(at(10), at(60))]
    assert intervals([join("b", 10)]) == {"b": []}  # no end known: nothing is guessed


def test_a_reconnect_in_the_same_second_stays_one_interval():
    assert intervals([join("a", 0), leave("a", 10), join("a", 10), leave("a", 20)])["a"] == [
        Interval(at(0), at(20))
    ]


def test_share_counts_only_the_time_inside_the_window():
    found = intervals([join("a", -10), leave("a", 45)])["a"]
    assert share(found, at(0), at(60)) == 0.75
    assert share(found, at(0), at(0)) == 0.0
    assert intervals([Event(participant="", joined=True, at=at(0))]) == {}
