"""Room kinds: the video server's endpoints answer from the kind that owns a room, and kinds that
keep events get attendance intervals (video.rooms, video.webhooks, video.selectors)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from video import selectors
from video.join import join_info
from video.models import OccupantEvent
from video.rooms import (
    MEMBER,
    OWNER,
    OccupantChange,
    Refusal,
    Reservation,
    RoomKind,
    Seat,
    register_room_kind,
    unregister_room_kind,
)

BEARER = {"HTTP_AUTHORIZATION": "Bearer prosody-secret"}


class WorkshopRooms(RoomKind):
    """A test kind: room "werkstatt" is open for an hour from ``opens``, for 5 people."""

    name = "test-workshop"
    keep_events = True
    opens = None
    known = {"p-1", "p-2"}

    def reservation(self, room, *, now):
        if room != "werkstatt":
            return None
        if not self.opens <= now < self.opens + timedelta(hours=1):
            return Refusal("Die Werkstatt ist geschlossen.")
        return Reservation(id=7, closes=self.opens + timedelta(hours=1), max_occupants=5)

    def occupant_changed(self, change):
        if change.room != "werkstatt":
            return None
        return change.participant in self.known


@pytest.fixture
def workshop(settings):
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = "prosody-secret"
    kind = WorkshopRooms()
    kind.opens = timezone.now() - timedelta(minutes=5)
    register_room_kind(kind)
    yield kind
    unregister_room_kind(kind.name)


def reserve(client, room):
    return client.post(reverse("video:jitsi-reservation"), {"name": room}, **BEARER)


def occupant(client, change, room, who, when):
    return client.post(
        reverse("video:jitsi-occupant-event", args=[change]),
        {
            "event_name": f"muc-occupant-{change}",
            "room_name": f"{room}@conference.meet.example.org",
            "occupant": {"id": who, "name": "Lea", f"{change}_at": int(when.timestamp())},
        },
        content_type="application/json",
        **BEARER,
    )


def test_the_kind_that_owns_a_room_answers_the_reservation(client, workshop, db):
    admitted = reserve(client, "werkstatt@conference.meet.example.org")
    assert admitted.status_code == 200
    body = admitted.json()
    assert body["id"] == 7 and body["max_occupants"] == 5 and body["lobby"] is True
    started = datetime.strptime(body["start_time"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
    closes = workshop.opens + timedelta(hours=1)
    assert abs((started + timedelta(seconds=body["duration"]) - closes).total_seconds()) <= 2
    workshop.opens = timezone.now() + timedelta(hours=1)
    refused = reserve(client, "werkstatt")
    assert (
        refused.status_code == 403 and refused.json()["message"] == "Die Werkstatt ist geschlossen."
    )
    unknown = reserve(client, "niemandsraum")
    assert unknown.status_code == 403 and "nicht bekannt" in unknown.json()["message"]


def test_known_occupants_events_are_kept_once_and_give_intervals(client, workshop, db):
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=30)
    assert occupant(client, "joined", "werkstatt", "p-1", start).json() == {"recorded": True}
    assert occupant(client, "joined", "werkstatt", "p-1", start).json() == {"recorded": True}
    assert occupant(client, "left", "werkstatt", "p-1", start + timedelta(minutes=20)).json()
    assert occupant(client, "joined", "werkstatt", "fremd", start).json() == {"recorded": False}
    assert occupant(client, "joined", "anderswo", "p-1", start).json() == {"recorded": False}
    assert OccupantEvent.objects.count() == 2  # the repeat is kept once, strangers not at all
    found = selectors.room_attendance(kind="test-workshop", room="werkstatt")
    assert [i.seconds for i in found["p-1"]] == [20 * 60]


def test_a_kind_without_a_name_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        register_room_kind(RoomKind())


def seat(affiliation, user=None):
    now = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    return Seat(
        participant_id="p-1",
        display_name="Lea",
        affiliation=affiliation,
        opens=now - timedelta(minutes=10),
        closes=now + timedelta(hours=1),
        user=user,
    ), now


def test_an_unconfigured_server_tells_participants_plainly_and_operators_by_mail(settings, db):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = ""
    admin = UserFactory(is_superuser=True, is_staff=True, email="betrieb@example.org")
    guest_seat, now = seat(MEMBER)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda f, *a, **k: f())
        info = join_info(room="r", seat=guest_seat, start=now, end=now, state=None, now=now)
        again = join_info(room="r", seat=guest_seat, start=now, end=now, now=now)
    assert info.state == "unconfigured" and info.setup_hint == "" and again.setup_hint == ""
    assert [m.to for m in mail.outbox] == [["betrieb@example.org"]]  # once a day, not per visit
    assert "JITSI_DOMAIN" in mail.outbox[0].body
    operator_seat, now = seat(OWNER, user=admin)
    info = join_info(room="r", seat=operator_seat, start=now, end=now, now=now)
    assert "JITSI_DOMAIN" in info.setup_hint and info.affiliation == OWNER


def test_a_seat_outside_its_window_gets_no_token(settings):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org"
    settings.TANDEM_VIDEO_JITSI_APP_ID, settings.TANDEM_VIDEO_JITSI_APP_SECRET = "t", "s" * 40
    member, now = seat(MEMBER)
    early = join_info(
        room="r", seat=member, start=now, end=now, now=member.opens - timedelta(seconds=1)
    )
    late = join_info(room="r", seat=member, start=now, end=now, now=member.closes)
    assert (early.state, early.token, late.state, late.token) == ("early", "", "closed", "")
    assert OccupantChange(room="r").at is None
