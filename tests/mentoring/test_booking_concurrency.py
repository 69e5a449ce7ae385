"""Booking under real concurrency: 20 HTTP requests for one slot, fired together at a threaded
live server, end in exactly one session.

PostgreSQL: the exclusion constraints stop the concurrent inserts. SQLite: each booking runs in
an IMMEDIATE transaction, so the re-check and the insert hold the write lock together. The test
database of SQLite is in memory, and pytest-django's ``live_server`` then hands its one
connection to every request thread (their transactions would interleave on it), so on SQLite the
test copies the database to a file and runs its own ``LiveServer`` (pytest-django's class) on it,
each request thread with its own connection — the way the site runs on SQLite."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from django.db import connections
from django.utils import timezone
from rest_framework.authtoken.models import Token

from mentoring.models import Session, SessionChange
from mentoring.sessions import selectors, services
from tests.mentoring.conftest import make_active_tandem

pytestmark = pytest.mark.django_db(transaction=True)

CONCURRENCY = 20
LENGTH = 60


@contextmanager
def _sqlite_on_file(path):
    """Move the default connection, and every connection opened meanwhile, onto a file copy of
    the in-memory test database; put the in-memory one back afterwards."""
    memory = connections["default"]
    shared = memory.settings_dict  # the dict that new connections in any thread are made from
    memory.ensure_connection()
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    memory.settings_dict = dict(shared)  # stays an in-memory database whatever happens to NAME
    name = shared["NAME"]
    shared["NAME"] = str(path)
    on_file = connections.create_connection("default")
    connections["default"] = on_file
    try:
        yield
    finally:
        on_file.close()
        connections["default"] = memory
        shared["NAME"] = name
        memory.settings_dict = shared


@pytest.fixture
def server_url(request, tmp_path):
    """Base URL of a threaded live server on 127.0.0.1 that shares the test's committed data."""
    connection = connections["default"]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        from pytest_django.live_server_helper import LiveServer

        with _sqlite_on_file(tmp_path / "live.sqlite3"):
            server = LiveServer("127.0.0.1:0")
            try:
                yield f"http://127.0.0.1:{server.thread.port}"
            finally:
                server.stop()
        return
    live_server = request.getfixturevalue("live_server")
    yield f"http://127.0.0.1:{live_server.thread.port}"


@pytest.fixture
def booking(server_url):
    """An active tandem, the mentee's API token and the first free hour from tomorrow on."""
    tandem = make_active_tandem()
    token = Token.objects.create(user=tandem.mentee.user)
    now = timezone.now()
    slot = selectors.tandem_slots(
        tandem=tandem, length=LENGTH, start=now, end=now + timedelta(days=14)
    ).slots[0]
    return {
        "url": f"{server_url}/api/v1/sessions/",
        "token": token.key,
        "tandem": tandem,
        "body": {"tandem": tandem.pk, "start": slot.start.isoformat(), "length": LENGTH},
    }


def _fire_together(booking, keys: list[str]) -> list[requests.Response]:
    barrier = threading.Barrier(len(keys))

    def post(key: str) -> requests.Response:
        headers = {"Authorization": f"Token {booking['token']}", "Idempotency-Key": key}
        barrier.wait(timeout=30)
        return requests.post(booking["url"], json=booking["body"], headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        return list(pool.map(post, keys))


def _no_server_errors(responses: list[requests.Response]) -> None:
    errors = [(r.status_code, r.text[:500]) for r in responses if r.status_code >= 500]
    assert not errors, errors


def test_twenty_concurrent_bookings_of_one_slot_give_one_session_and_nineteen_conflicts(booking):
    responses = _fire_together(booking, [str(uuid.uuid4()) for _ in range(CONCURRENCY)])

    _no_server_errors(responses)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CONCURRENCY - 1}, [
        (r.status_code, r.text[:300]) for r in responses
    ]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"slot_unavailable"}
    assert all(r.json()["status"] == 409 for r in responses if r.status_code == 409)
    sessions = list(Session.objects.filter(tandem=booking["tandem"]))
    assert len(sessions) == 1
    created = next(r for r in responses if r.status_code == 201).json()
    assert created["id"] == str(sessions[0].uuid)
    assert sessions[0].start.isoformat() == booking["body"]["start"]


def test_twenty_concurrent_retries_with_one_idempotency_key_give_one_session(booking):
    key = str(uuid.uuid4())
    responses = _fire_together(booking, [key] * CONCURRENCY)

    _no_server_errors(responses)
    answers = [(r.status_code, r.text[:300]) for r in responses]
    assert {r.status_code for r in responses} <= {200, 201}, answers
    assert Counter(r.status_code for r in responses)[201] == 1, answers
    sessions = list(Session.objects.filter(tandem=booking["tandem"]))
    assert len(sessions) == 1
    assert {r.json()["id"] for r in responses} == {str(sessions[0].uuid)}


# --- Limits per day and week, and moves, under concurrency ---------------------------------------


def _limited_tandem(*, per_day: int, per_week: int):
    """Monday–Friday 9–17 in Berlin, at most ``per_day`` sessions a day, ``per_week`` a week."""
    tandem = make_active_tandem()
    programme = tandem.programme
    programme.max_per_day, programme.max_per_week = per_day, per_week
    programme.buffer_before = programme.buffer_after = 0
    programme.save()
    return tandem


