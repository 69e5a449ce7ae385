"""Mail and bookings through the faults of a real day (issue 15), on the running topology: the SMTP
sink down while people book, sign up and reset passwords; a worker killed in the middle of a
reminder sweep; an app server killed during a burst of bookings; Redis restarted. Every mail is
checked against the sink's Maildir by its Message-ID (derived from the outbox's idempotency key):
each arrives exactly once. Bounded in requests and time; 127.0.0.1 only."""

from __future__ import annotations

import datetime
import email
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from tests.topology.conftest import ROOT, load_ops

pytestmark = pytest.mark.topology

MENTOR = "mentorin@musterverband.example"  # in the demo's active tandem (her mentee confirms)
LEARNER = "lernende@musterverband.example"


def wait_until(condition, seconds: float = 60.0, step: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ops_for(topology):
    ops = load_ops()
    ops.STATE = topology.state
    return ops


def base_env(topology) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    return {**inherited, **topology.env}


def start(topology, name: str, argv: list[str]) -> None:
    ops_for(topology).start(name, argv, base_env(topology))


def stop(topology, name: str, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(topology.pid(name), sig)
    except ProcessLookupError:
        pass


def django(topology, code: str) -> str:
    """Run Python in Django with the topology's settings and database; its last printed line."""
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-v", "0", "-c", code],
        cwd=ROOT,
        env=base_env(topology),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def outbox_rows(topology) -> list[dict]:
    return json.loads(
        django(
            topology,
            "import json; from cms.models import OutgoingMail as M; "
            "print(json.dumps(list(M.objects.values('key', 'to_address', 'status', 'template'))))",
        )
    )


def message_id(topology, key: str) -> str:
    host = urlsplit(topology.url).hostname
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{host}>"


def delivered(topology) -> Counter:
    """Message-IDs of the mails in the sink's Maildir, counted."""
    found: Counter = Counter()
    for folder in ("new", "cur"):
        path = topology.state / "mail" / folder
        for item in path.glob("*") if path.exists() else ():
            with open(item, "rb") as handle:
                found[email.message_from_binary_file(handle)["Message-ID"]] += 1
    return found


def all_sent_exactly_once(topology, rows: list[dict]) -> None:
    counts = delivered(topology)
    assert all(row["status"] == "sent" for row in rows), rows
    assert [row["key"] for row in rows if counts[message_id(topology, row["key"])] != 1] == []
    doubled = [mid for mid, count in counts.items() if count > 1]
    assert doubled == []


def settled(topology, keys: set[str] | None = None):
    """Wait until every mail of the outbox (or those with ``keys``) is sent; the rows."""
    rows: list[dict] = []

    def done() -> bool:
        nonlocal rows
        rows = [row for row in outbox_rows(topology) if keys is None or row["key"] in keys]
        return bool(rows) and all(row["status"] in ("sent", "failed") for row in rows)

    assert wait_until(done, seconds=150, step=2), rows
    return rows


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def booking_page(
    topology, session: requests.Session, weeks_ahead: int = 0
) -> tuple[str, str, list[str], str]:
    tandem = django(
        topology,
        "from mentoring.models import Tandem; print(Tandem.objects.filter("
        f"status=Tandem.Status.ACTIVE, mentor__user__email={MENTOR!r}).first().pk)",
    ).strip()
    url = f"{topology.url}/mentoring/tandems/{tandem}/book/"
    day = (
        datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(weeks=weeks_ahead)
    ).isoformat()
    page = session.get(url, params={"from": day}, timeout=60).text
    slots = re.findall(r'name="slot" value="([^"]+)"', page)
    length = re.search(r'type="hidden" name="length" value="(\d+)"', page).group(1)
    assert slots, "the demo mentor offers free slots"
    return url, csrf(page), slots, length


def book(topology, session, url, token, slot, length, key) -> int:
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token, "slot": slot, "length": length, "key": key},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
    ).status_code


