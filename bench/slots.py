"""Bookable slots of one tandem over eight weeks: one mentor (Monday–Friday 08–12 and 13–19,
Europe/Berlin, ten weekly events in her django-scheduler calendar) with 200 active sessions spread
over those weeks across four tandems, the programme's limits relaxed (20 a day, 50 a week) so that
all 200 fit.

* Tandem's ``selectors.tandem_slots``: four queries (schedule, calendar events, their persisted
  occurrences, sessions), the events expanded with django-scheduler's ``Period`` in the mentor's
  zone, then the pure slot engine.
* A naive baseline built on django-scheduler: every availability event's
  ``get_occurrences(start, end)`` (start/end in the mentor's zone, as django-scheduler expects),
  then one database query per candidate slot for overlapping sessions (plus one count per local
  day and ISO week for the limits, memoised).

Both produce the same slots; the benchmark asserts it before measuring. Target: p95 ≤ 50 ms
for ``tandem_slots``.

Run alone with ``python -m bench.slots``."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta

from bench.common import Row, measure, within

LENGTH = 30  # minutes: the shortest offered, what the API shows by default
PERIOD = timedelta(weeks=8)
SESSIONS = 200
WINDOWS = [(day, time(8), time(12)) for day in range(5)] + [
    (day, time(13), time(19)) for day in range(5)
]
# Five sessions a weekday (start, minutes): 40 weekdays × 5 = 200.
DAY_PATTERNS = [
    [(time(8), 60), (time(9, 30), 30), (time(11), 45), (time(14), 60), (time(16, 30), 30)],
    [(time(8, 30), 30), (time(10), 60), (time(13), 45), (time(15), 30), (time(17, 30), 60)],
    [(time(9), 45), (time(10, 30), 30), (time(13, 30), 60), (time(15, 30), 45), (time(18), 30)],
]


def run() -> list[Row]:
    from mentoring.sessions import selectors

    tandem, now = _setup()
    start, end = now, now + PERIOD

    def ours():
        return selectors.tandem_slots(
            tandem=tandem, length=LENGTH, start=start, end=end, now=now
        ).slots

    def naive():
        return naive_slots(tandem=tandem, length=LENGTH, start=start, end=end, now=now)

    expected, baseline = ours(), naive()
    if expected != baseline:
        missing, extra = (
            sorted(set(expected) - set(baseline)),
            sorted(set(baseline) - set(expected)),
        )
        raise AssertionError(
            f"bench.slots: the baseline differs ({len(expected)} vs {len(baseline)} slots; "
            f"only ours: {missing[:3]}, only baseline: {extra[:3]})"
        )
    size = f"1 mentor, {SESSIONS} sessions, 8 weeks, {LENGTH} min"
    note = f"{len(expected)} slots, identical lists ✓"
    return [
        measure("slots: tandem_slots", size, ours, repeat=100, note=note, p95_ms=50),
        within(  # asserted above: a difference raises
            measure(
                "slots: naive (django-scheduler + query/slot)", size, naive, repeat=50, note=note
            ),
            "same slots as tandem_slots",
            True,
        ),
    ]


# --- the naive baseline ------------------------------------------------------------------------


def naive_slots(*, tandem, length: int, start: datetime, end: datetime, now: datetime) -> list:
    """What one writes first: django-scheduler's occurrences, then ask the database per slot."""
    from django.db.models import Q
    from schedule.models import Event

    from mentoring.models import MentorSchedule, Session
    from mentoring.sessions.slots import Slot

    programme = tandem.programme
    mentor_id, mentee_id = tandem.mentor.user_id, tandem.mentee.user_id
    schedule = MentorSchedule.objects.get(user_id=mentor_id)
    rules = schedule if schedule.own_rules else programme
    zone = schedule.zone
    step, duration = timedelta(minutes=30), timedelta(minutes=length)
    before, after = timedelta(minutes=rules.buffer_before), timedelta(minutes=rules.buffer_after)
    earliest = max(start, now + timedelta(hours=rules.min_notice_hours))
    latest = min(end, now + timedelta(days=rules.horizon_days))
    members = (
        Q(mentor_id=mentor_id)
        | Q(mentee_id=mentee_id)
        | Q(mentor_id=mentee_id)
        | Q(mentee_id=mentor_id)
    )
    active = Session.objects.filter(status__in=Session.ACTIVE)
    per_day: dict[date, int] = {}
    per_week: dict[tuple[int, int], int] = {}

    def day_count(day: date) -> int:
        if day not in per_day:
            first = datetime.combine(day, time(0), tzinfo=zone)
            per_day[day] = active.filter(
                mentor_id=mentor_id,
                start__gte=first,
                start__lt=datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
            ).count()
        return per_day[day]

    def week_count(day: date) -> int:
        iso = day.isocalendar()
        key = (iso.year, iso.week)
        if key not in per_week:
            monday = day - timedelta(days=day.weekday())
            per_week[key] = active.filter(
                mentor_id=mentor_id,
                start__gte=datetime.combine(monday, time(0), tzinfo=zone),
                start__lt=datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone),
            ).count()
        return per_week[key]

    found = []
    for event in Event.objects.filter(calendar_id=schedule.calendar_id, title="available"):
        for occurrence in event.get_occurrences(start.astimezone(zone), end.astimezone(zone)):
            candidate = occurrence.start
            while candidate < earliest:
                candidate += step
            while candidate + duration <= min(occurrence.end, latest):
                slot_end = candidate + duration
                taken = active.filter(
                    members, blocked_from__lt=slot_end + after, blocked_until__gt=candidate - before
                ).exists()
                day = candidate.astimezone(zone).date()
                if (
                    not taken
                    and day_count(day) < rules.max_per_day
                    and week_count(day) < rules.max_per_week
                ):
                    found.append(Slot(candidate.astimezone(UTC), slot_end.astimezone(UTC)))
                candidate += step
    return sorted(slot for slot in found if slot.start >= start and slot.end <= end)


