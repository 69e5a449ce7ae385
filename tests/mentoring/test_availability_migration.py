"""Migration 0011: the rows that used to hold availability become the truth of the mentor's
django-scheduler calendar, and the two tables go."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mentoring", "0010_matchingrun_pin_issues")]
AFTER = [("mentoring", "0011_availability_kept_in_scheduler_only")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    """Every app back at its newest migration: the tests that run after this one need the
    database the models describe (a column added after 0011 would otherwise be missing)."""
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_rows_become_the_events_and_orphans_go():
    old = migrate(BEFORE)
    try:
        user = old.get_model("lms", "User").objects.create(
            email="mentorin@example.org", password="!"
        )
        calendar = old.get_model("schedule", "Calendar").objects.create(name="m", slug="m")
        schedule = old.get_model("mentoring", "MentorSchedule").objects.create(
            user=user, calendar=calendar, time_zone="Europe/Berlin"
        )
        Event = old.get_model("schedule", "Event")

        def stale_event():  # the mirror, here deliberately out of step with the rows
            moment = datetime(2027, 1, 1, 12, tzinfo=UTC)
            return Event.objects.create(calendar=calendar, title="x", start=moment, end=moment)

        old.get_model("mentoring", "AvailabilityWindow").objects.create(
            schedule=schedule,
            event=stale_event(),
            weekday=1,
            start_time=time(17),
            end_time=time(19),
            valid_from=date(2027, 3, 1),
        )
        old.get_model("mentoring", "AvailabilityException").objects.create(
            schedule=schedule,
            event=stale_event(),
            kind="blocked",
            date_from=date(2027, 4, 5),
            date_until=date(2027, 4, 9),
            note="Urlaub",
        )
        orphan = stale_event()
    finally:
        migrate(AFTER)
        migrate_to_latest()

    from mentoring.models import MentorSchedule
    from mentoring.sessions import selectors

    schedule = MentorSchedule.objects.get(user__email="mentorin@example.org")
    (window,) = selectors.weekly_windows(schedule, current=False)
    assert (window.weekday, window.start_time, window.end_time, window.valid_from) == (
        1,
        time(17),
        time(19),
        date(2027, 3, 2),  # the first Tuesday from 1 March
    )
    (absence,) = selectors.date_exceptions(schedule)
    assert (absence.kind, absence.date_from, absence.date_until, absence.start_time) == (
        "blocked",
        date(2027, 4, 5),
        date(2027, 4, 9),
        None,
    )
    assert absence.note == "Urlaub"
    from schedule.models import Event

    assert not Event.objects.filter(pk=orphan.pk).exists()
    tuesday = datetime(2027, 4, 6, tzinfo=schedule.zone)
    assert selectors.availability(schedule, start=tuesday, end=tuesday.replace(day=7)) == []
    next_tuesday = tuesday.replace(day=13)
    assert selectors.availability(
        schedule, start=next_tuesday, end=next_tuesday.replace(day=14)
    ) == [(datetime(2027, 4, 13, 15, tzinfo=UTC), datetime(2027, 4, 13, 17, tzinfo=UTC))]