def sign_up(topology, address: str) -> int:
    session = requests.Session()
    url = f"{topology.url}/accounts/signup/"
    token = csrf(session.get(url, timeout=60).text)
    return session.post(
        url,
        data={
            "csrfmiddlewaretoken": token,
            "first_name": "Petra",
            "last_name": "Probe",
            "email": address,
            "password1": "ein-langes-Passwort-7",
            "password2": "ein-langes-Passwort-7",
        },
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
    ).status_code


def reset_password(topology, address: str) -> int:
    session = requests.Session()
    url = f"{topology.url}/accounts/password/reset/"
    token = csrf(session.get(url, timeout=60).text)
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token, "email": address},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
    ).status_code


def sessions_at(topology, starts: list[str]) -> dict[str, int]:
    """How many sessions (any status) start at each of ``starts`` (ISO moments)."""
    code = (
        "import json; from django.utils.dateparse import parse_datetime; "
        "from mentoring.models import Session; "
        f"starts = {starts!r}; "
        "print(json.dumps({s: Session.objects.filter(start=parse_datetime(s)).count() "
        "for s in starts}))"
    )
    return json.loads(django(topology, code))


def test_smtp_down_book_sign_up_reset_no_500_and_every_mail_arrives_once_when_it_is_back(
    topology,
):
    mentee = topology.login(MENTOR)
    url, token, slots, length = booking_page(topology, mentee)
    stop(topology, "smtp")
    assert wait_until(lambda: not port_open(topology.ports["smtp"]), seconds=20)
    try:
        booked = book(topology, mentee, url, token, slots[0], length, uuid.uuid4().hex)
        address = f"petra-{uuid.uuid4().hex[:8]}@example.org"
        signed_up = sign_up(topology, address)
        reset = reset_password(topology, LEARNER)
        assert (booked, signed_up, reset) == (302, 302, 302)
        assert sessions_at(topology, [slots[0]]) == {slots[0]: 1}  # the booking is kept
        rows = outbox_rows(topology)
        waiting = {row["to_address"] for row in rows if row["status"] != "sent"}
        assert {address, LEARNER} <= waiting  # recorded, not lost
        assert any(
            row["template"].startswith("mentoring/emails/session_") and row["status"] != "sent"
            for row in rows
        )
    finally:
        start(topology, "smtp", ops_for(topology).smtp_argv(topology.ports))
        ops_for(topology).wait_for_port(topology.ports["smtp"], "SMTP sink")
    all_sent_exactly_once(topology, settled(topology))


