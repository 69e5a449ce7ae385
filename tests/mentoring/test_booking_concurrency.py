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
from datetime import timedelta

import pytest
import requests
from django.db import connections
from django.utils import timezone
from rest_framework.authtoken.models import Token

from mentoring.models import Session
from mentoring.sessions import selectors
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
