"""Two cancellations at the same moment: each freed seat goes to a different waiting person, in
the order they joined the list, and the session never holds more people than seats.

Each cancellation runs in its own thread with its own database connection (on SQLite a file copy
of the test database, as in tests/mentoring/test_booking_concurrency.py), so the session's row
lock (PostgreSQL) or the write lock (SQLite) is what keeps them apart."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from courses.live import services
from courses.models import LiveSessionRegistration
from tests.courses.live_support import learners, make_run, make_session
from tests.mentoring.test_booking_concurrency import _sqlite_on_file

pytestmark = pytest.mark.django_db(transaction=True)

REGISTERED = LiveSessionRegistration.Status.REGISTERED
WAITLISTED = LiveSessionRegistration.Status.WAITLISTED


def _in_parallel(*calls):
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_two_concurrent_cancellations_move_up_two_people_in_order(course, tmp_path):
    run = make_run(course, capacity=10)
    session = make_session(run, seats=2)
    a, b, c, d, e = learners(run, 5)
    for user in (a, b, c, d, e):
        services.live_registration_create(session=session, user=user)
    first, second = (session.registrations.get(user=user) for user in (a, b))

    connection = connections["default"]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with _sqlite_on_file(tmp_path / "live.sqlite3"):
            _cancel_both(first, second)
            statuses = dict(session.registrations.values_list("user_id", "status"))
    else:
        _cancel_both(first, second)
        statuses = dict(session.registrations.values_list("user_id", "status"))

    assert statuses[c.pk] == REGISTERED and statuses[d.pk] == REGISTERED
    assert statuses[e.pk] == WAITLISTED
    assert sum(1 for status in statuses.values() if status == REGISTERED) == 2


def _cancel_both(first, second):
    _in_parallel(
        lambda: services.live_registration_cancel(registration=first),
        lambda: services.live_registration_cancel(registration=second),
    )