def _weekday_slots(tandem) -> list:
    """Every free hour (on the hour) of Monday to Friday in the week after next, in the mentor's
    zone (all of them beyond the minimum notice, whatever the day the test runs)."""
    zone = ZoneInfo("Europe/Berlin")
    today = timezone.now().astimezone(zone).date()
    monday = today + timedelta(days=14 - today.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone)
    found = selectors.tandem_slots(
        tandem=tandem, length=LENGTH, start=start, end=start + timedelta(days=5)
    ).slots
    return [slot for slot in found if slot.start.astimezone(zone).minute == 0]


def _post_together(url: str, token: str, bodies: list[dict]) -> list[requests.Response]:
    barrier = threading.Barrier(len(bodies))

    def post(body: dict) -> requests.Response:
        headers = {"Authorization": f"Token {token}", "Idempotency-Key": str(uuid.uuid4())}
        barrier.wait(timeout=30)
        return requests.post(url, json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _per_day(tandem) -> Counter:
    zone = ZoneInfo("Europe/Berlin")
    return Counter(
        session.start.astimezone(zone).date()
        for session in Session.objects.filter(tandem=tandem, status__in=Session.ACTIVE)
    )


def test_concurrent_bookings_on_one_day_never_exceed_the_daily_limit(server_url):
    tandem = _limited_tandem(per_day=2, per_week=50)
    token = Token.objects.create(user=tandem.mentee.user).key
    days = {}
    for slot in _weekday_slots(tandem):
        days.setdefault(slot.start.astimezone(ZoneInfo("Europe/Berlin")).date(), []).append(slot)
    bodies = [
        {"tandem": tandem.pk, "start": slot.start.isoformat(), "length": LENGTH}
        for slots in days.values()
        for slot in slots[:4]  # four different free hours a day, for each of five days
    ]
    responses = _post_together(f"{server_url}/api/v1/sessions/", token, bodies)

    _no_server_errors(responses)
    assert Counter(r.status_code for r in responses) == {201: 10, 409: len(bodies) - 10}
    assert set(_per_day(tandem).values()) == {2}


def test_concurrent_bookings_in_one_week_never_exceed_the_weekly_limit(server_url):
    tandem = _limited_tandem(per_day=20, per_week=4)
    token = Token.objects.create(user=tandem.mentee.user).key
    bodies = [
        {"tandem": tandem.pk, "start": slot.start.isoformat(), "length": LENGTH}
        for slot in _weekday_slots(tandem)[::2]  # every other free hour, Monday to Friday
    ][:CONCURRENCY]
    responses = _post_together(f"{server_url}/api/v1/sessions/", token, bodies)

    _no_server_errors(responses)
    assert Counter(r.status_code for r in responses) == {201: 4, 409: len(bodies) - 4}
    assert Session.objects.filter(tandem=tandem, status__in=Session.ACTIVE).count() == 4


def test_concurrent_moves_onto_a_full_day_never_exceed_the_daily_limit(server_url):
    tandem = _limited_tandem(per_day=2, per_week=50)
    token = Token.objects.create(user=tandem.mentee.user).key
    slots = _weekday_slots(tandem)
    monday = slots[0].start.astimezone(ZoneInfo("Europe/Berlin")).date()
    others = [s for s in slots if s.start.astimezone(ZoneInfo("Europe/Berlin")).date() != monday]
    sessions = [
        services.session_book(
            tandem=tandem, start=slot.start, length=LENGTH, by=tandem.mentor.user
        ).session
        for slot in others[::4][:6]  # six sessions, two a day from Tuesday on, none on Monday
    ]
    assert max(_per_day(tandem).values()) <= 2 and monday not in _per_day(tandem)
    barrier = threading.Barrier(len(sessions))
    mondays = [s for s in slots if s.start.astimezone(ZoneInfo("Europe/Berlin")).date() == monday]

    def move(pair) -> requests.Response:
        session, slot = pair
        barrier.wait(timeout=30)
        return requests.post(
            f"{server_url}/api/v1/sessions/{session.uuid}/reschedule/",
            json={"start": slot.start.isoformat(), "reason": "Montag passt besser"},
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        responses = list(pool.map(move, zip(sessions, mondays, strict=False)))

    _no_server_errors(responses)
    assert Counter(r.status_code for r in responses) == {200: 2, 409: len(sessions) - 2}
    assert _per_day(tandem)[monday] == 2


def test_ten_identical_concurrent_moves_change_the_session_once(server_url, mailoutbox):
    tandem = make_active_tandem()
    token = Token.objects.create(user=tandem.mentee.user).key
    first, target = _weekday_slots(tandem)[0], _weekday_slots(tandem)[3]
    session = services.session_book(
        tandem=tandem, start=first.start, length=LENGTH, by=tandem.mentee.user
    ).session
    mailoutbox.clear()
    barrier = threading.Barrier(10)

    def move(_index) -> requests.Response:
        barrier.wait(timeout=30)
        return requests.post(
            f"{server_url}/api/v1/sessions/{session.uuid}/reschedule/",
            json={"start": target.start.isoformat(), "reason": "Später, bitte"},
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(move, range(10)))

    _no_server_errors(responses)
    assert {r.status_code for r in responses} == {200}, [r.text[:300] for r in responses]
    session.refresh_from_db()
    assert (session.start, session.sequence) == (target.start, 1)
    assert session.changes.filter(kind=SessionChange.Kind.RESCHEDULED).count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [tandem.mentor.user.email, tandem.mentee.user.email]
    )