# --- data --------------------------------------------------------------------------------------


def _setup():
    from django.utils import timezone

    from lms.models import User
    from mentoring import services as mentoring_services
    from mentoring.models import Programme, Session, Tandem
    from mentoring.sessions import services
    from mentoring.sessions.slots import wall_clock

    now = timezone.now().replace(second=0, microsecond=0)
    programme = Programme.objects.create(
        title="Benchmark: Sessions",
        slug="bench-slots",
        applications_open=now - timedelta(days=10),
        applications_close=now + timedelta(days=10),
        matching_on=now.date(),
        starts_on=now.date(),
        ends_on=(now + timedelta(days=200)).date(),
        max_per_day=20,
        max_per_week=50,
    )

    def applicant(role: str, name: str):
        user = User.objects.create_user(
            email=f"bench-slots-{name}@example.org",
            first_name=name,
            last_name="Bench",
            time_zone="Europe/Berlin",
        )
        application = mentoring_services.application_submit(
            programme=programme, by=user, role=role, answers={}, consent=True
        )
        return mentoring_services.application_decide(application=application, by=None, accept=True)

    mentor = applicant("mentor", "mentor")
    tandems = [
        Tandem.objects.create(
            programme=programme,
            mentor=mentor,
            mentee=applicant("mentee", f"mentee{i}"),
            status=Tandem.Status.ACTIVE,
            mentee_response="accepted",
            mentor_response="accepted",
            started_at=now,
        )
        for i in range(4)
    ]
    schedule = services.schedule_get_or_create(user=mentor.user)
    services.availability_set_weekly(
        schedule=schedule, windows=[services.WindowInput(*w) for w in WINDOWS]
    )

    zone = schedule.zone
    day, weekdays, number = timezone.localdate(now, timezone=zone) + timedelta(days=1), 0, 0
    buffer_after = timedelta(minutes=programme.buffer_after)
    while weekdays < 40:
        if day.weekday() < 5:
            for begin, minutes in DAY_PATTERNS[weekdays % len(DAY_PATTERNS)]:
                tandem = tandems[number % len(tandems)]
                start = wall_clock(day, begin, zone)
                Session.objects.create(
                    tandem=tandem,
                    mentor_id=mentor.user_id,
                    mentee_id=tandem.mentee.user_id,
                    start=start,
                    end=start + timedelta(minutes=minutes),
                    blocked_from=start,
                    blocked_until=start + timedelta(minutes=minutes) + buffer_after,
                    room_name=f"bench-slots-{number}",
                    created_by=tandem.mentee.user,
                )
                number += 1
            weekdays += 1
        day += timedelta(days=1)
    assert number == SESSIONS  # noqa: S101 - a benchmark's own sanity check
    tandem = Tandem.objects.select_related("programme", "mentor__user", "mentee__user").get(
        pk=tandems[0].pk
    )
    return tandem, now


def main() -> int:
    import bench.__main__ as runner

    runner.BENCHMARKS = ["bench.slots"]
    return runner.main()


if __name__ == "__main__":
    sys.exit(main())
