"""Limits that hold for the whole site, not per process (issue 15): nginx spreads the requests of
one client over two gunicorn app servers with two workers each, and still the login lockout, the
password-reset limit and the booking limit allow what they say once, not once per process. And a
mail server that refuses one recipient for a while holds up no one else: the reminder sweep goes
on, the other recipient gets exactly one reminder, the refused one gets hers once when the server
takes mail again. Bounded in requests and time; 127.0.0.1 only."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
import requests

from tests.topology.conftest import DEMO_PASSWORD, ROOT
from tests.topology.test_mail_faults import (
    MENTOR,
    all_sent_exactly_once,
    base_env,
    csrf,
    delivered,
    django,
    message_id,
    outbox_rows,
    reset_password,
    settled,
    wait_until,
)
from tests.topology.test_topology import forget_counters

pytestmark = pytest.mark.topology


def new_person(topology) -> str:
    """A verified account of its own (so that locking it out disturbs no other test)."""
    address = f"limit-{uuid.uuid4().hex[:10]}@example.org"
    django(
        topology,
        "from django.contrib.auth import get_user_model; "
        "from allauth.account.models import EmailAddress; "
        f"user = get_user_model().objects.create_user(email={address!r}, "
        f"password={DEMO_PASSWORD!r}, first_name='Lena', last_name='Limit'); "
        f"EmailAddress.objects.create(user=user, email={address!r}, verified=True, primary=True); "
        "print(user.pk)",
    )
    return address


def log_in(topology, session: requests.Session, address: str, password: str) -> int:
    url = f"{topology.url}/accounts/login/"
    token = csrf(session.get(url, timeout=60).text)
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token, "login": address, "password": password},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
    ).status_code


def test_the_login_lockout_holds_across_both_app_servers(topology):
    """Five wrong passwords (LOGIN_FAILURE_LIMIT), spread by nginx over four processes, lock the
    account out from this address: the sixth attempt, with the right password, is refused.
    Counted per process, it would take twenty."""
    forget_counters(topology, "*allauth:rl:*")
    address = new_person(topology)
    browser = requests.Session()
    wrong = [log_in(topology, browser, address, "falsch-falsch-1") for _attempt in range(5)]
    right = log_in(topology, browser, address, DEMO_PASSWORD)

    # The form again with its message; the fifth failure reaches the limit and says so.
    assert wrong == [200] * 4 + [429]
    assert right == 429  # the right password too, for the cool-off time
    assert browser.get(f"{topology.url}/me/", allow_redirects=False, timeout=60).status_code == 302
    failures = django(
        topology,
        "from axes.models import AccessAttempt; "
        f"print(list(AccessAttempt.objects.filter(username={address!r})"
        ".values_list('failures_since_start', flat=True)))",
    )
    # One record for the address and 127.0.0.1 (nginx), into which every process counted: the five
    # wrong passwords and the refused attempt.
    assert failures == "[6]"


def test_the_password_reset_limit_holds_across_both_app_servers(topology):
    """Three reset mails an hour per address (allauth's "3/h/key"): the fourth request answers 429
    on whichever app server it lands, and exactly three mails arrive."""
    forget_counters(topology, "*allauth:rl:*")
    address = new_person(topology)
    statuses = [reset_password(topology, address) for _request in range(4)]

    assert statuses == [302, 302, 302, 429]
    rows = [row for row in outbox_rows(topology) if row["to_address"] == address]
    assert len(rows) == 3, rows
    rows = settled(topology, {row["key"] for row in rows})
    all_sent_exactly_once(topology, rows)


def test_the_booking_limit_holds_across_both_app_servers(topology):
    """RATE_BOOKING (30 an hour per person) counts every POST to the booking form, on any app
    server: 32 posts, 30 answered by the form (a time is missing), 2 refused with 429 and Retry-After."""
    forget_counters(topology, "*ratelimit:booking*")
    mentor = topology.login(MENTOR)
    tandem = django(
        topology,
        "from mentoring.models import Tandem; print(Tandem.objects.filter("
        f"status=Tandem.Status.ACTIVE, mentor__user__email={MENTOR!r}).first().pk)",
    )
    url = f"{topology.url}/mentoring/tandems/{tandem}/book/"
    token = csrf(mentor.get(url, timeout=60).text)
    answers = [
        mentor.post(  # no slot chosen: the form answers with its message, nothing is booked
            url,
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=60,
        )
        for _post in range(32)
    ]
    forget_counters(topology, "*ratelimit:booking*")  # later tests book again

    statuses = [answer.status_code for answer in answers]
    assert statuses == [400] * 30 + [429] * 2  # 400: the form says a time must be chosen
    assert int(answers[-1].headers["Retry-After"]) > 0


def due_sessions(topology, count: int) -> dict:
    """``count`` sessions of the demo's active tandem that fall due for the day-before reminder now
    (starting in a few hours, booked days ago), on hours no other session of the tandem holds."""
    code = (
        "import json\n"
        "from datetime import timedelta\n"
        "from django.db import IntegrityError, transaction\n"
        "from django.utils import timezone\n"
        "from mentoring.models import Session, SessionChange, Tandem\n"
        "from mentoring.sessions import selectors, services\n"
        f"tandem = Tandem.objects.filter(status=Tandem.Status.ACTIVE, mentor__user__email={MENTOR!r})"
        ".first()\n"
        "now = timezone.now()\n"
        "slots = selectors.tandem_slots(tandem=tandem, length=60, start=now + timedelta(days=14), "
        "end=now + timedelta(days=80), now=now).slots\n"
        "ids = []\n"
        "offsets = iter(timedelta(hours=2 + index * 1.25, minutes=41) for index in range(14))\n"
        "for slot in slots:\n"
        f"    if len(ids) == {count}: break\n"
        "    try: session = services.session_book(tandem=tandem, start=slot.start, length=60, "
        "by=tandem.mentee.user).session\n"
        "    except Exception: continue\n"
        "    for offset in offsets:\n"
        "        start = now + offset; end = start + timedelta(hours=1)\n"
        "        try:\n"
        "            with transaction.atomic():\n"
        "                Session.objects.filter(pk=session.pk).update(\n"
        "                    start=start, end=end, blocked_from=start, blocked_until=end)\n"
        "            ids.append(session.pk); break\n"
        "        except IntegrityError: continue\n"
        "SessionChange.objects.filter(session_id__in=ids).update(at=now - timedelta(days=3))\n"
        "print(json.dumps({'ids': ids}))"
    )
    return json.loads(django(topology, code))


def reminder_rows(topology, prefixes: tuple[str, ...]) -> list[dict]:
    code = (
        "import json; from cms.models import OutgoingMail as M; "
        "print(json.dumps(list(M.objects.values('key', 'to_address', 'status', 'attempts', "
        "'last_error'))))"
    )
    return [row for row in json.loads(django(topology, code)) if row["key"].startswith(prefixes)]


def test_one_recipient_refused_for_a_while_the_other_gets_one_reminder_and_the_sweep_goes_on(
    topology,
):
    """The mail server refuses the mentee temporarily (451) while two sessions fall due: the sweep
    records all four reminders, the mentor gets each of hers exactly once at once, the mentee's
    wait and are retried; when the server takes her mail again, she gets each exactly once too."""
    people = json.loads(
        django(
            topology,
            "import json; from mentoring.models import Tandem; tandem = Tandem.objects.filter("
            f"status=Tandem.Status.ACTIVE, mentor__user__email={MENTOR!r}).first(); "
            "print(json.dumps([tandem.mentee.user.email, tandem.mentor.user.email]))",
        )
    )
    mentee, mentor = (address.lower() for address in people)
    refusals = topology.state / "smtp-refusals"
    refusals.write_text(f"{mentee} 451 4.2.1 Mailbox busy, try later\n")
    made = due_sessions(topology, 2)  # the periodic sweep may find them first: the sink refuses
    assert len(made["ids"]) == 2, made
    prefixes = tuple(f"reminder:{pk}:" for pk in made["ids"])
    try:
        subprocess.run(
            [sys.executable, "manage.py", "session_reminders"],
            cwd=ROOT,
            env=base_env(topology),
            capture_output=True,
            check=True,
            timeout=120,
        )
        rows: list[dict] = []

        def mentor_sent_mentee_refused() -> bool:
            nonlocal rows
            rows = reminder_rows(topology, prefixes)
            to_mentee = [row for row in rows if row["to_address"].lower() == mentee]
            to_mentor = [row for row in rows if row["to_address"].lower() == mentor]
            return (
                len(rows) == 4
                and all(row["status"] == "sent" for row in to_mentor)
                and all(row["attempts"] >= 1 for row in to_mentee)
            )

        assert wait_until(mentor_sent_mentee_refused, seconds=120, step=2), rows
        counts = delivered(topology)
        for row in rows:
            expected = 1 if row["to_address"].lower() == mentor else 0
            assert counts[message_id(topology, row["key"])] == expected, row
            if row["to_address"].lower() == mentee:
                assert "451" in row["last_error"], row
                assert row["status"] in ("pending", "sending"), row  # waiting, not given up
    finally:
        refusals.unlink(missing_ok=True)
    rows = settled(topology, {row["key"] for row in rows})
    assert len(rows) == 4
    all_sent_exactly_once(topology, rows)  # the mentor's not doubled by the mentee's retries