def test_worker_killed_in_a_reminder_sweep_each_reminder_arrives_exactly_once(topology):
    """Three sessions fall due for their day-before reminder; the sweep and the queue's worker are
    killed with SIGKILL while they record and send, then started again."""
    stop(topology, "scheduler", signal.SIGKILL)
    made = django(
        topology,
        "from datetime import timedelta; from django.utils import timezone; "
        "from mentoring.models import Session, SessionChange, Tandem; "
        "from mentoring.sessions import selectors, services; "
        "tandem = Tandem.objects.filter(status=Tandem.Status.ACTIVE).first(); now = timezone.now(); "
        "slots = selectors.tandem_slots(tandem=tandem, length=60, start=now, "
        "end=now + timedelta(days=60), now=now).slots; ids = []\n"
        "for slot in slots:\n"
        "    if len(ids) == 3: break\n"
        "    try: ids.append(services.session_book(tandem=tandem, start=slot.start, length=60, "
        "by=tandem.mentee.user).session.pk)\n"
        "    except Exception: pass\n"
        # Due for the day-before reminder now: starting in 3, 5 and 7 hours, booked days ago.
        "for index, pk in enumerate(ids):\n"
        "    start = now + timedelta(hours=3 + 2 * index, minutes=7)\n"
        "    end = start + timedelta(hours=1)\n"
        "    Session.objects.filter(pk=pk).update(\n"
        "        start=start, end=end, blocked_from=start, blocked_until=end)\n"
        "SessionChange.objects.filter(session_id__in=ids).update(at=now - timedelta(days=3))\n"
        "print(','.join(map(str, ids)))",
    ).strip()
    sessions = made.split(",") if made else []
    assert len(sessions) == 3, made
    sweep = subprocess.Popen(
        [sys.executable, "manage.py", "session_reminders"],
        cwd=ROOT,
        env=base_env(topology),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    prefixes = tuple(f"reminder:{pk}:" for pk in sessions)
    # Kill both as soon as the first reminder is on record (mid-sweep), or after 20 s at the latest.
    wait_until(
        lambda: any(row["key"].startswith(prefixes) for row in outbox_rows(topology)),
        seconds=20,
        step=0.2,
    )
    os.killpg(sweep.pid, signal.SIGKILL)
    stop(topology, "worker", signal.SIGKILL)
    stop(topology, "outbox", signal.SIGKILL)
    sweep.wait(timeout=30)
    ops = ops_for(topology)
    start(topology, "worker", ops.worker_argv())
    start(topology, "outbox", ops.outbox_argv())
    start(topology, "scheduler", [sys.executable, "manage.py", "session_reminders", "--every", "5"])
    expected = 2 * len(sessions)  # the day-before reminder, to mentee and mentor of each session

    def reminders() -> list[dict]:
        return [row for row in outbox_rows(topology) if row["key"].startswith(prefixes)]

    assert wait_until(lambda: len(reminders()) == expected, seconds=90, step=2), reminders()
    rows = settled(topology, {row["key"] for row in reminders()})
    assert len(rows) == expected
    all_sent_exactly_once(topology, rows)
    stop(topology, "scheduler")
    start(
        topology, "scheduler", [sys.executable, "manage.py", "session_reminders", "--every", "60"]
    )


def test_an_app_server_killed_during_a_burst_of_bookings_loses_and_doubles_none(topology):
    """Six bookings on different days, posted in parallel while one app server is killed; a
    booking whose answer was lost is sent again with its key, as a browser's retry would."""
    mentee = topology.login(MENTOR)
    url, token, slots, length = booking_page(topology, mentee, weeks_ahead=3)
    days: dict[str, str] = {}
    for slot in slots:
        days.setdefault(slot[:10], slot)
    wanted = list(days.values())[:6]
    keys = {slot: uuid.uuid4().hex for slot in wanted}

    def attempt(slot: str) -> list[int]:
        statuses = []
        for _try in range(4):
            statuses.append(book(topology, mentee, url, token, slot, length, keys[slot]))
            if statuses[-1] in (200, 302):
                break
            time.sleep(1)
        return statuses

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(attempt, slot) for slot in wanted]
        time.sleep(0.3)
        os.killpg(topology.pid("app1"), signal.SIGKILL)
        answers = {slot: future.result() for slot, future in zip(wanted, futures, strict=True)}
    try:
        assert not [s for s in answers.values() if 500 in s], answers
        booked = [slot for slot, statuses in answers.items() if statuses[-1] == 302]
        assert booked, answers
        counts = sessions_at(topology, wanted)
        assert {slot: counts[slot] for slot in booked} == dict.fromkeys(booked, 1)  # none doubled
        refused = [slot for slot in wanted if slot not in booked]  # e.g. the mentor's week is full
        assert {slot: counts[slot] for slot in refused} == dict.fromkeys(refused, 0)
    finally:
        ops = ops_for(topology)
        start(topology, "app1", ops.app_server_argv(topology.ports, "app1"))
        ops.wait_for_port(topology.ports["app1"], "app1")


def test_redis_down_a_booking_still_answers_and_its_mail_goes_out_later(topology):
    mentee = topology.login(MENTOR)
    url, token, slots, length = booking_page(topology, mentee, weeks_ahead=6)
    before = {row["key"] for row in outbox_rows(topology)}
    stop(topology, "redis", signal.SIGKILL)
    try:
        status = book(topology, mentee, url, token, slots[-1], length, uuid.uuid4().hex)
        assert status in (200, 302)  # booked, or refused by a limit: never 500
        assert requests.get(f"{topology.url}/", timeout=60).status_code == 200
    finally:
        ops = ops_for(topology)
        start(topology, "redis", ops.redis_argv(topology.ports))
        ops.wait_for_port(topology.ports["redis"], "redis")
    if status == 302:
        new = {row["key"] for row in outbox_rows(topology)} - before
        assert new  # recorded although the queue was down
        all_sent_exactly_once(topology, settled(topology, new))
