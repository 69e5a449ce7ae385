"""Rooms for team meetings and counselling: who gets which token for which room and when
(checked by the independent verifier of prosody's rules), guest links from invitation to
revocation, and the video server's questions about these rooms."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cms import privacy
from tests.factories import UserFactory
from tests.support.prosody import prosody_verify
from video import meetings
from video.models import RoomInvitation, VideoRoom

SECRET = "g" * 40


@pytest.fixture
def jitsi(settings):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org"
    settings.TANDEM_VIDEO_JITSI_APP_ID = "tandem"
    settings.TANDEM_VIDEO_JITSI_APP_SECRET = SECRET
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = "prosody-secret"


def host_user():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="host_rooms"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def verify(token, room, at):
    return prosody_verify(
        token,
        app_id="tandem",
        app_secret=SECRET,
        audiences={"jitsi"},
        room=room,
        domain="meet.example.org",
        now=int(at.timestamp()),
    )


@pytest.fixture
def team(db):
    host, colleague = host_user(), UserFactory()
    start = timezone.now() + timedelta(minutes=5)
    room = meetings.room_create(
        host=host,
        kind=VideoRoom.Kind.TEAM,
        title="Teamrunde",
        dates=meetings.weekly_dates(start, 60, 1),
        colleagues=[colleague],
    )
    return room, host, colleague


def test_only_people_with_the_permission_create_rooms_and_counselling_takes_no_colleagues(db):
    from cms.errors import ServiceError

    start = timezone.now()
    with pytest.raises(ServiceError):
        meetings.room_create(
            host=UserFactory(), kind="team", title="x", dates=[(start, start + timedelta(hours=1))]
        )
    with pytest.raises(ServiceError):
        meetings.room_create(
            host=host_user(),
            kind="counselling",
            title="Beratung",
            dates=[(start, start + timedelta(hours=1))],
            colleagues=[UserFactory()],
        )
    with pytest.raises(ServiceError):
        meetings.room_create(host=host_user(), kind="team", title="x", dates=[])


def test_host_gets_an_owner_token_colleagues_member_tokens_for_this_room_in_its_window(
    client, team, jitsi
):
    room, host, colleague = team
    tokens = {}
    for person in (host, colleague):
        client.force_login(person)
        page = client.get(reverse("video:room-join", args=[room.uuid])).content.decode()
        assert 'id="jitsi-room"' in page
        tokens[person.pk] = page.split('data-jwt="', 1)[1].split('"', 1)[0]
    date = room.dates.first()
    owner = verify(tokens[host.pk], room.room_name, date.start)["context"]["user"]
    member = verify(tokens[colleague.pk], room.room_name, date.start)["context"]["user"]
    assert owner["affiliation"] == "owner" and owner["moderator"] is True
    assert member["affiliation"] == "member" and member["lobby_bypass"] is True
    with pytest.raises(ValueError, match="room"):
        verify(tokens[colleague.pk], "anderer-raum", date.start)
    with pytest.raises(ValueError, match="expired"):
        verify(tokens[colleague.pk], room.room_name, date.end + timedelta(minutes=15))
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("video:room-join", args=[room.uuid])).status_code == 404
    assert client.get(reverse("video:room", args=[room.uuid])).status_code == 404


def test_a_guest_link_from_invitation_to_revocation(client, team, jitsi):
    room, host, _colleague = team
    client.force_login(host)
    made = client.post(reverse("video:room", args=[room.uuid]), {"label": "A. K.", "days": 3})
    assert made.status_code == 201
    link = (
        made.content.decode()
        .split('id="new-link" size="60"', 1)[0]
        .rsplit('value="', 1)[1]
        .split('"')[0]
    )
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = RoomInvitation.objects.get()
    assert token not in (invitation.token_hash, invitation.label)  # only the hash is stored
    assert invitation.token_hash == meetings.token_hash(token)

    guest = client_class = type(client)()
    invite = guest.get(reverse("video:invite", args=[token])).content.decode()
    assert "Nichts wird aufgezeichnet" in invite and "Teamrunde" in invite
    assert guest.post(reverse("video:invite", args=[token]), {"name": "  "}).status_code == 400
    entered = guest.post(reverse("video:invite", args=[token]), {"name": "Kim"})
    assert entered.status_code == 302 and entered["Location"] == reverse(
        "video:guest-join", args=[token]
    )
    page = guest.get(entered["Location"]).content.decode()
    jwt = page.split('data-jwt="', 1)[1].split('"', 1)[0]
    claims = verify(jwt, room.room_name, room.dates.first().start)["context"]["user"]
    assert (
        claims["name"] == "Kim"
        and claims["affiliation"] == "member"
        and "lobby_bypass" not in claims
    )
    assert "Warteraum" in page

    # the reservation admits host, colleague and the one guest; a revoked link lowers the cap
    reserve = lambda: client.post(  # noqa: E731
        reverse("video:jitsi-reservation"),
        {"name": room.room_name},
        HTTP_AUTHORIZATION="Bearer prosody-secret",
    )
    answer = reserve()
    assert (
        answer.status_code == 200
        and answer.json()["max_occupants"] == 3
        and answer.json()["lobby"] is True
    )

    confirm = client.get(reverse("video:invitation-revoke", args=[room.uuid, invitation.pk]))
    assert confirm.status_code == 200 and RoomInvitation.objects.get().revoked_at is None
    client.post(reverse("video:invitation-revoke", args=[room.uuid, invitation.pk]))
    assert RoomInvitation.objects.get().revoked_at is not None
    for url in (reverse("video:invite", args=[token]), reverse("video:guest-join", args=[token])):
        refused = guest.get(url)
        assert refused.status_code == 410 and "zurückgenommen" in refused.content.decode()
    assert reserve().json()["max_occupants"] == 2
    unknown = client_class.get(reverse("video:invite", args=["erfunden"]))
    assert unknown.status_code == 404


def test_an_expired_link_is_refused_and_guest_tokens_end_with_the_link(team, jitsi, client):
    room, host, _ = team
    invitation, token = meetings.invitation_create(room=room, by=host, days=1)
    seat, _date = meetings.guest_seat(invitation, "Kim", timezone.now())
    assert seat.closes <= invitation.expires_at
    RoomInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    refused = client.get(reverse("video:invite", args=[token]))
    assert refused.status_code == 410 and "abgelaufen" in refused.content.decode()


def test_counselling_admits_host_plus_invited_guests_and_nobody_else(db, jitsi):
    host = host_user()
    now = timezone.now()
    room = meetings.room_create(
        host=host, kind="counselling", title="Beratung", dates=[(now, now + timedelta(hours=1))]
    )
    kind = meetings.MeetingRooms()
    assert kind.reservation(room.room_name, now=now).max_occupants == 1
    meetings.invitation_create(room=room, by=host)
    assert kind.reservation(room.room_name, now=now).max_occupants == 2
    later = kind.reservation(room.room_name, now=now + timedelta(hours=2))
    assert "nur" in later.message or "only" in later.message
    assert kind.reservation("fremd", now=now) is None


def test_only_the_host_invites_and_revokes(team, client):
    room, host, colleague = team
    invitation, _token = meetings.invitation_create(room=room, by=host)
    client.force_login(colleague)
    assert (
        client.get(reverse("video:invitation-revoke", args=[room.uuid, invitation.pk])).status_code
        == 404
    )
    assert client.post(reverse("video:room", args=[room.uuid]), {"days": 3}).status_code == 404
    assert client.get(reverse("video:room-edit", args=[room.uuid])).status_code == 404
    assert client.get(reverse("video:room-create")).status_code == 403


def test_the_host_creates_and_changes_a_room_through_the_pages(client, db):
    host, colleague = host_user(), UserFactory(is_staff=True)
    client.force_login(host)
    assert "Sie haben noch keine Räume" in client.get(reverse("video:rooms")).content.decode()
    form = client.get(reverse("video:room-create")).content.decode()
    assert colleague.get_full_name() in form
    start = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        reverse("video:room-create"),
        {"kind": "team", "title": "", "start": "morgen", "minutes": 60, "repeat": 0},
    )
    assert bad.status_code == 400
    made = client.post(
        reverse("video:room-create"),
        {
            "kind": "team",
            "title": "Dienstbesprechung",
            "start": start,
            "minutes": 45,
            "repeat": 3,
            "colleagues": [colleague.pk],
        },
    )
    room = VideoRoom.objects.get()
    assert (
        made.status_code == 302
        and room.dates.count() == 4
        and list(room.colleagues.all()) == [colleague]
    )
    changed = client.post(
        reverse("video:room-edit", args=[room.uuid]),
        {"title": "Dienstbesprechung neu", "start": start, "minutes": 30, "repeat": 0},
    )
    room.refresh_from_db()
    assert (
        changed.status_code == 302
        and room.title == "Dienstbesprechung neu"
        and room.dates.count() == 1
    )
    assert "Dienstbesprechung neu" in client.get(reverse("video:rooms")).content.decode()


def test_the_room_list_needs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    host = host_user()
    client.force_login(host)
    now = timezone.now()
    for index in range(3):
        meetings.room_create(
            host=host, kind="team", title=f"R{index}", dates=[(now, now + timedelta(hours=1))]
        )
    with django_assert_max_num_queries(QUERIES_ROOM_LIST) as first:
        client.get(reverse("video:rooms"))
    for index in range(3):
        meetings.room_create(
            host=host, kind="team", title=f"S{index}", dates=[(now, now + timedelta(hours=1))]
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("video:rooms"))


QUERIES_ROOM_LIST = 15


def test_the_api_creates_rooms_makes_guest_links_once_and_revokes_them(db, jitsi):
    from rest_framework.test import APIClient

    host, outsider = host_user(), UserFactory()
    api = APIClient()
    api.force_authenticate(outsider)
    body = {
        "kind": "counselling",
        "title": "Sprechstunde",
        "dates": [{"start": "2027-05-04T10:00:00Z", "end": "2027-05-04T11:00:00Z"}],
    }
    assert api.post("/api/v1/video-rooms/", body, format="json").status_code == 403
    api.force_authenticate(host)
    assert api.post("/api/v1/video-rooms/", {**body, "dates": []}, format="json").status_code == 400
    made = api.post("/api/v1/video-rooms/", body, format="json")
    assert made.status_code == 201 and made.json()["kind"] == "counselling"
    uuid = made.json()["uuid"]
    link = api.post(
        f"/api/v1/video-rooms/{uuid}/invitations/", {"label": "K.", "days": 2}, format="json"
    )
    assert link.status_code == 201 and "/video/invite/" in link.json()["url"]
    listed = api.get(f"/api/v1/video-rooms/{uuid}/invitations/").json()
    assert listed[0]["state"] == "valid" and "url" not in listed[0]
    revoked = api.post(f"/api/v1/video-rooms/{uuid}/invitations/{listed[0]['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/video-rooms/{uuid}/").status_code == 404
    schema = APIClient().get("/api/v1/schema/").content.decode()
    assert "/api/v1/video-rooms/{uuid}/invitations/" in schema


def _ics(message) -> str:
    content = message.attachments[0][1]
    return content.decode() if isinstance(content, bytes) else content


def test_colleagues_are_invited_by_email_with_a_calendar_file_guests_only_through_the_host(
    db, jitsi, django_capture_on_commit_callbacks
):
    from django.core import mail

    host = host_user()
    anna, ben, carla = (
        UserFactory(first_name=name, last_name="Kollegin") for name in ("Anna", "Ben", "Carla")
    )
    start = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        room = meetings.room_create(
            host=host,
            kind=VideoRoom.Kind.TEAM,
            title="Dienstbesprechung",
            dates=meetings.weekly_dates(start, 45, 0),
            colleagues=[anna, ben],
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([anna.email, ben.email])
    to_anna = next(m for m in mail.outbox if m.to == [anna.email])
    assert "Dienstbesprechung" in to_anna.subject
    assert reverse("video:room", args=[room.uuid]) in to_anna.body
    assert "method=REQUEST" in to_anna.attachments[0][2]
    assert "METHOD:REQUEST" in _ics(to_anna) and "SUMMARY:Dienstbesprechung" in _ics(to_anna)

    # A guest link sends nothing: the host passes it on.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.invitation_create(room=room, by=host, label="Herr K.")
    assert mail.outbox == []

    # Weekly from now on, Ben taken off, Carla added: Anna gets the new dates, Ben the
    # cancellation, Carla the invitation.
    with django_capture_on_commit_callbacks(execute=True):
        meetings.room_update(
            room=room,
            by=host,
            title="Dienstbesprechung",
            dates=meetings.weekly_dates(start, 45, 2),
            colleagues=[anna, carla],
        )
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {anna.email, ben.email, carla.email}
    assert "METHOD:CANCEL" in _ics(by_person[ben.email])
    assert _ics(by_person[anna.email]).count("BEGIN:VEVENT") == 3
    assert _ics(by_person[carla.email]).count("BEGIN:VEVENT") == 3
    assert "Dienstbesprechung" in by_person[carla.email].subject


def test_my_area_lists_the_rooms_one_hosts_or_is_invited_to_with_the_way_in(client, db):
    """/me/: a host without rooms is shown how to create one; host and colleague see the room
    with its link, straight into the room while it is open; people without rooms see nothing."""
    host, colleague, other = host_user(), UserFactory(), UserFactory()
    client.force_login(host)
    page = client.get(reverse("me")).content.decode()
    assert "Meine Videoräume" in page and reverse("video:room-create") in page
    now = timezone.now()
    open_now = meetings.room_create(
        host=host,
        kind=VideoRoom.Kind.TEAM,
        title="Teamrunde",
        dates=[(now + timedelta(minutes=5), now + timedelta(minutes=65))],
        colleagues=[colleague],
    )
    next_week = meetings.room_create(
        host=host,
        kind=VideoRoom.Kind.COUNSELLING,
        title="Beratung",
        dates=meetings.weekly_dates(now + timedelta(days=7), 60, 0),
    )
    meetings.room_create(
        host=host,
        kind=VideoRoom.Kind.TEAM,
        title="Vorbei",
        dates=[(now - timedelta(days=2), now - timedelta(days=2) + timedelta(hours=1))],
    )
    page = client.get(reverse("me")).content.decode()
    assert reverse("video:room-join", args=[open_now.uuid]) in page
    assert reverse("video:room", args=[next_week.uuid]) in page and "Beratung" in page
    assert "Vorbei" not in page
    client.force_login(colleague)
    page = client.get(reverse("me")).content.decode()
    assert reverse("video:room-join", args=[open_now.uuid]) in page
    assert reverse("video:room", args=[next_week.uuid]) not in page
    client.force_login(other)
    assert "Meine Videoräume" not in client.get(reverse("me")).content.decode()


def test_my_area_needs_the_same_queries_for_more_rooms(client, db, django_assert_max_num_queries):
    host, colleague = host_user(), UserFactory()
    now = timezone.now()

    def rooms(prefix):
        for index in range(3):
            meetings.room_create(
                host=host,
                kind="team",
                title=f"{prefix}{index}",
                dates=meetings.weekly_dates(now + timedelta(days=index), 60, 2),
                colleagues=[colleague],
            )

    rooms("R")
    client.force_login(colleague)
    client.get(reverse("me"))  # warm: site, settings, content types
    with django_assert_max_num_queries(QUERIES_MY_AREA) as first:
        assert client.get(reverse("me")).status_code == 200
    rooms("S")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("me")).status_code == 200


QUERIES_MY_AREA = 30


def test_a_colleagues_rooms_are_in_her_export_and_erasing_her_removes_her_from_them(team):
    """The colleagues of a room are personal data of each colleague: her export names the rooms
    she was invited to; erasing her account takes her out of them and leaves the host's room."""

    room, host, colleague = team
    sections = {section["model"]: section for section in privacy.export_person(colleague)}
    invited = sections["video.VideoRoom.colleagues"]
    assert invited["rows"] == [{"id": room.pk, "colleagues": "Teamrunde"}]
    assert "video.VideoRoom.colleagues" not in {
        section["model"] for section in privacy.export_person(host)
    }

    counts = privacy.erase_person(colleague)
    assert counts["video.VideoRoom.colleagues"] == 1
    room.refresh_from_db()
    assert list(room.colleagues.all()) == [] and room.host == host
