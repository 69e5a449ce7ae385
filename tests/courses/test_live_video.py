"""Live sessions on the shared video layer: tokens (room, affiliation, window) as prosody checks
them, the reservation endpoint's window and occupant cap, and attendance from the server's
occupant events (joins, leaves, reconnects, breakout moves, out of order, duplicates)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.live import services
from courses.live.video import participant_id
from courses.models import LiveAttendance, LiveSessionRegistration
from tests.courses.live_support import learners, make_run, make_session
from tests.factories import UserFactory
from tests.support.jitsi_standin import JitsiStandIn
from tests.support.prosody import prosody_verify

BEARER = "b" * 40
SECRET = "s" * 40
REGISTERED = LiveSessionRegistration.Status.REGISTERED


@pytest.fixture
def run(course):
    return make_run(course, capacity=10)


@pytest.fixture
def jitsi(settings):
    with JitsiStandIn(app_id="tandem", app_secret=SECRET) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.TANDEM_VIDEO_JITSI_API_TOKEN = BEARER
        yield server


def _token(client, session) -> str:
    page = client.get(reverse("courses:live-join", args=[session.uuid])).content.decode()
    return page.split('data-jwt="')[1].split('"')[0]


def _claims(token, session, server, *, room=None, now=None):
    return prosody_verify(
        token,
        app_id="tandem",
        app_secret=SECRET,
        audiences={"jitsi"},
        room=room or session.room_name,
        domain=server.domain,
        now=int((now or timezone.now()).timestamp()),
    )


def test_tokens_for_hosts_registered_and_waiting_learners(client, run, trainer, jitsi):
    session = make_session(run, start=timezone.now() + timedelta(minutes=5), seats=1)
    registered, waiting = learners(run, 2)
    services.live_registration_create(session=session, user=registered)
    services.live_registration_create(session=session, user=waiting)

    client.force_login(trainer)
    host = _claims(_token(client, session), session, jitsi)["context"]["user"]
    assert (host["affiliation"], host["moderator"]) == ("owner", True)

    client.force_login(registered)
    token = _token(client, session)
    member = _claims(token, session, jitsi)["context"]["user"]
    assert (member["affiliation"], member.get("lobby_bypass")) == ("member", True)
    assert member["id"] == participant_id(session, registered.pk)
    assert registered.email not in token
    with pytest.raises(ValueError, match="room"):
        _claims(token, session, jitsi, room="anderer-raum")
    with pytest.raises(ValueError, match="expired"):
        _claims(token, session, jitsi, now=session.end + timedelta(minutes=16))

    client.force_login(waiting)  # a learner of the run without a seat waits in the lobby
    lobby = _claims(_token(client, session), session, jitsi)["context"]["user"]
    assert lobby["affiliation"] == "member" and not lobby.get("lobby_bypass")

    client.force_login(UserFactory())  # not in the run: no room at all
    assert client.get(reverse("courses:live-join", args=[session.uuid])).status_code == 404


def test_no_token_outside_the_window_or_after_cancelling(client, run, trainer, jitsi):
    session = make_session(run, start=timezone.now() + timedelta(hours=3))
    (learner,) = learners(run, 1)
    services.live_registration_create(session=session, user=learner)
    client.force_login(learner)
    page = client.get(reverse("courses:live-join", args=[session.uuid])).content.decode()
    assert 'data-jwt="' not in page
    api = client.get(reverse("courses-api:live-session-join", args=[session.uuid])).json()
    assert api["state"] == "early" and api["jwt"] == ""
    services.live_session_cancel(session=session, by=trainer, reason="fällt aus")
    api = client.get(reverse("courses-api:live-session-join", args=[session.uuid])).json()
    assert api["state"] == "cancelled"


def _reserve(client, session):
    return client.post(
        reverse("video:jitsi-reservation"),
        {"name": f"{session.room_name}@conference.example.org"},
        HTTP_AUTHORIZATION=f"Bearer {BEARER}",
    )


def test_reservation_only_in_the_window_and_capped_at_seats_plus_hosts(client, run, jitsi):
    later = make_session(run, start=timezone.now() + timedelta(hours=2), seats=4)
    assert _reserve(client, later).status_code == 403
    soon = make_session(run, start=timezone.now() + timedelta(minutes=5), seats=4)
    co_host = UserFactory()
    run.trainer = co_host
    run.save()
    answer = _reserve(client, soon)
    assert answer.status_code == 200
    assert answer.json()["max_occupants"] == 4 + 2  # seats + the course's trainer + the run's
    assert answer.json()["lobby"] is True
    over = make_session(run, start=timezone.now() - timedelta(hours=3), seats=4)
    assert _reserve(client, over).status_code == 403


def _occupant(client, session, user, joined, at, *, breakout=""):
    change = "joined" if joined else "left"
    body = {
        "event_name": f"muc-occupant-{change}",
        "room_name": f"{session.room_name}@conference.example.org",
        "occupant": {
            "id": participant_id(session, user.pk),
            "name": "x",
            ("joined_at" if joined else "left_at"): int(at.timestamp()),
        },
    }
    if breakout:
        body.update(is_breakout=True, breakout_room_id=f"{breakout}@breakout.example.org")
    return client.post(
        reverse("video:jitsi-occupant-event", args=[change]),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {BEARER}",
    )


def test_attendance_from_recorded_occupant_event_sequences(client, run, trainer, jitsi):
    start = (timezone.now() - timedelta(minutes=70)).replace(microsecond=0)
    session = make_session(run, start=start, minutes=60)
    a, b, c, d = learners(run, 4)
    m = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
    sequence = [
        # a: a reconnect (the new join arrives before the old leave) and duplicates
        (a, True, m(0), ""),
        (a, True, m(0), ""),
        (a, True, m(20), "x"),
        (a, False, m(21), ""),
        (a, False, m(40), "x"),
        (a, False, m(40), "x"),
        # b: events out of order; 10–30 in the main room, 30–50 in a breakout room
        (b, False, m(50), "table1"),
        (b, True, m(30), "table1"),
        (b, False, m(30), ""),
        (b, True, m(10), ""),
        # c: a leave without a join (the join was lost) counts nothing
        (c, False, m(15), ""),
        # the host is not counted
        (trainer, True, m(0), ""),
    ]
    for user, joined, at, breakout in sequence:
        assert _occupant(client, session, user, joined, at, breakout=breakout).json() == {
            "recorded": True
        }
    stranger = UserFactory()
    assert _occupant(client, session, stranger, True, m(5)).json() == {"recorded": False}
    LiveSessionRegistration.objects.create(session=session, user=d, status=REGISTERED)
    services.live_attendance_compute(session=session)
    minutes = dict(LiveAttendance.objects.filter(session=session).values_list("user_id", "minutes"))
    assert minutes == {a.pk: 40, b.pk: 40, c.pk: 0, d.pk: 0}
    assert trainer.pk not in minutes


def test_someone_still_inside_counts_until_the_scheduled_end(client, run, jitsi):
    start = (timezone.now() - timedelta(minutes=90)).replace(microsecond=0)
    session = make_session(run, start=start, minutes=60)
    (a,) = learners(run, 1)
    _occupant(client, session, a, True, start + timedelta(minutes=30))
    services.live_attendance_compute(session=session)
    attendance = LiveAttendance.objects.get(session=session, user=a)
    assert (attendance.minutes, attendance.share_percent) == (30, 50)
