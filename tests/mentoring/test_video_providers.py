"""The video-provider registry: Jitsi is built in and the default; another provider, registered
through the Wagtail hook ``register_tandem_video_provider``, is chosen by a setting and then runs
the join page (its room, its client), the page's Content-Security-Policy and the API.

"Blue Room" is a small BigBlueButton-like provider: signed join links (a checksum over the
query and a shared secret) to a stand-in server on 127.0.0.1, which checks them for real."""

from __future__ import annotations

import hashlib
import hmac
import html
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings as django_settings
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail import hooks

from mentoring.checks import E001, jitsi_server_check
from mentoring.models import Session
from mentoring.sessions import selectors, services
from mentoring.sessions.video import join_info
from tests.factories import TOTP_SECRET
from video.checks import E002, E003, video_provider_check
from video.providers import (
    HOOK,
    JitsiProvider,
    RoomAccess,
    UnknownVideoProvider,
    VideoHost,
    VideoProvider,
    VideoProviderError,
    get_video_provider,
    registered_providers,
)

from .conftest import make_active_tandem

SECRET = "blue-room-secret-" * 3
YOUTUBE, VIMEO = "https://www.youtube-nocookie.com", "https://player.vimeo.com"


# --- A stand-in server and a provider for it -----------------------------------------------------


def checksum(query: str, secret: str) -> str:
    return hashlib.sha256(f"join{query}{secret}".encode()).hexdigest()


class BlueRoomStandIn:
    """``/client.js`` and ``/bigbluebutton/api/join?…&checksum=…`` (200 and who entered which room
    when the checksum fits, else 403) on 127.0.0.1, in a daemon thread."""

    def __init__(self, secret: str):
        self.secret = secret
        self.requests: list[str] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                standin.requests.append(url.path)
                if url.path == "/client.js":
                    return self._answer(200, "window.BlueRoom = { version: 1 };", "text/javascript")
                if url.path == "/bigbluebutton/api/join":
                    query, _, given = url.query.rpartition("&checksum=")
                    if not hmac.compare_digest(given, checksum(query, standin.secret)):
                        return self._answer(403, "Prüfsumme falsch")
                    values = {key: value[0] for key, value in parse_qs(query).items()}
                    return self._answer(
                        200,
                        f"Raum {values['meetingID']} betreten als {values['fullName']} "
                        f"({values['role']})",
                    )
                return self._answer(404, "nicht gefunden")

            def _answer(self, status, text, content_type="text/plain"):
                body = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = "http://{}:{}".format(*self._server.server_address[:2])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


CLIENT = """{% load i18n %}<div id="blueroom" data-room="{{ info.room }}" data-script="{{ info.script_url }}"
 data-join-url="{{ info.client.join_url }}"><button type="button" id="blueroom-enter">{% translate "Enter room" %}</button></div>"""


class BlueRoomProvider(VideoProvider):
    """Reads its own settings (BLUEROOM_URL, BLUEROOM_SECRET), as a site's provider would."""

    name = "blueroom"
    label = "Blue Room"

    def __init__(self):
        self.joined: list[str] = []

    @property
    def template(self):
        return engines["django"].from_string(CLIENT)

    def _settings(self) -> tuple[str, str]:
        return getattr(django_settings, "BLUEROOM_URL", ""), getattr(
            django_settings, "BLUEROOM_SECRET", ""
        )

    def is_configured(self) -> bool:
        return all(self._settings())

    def host(self) -> VideoHost:
        url, _secret = self._settings()
        if not url:
            return VideoHost()
        return VideoHost(domain=urlsplit(url).netloc, base_url=url, script_url=f"{url}/client.js")

    def join(self, *, session, participant, now) -> RoomAccess:
        url, secret = self._settings()
        self.joined.append(participant.role)
        query = urlencode(
            {
                "meetingID": session.room_name,
                "fullName": participant.name,
                "userID": participant.id,
                "role": "MODERATOR" if participant.moderator else "VIEWER",
            }
        )
        return RoomAccess(
            room=session.room_name,
            client={
                "join_url": f"{url}/bigbluebutton/api/join?{query}&checksum={checksum(query, secret)}"
            },
        )


@pytest.fixture
def standin():
    server = BlueRoomStandIn(SECRET)
    yield server
    server.stop()


@pytest.fixture
def blueroom(settings, standin):
    """Blue Room registered through the hook (a class), configured and chosen."""
    settings.BLUEROOM_URL, settings.BLUEROOM_SECRET = standin.base_url, SECRET
    settings.TANDEM_VIDEO_PROVIDER = "blueroom"
    # Jitsi stays configured: the page must use the chosen provider, not the first configured one.
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org"
    settings.TANDEM_VIDEO_JITSI_APP_ID, settings.TANDEM_VIDEO_JITSI_APP_SECRET = (
        "tandem",
        "s" * 40,
    )
    with hooks.register_temporarily(HOOK, lambda: BlueRoomProvider):
        yield standin


@pytest.fixture
def tandem(db):
    return make_active_tandem(windows=[(day, "00:00", "23:59") for day in range(7)])


def booked(tandem, *, in_window: bool = True) -> Session:
    now = timezone.now()
    slot = selectors.tandem_slots(
        tandem=tandem, length=60, start=now, end=now + timedelta(days=14)
    ).slots[0]
    session = services.session_book(
        tandem=tandem, start=slot.start, length=60, by=tandem.mentee.user
    ).session
    if in_window:
        start = now + timedelta(minutes=5)
        Session.objects.filter(pk=session.pk).update(
            start=start,
            end=start + timedelta(hours=1),
            blocked_from=start,
            blocked_until=start + timedelta(hours=1),
        )
        session.refresh_from_db()
    return session


def policy(response) -> dict[str, set[str]]:
    return {
        name: set(values)
        for name, *values in (
            part.split() for part in response["Content-Security-Policy"].split(";")
        )
    }


# --- The registry --------------------------------------------------------------------------------


def test_jitsi_is_built_in_and_the_default(settings):
    assert (
        not hasattr(settings, "TANDEM_VIDEO_PROVIDER") or settings.TANDEM_VIDEO_PROVIDER == "jitsi"
    )
    provider = get_video_provider()
    assert isinstance(provider, JitsiProvider) and provider.name == "jitsi"
    assert set(registered_providers()) == {"jitsi"}
    assert video_provider_check(None) == []


def test_a_provider_from_the_hook_is_selectable_by_the_setting(settings):
    with hooks.register_temporarily(HOOK, lambda: BlueRoomProvider):  # a class
        assert set(registered_providers()) == {"jitsi", "blueroom"}
        assert get_video_provider().name == "jitsi"  # registering alone changes nothing
        settings.TANDEM_VIDEO_PROVIDER = "blueroom"
        assert isinstance(get_video_provider(), BlueRoomProvider)
        assert video_provider_check(None) == []
    with pytest.raises(UnknownVideoProvider):  # gone with its hook
        get_video_provider()


def test_a_hook_may_return_instances_and_replace_the_built_in_jitsi(settings):
    class OwnJitsi(JitsiProvider):
        label = "Jitsi (eigene Vorlage)"

    with hooks.register_temporarily(HOOK, lambda: [BlueRoomProvider(), OwnJitsi()]):
        providers = registered_providers()
        assert set(providers) == {"jitsi", "blueroom"} and isinstance(providers["jitsi"], OwnJitsi)
        assert isinstance(get_video_provider(), OwnJitsi)


def test_the_check_explains_an_unknown_name_and_lists_the_registered_ones(settings):
    settings.TANDEM_VIDEO_PROVIDER = "zoom"
    with hooks.register_temporarily(HOOK, lambda: BlueRoomProvider):
        [error] = video_provider_check(None)
        with pytest.raises(UnknownVideoProvider, match="zoom"):
            get_video_provider()
    assert error.id == E002 and "'zoom'" in error.msg
    assert (
        "blueroom (Blue Room)" in error.hint
        and "jitsi (Jitsi Meet)" in error.hint
        and HOOK in error.hint
    )
    settings.TANDEM_REQUIRE_PRODUCTION_SETTINGS = True
    assert jitsi_server_check(None) == []  # reported once, by video.E002


@pytest.mark.parametrize("returned", [object(), "blueroom", type("Nameless", (VideoProvider,), {})])
def test_the_check_reports_a_hook_that_returns_no_provider(returned):
    with hooks.register_temporarily(HOOK, lambda: returned):
        [error] = video_provider_check(None)
        with pytest.raises(VideoProviderError):
            registered_providers()
    assert error.id == E003


def test_in_production_the_chosen_provider_must_be_configured(settings, blueroom):
    settings.TANDEM_REQUIRE_PRODUCTION_SETTINGS = True
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.jit.si"  # Jitsi's warnings concern Jitsi only
    assert jitsi_server_check(None) == []
    settings.BLUEROOM_SECRET = ""
    [error] = jitsi_server_check(None)
    assert error.id == E001 and "'blueroom'" in error.msg


# --- The join page, its policy and the API with the other provider --------------------------------


def test_join_page_of_a_member_in_the_window_shows_the_providers_room_and_client(
    client, tandem, blueroom
):
    session = booked(tandem)
    for member, role in ((tandem.mentor.user, "MODERATOR"), (tandem.mentee.user, "VIEWER")):
        client.force_login(member)
        response = client.get(reverse("mentoring:session-join", args=[session.uuid]))
        page = response.content.decode()
        assert response.status_code == 200
        assert (
            'id="blueroom"' in page
            and 'id="jitsi-room"' not in page
            and "external_api.js" not in page
        )
        assert f'data-room="{session.room_name}"' in page
        assert f'data-script="{blueroom.base_url}/client.js"' in page
        assert "Raum betreten" in page  # the provider's template is translated like the rest
        join_url = html.unescape(page.split('data-join-url="')[1].split('"')[0])
        assert join_url.startswith(f"{blueroom.base_url}/bigbluebutton/api/join?")
        entered = requests.get(join_url, timeout=5)
        assert entered.status_code == 200
        assert (
            entered.text
            == f"Raum {session.room_name} betreten als {member.get_full_name()} ({role})"
        )
        assert member.email not in join_url
        assert (
            requests.get(
                join_url.replace(f"meetingID={session.room_name}", "meetingID=anderer"), timeout=5
            ).status_code
            == 403
        )
    assert requests.get(f"{blueroom.base_url}/client.js", timeout=5).status_code == 200


def test_join_page_policy_allows_exactly_the_providers_origin(
    client, site_settings, tandem, blueroom
):
    session = booked(tandem)
    client.force_login(tandem.mentee.user)
    response = client.get(reverse("mentoring:session-join", args=[session.uuid]))
    directives = policy(response)
    nonces = {value for value in directives["script-src"] if value.startswith("'nonce-")}
    assert len(nonces) == 1
    assert directives["script-src"] == {"'self'", *nonces, blueroom.base_url}
    assert directives["frame-src"] == {"'self'", blueroom.base_url, YOUTUBE, VIMEO}
    assert "meet.example.org" not in response["Content-Security-Policy"]
    for feature in ("camera", "microphone", "display-capture"):
        assert f'{feature}=(self "{blueroom.base_url}")' in response["Permissions-Policy"]
    assert (
        blueroom.base_url
        not in client.get(reverse("mentoring:session", args=[session.uuid]))[
            "Content-Security-Policy"
        ]
    )


def test_before_the_window_the_shared_code_decides_and_the_provider_gives_nothing(
    client, tandem, settings, standin
):
    settings.BLUEROOM_URL, settings.BLUEROOM_SECRET = standin.base_url, SECRET
    settings.TANDEM_VIDEO_PROVIDER = "blueroom"
    provider = BlueRoomProvider()
    with hooks.register_temporarily(HOOK, lambda: provider):
        session = booked(tandem, in_window=False)
        client.force_login(tandem.mentee.user)
        page = client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
        assert "Der Raum öffnet" in page and 'id="blueroom"' not in page
        services.session_cancel(session=session, by=tandem.mentee.user, reason="Termin kollidiert")
        session.refresh_from_db()
        assert join_info(session=session, user=tandem.mentee.user).state == "cancelled"
        start_in_window = booked(tandem)
        info = join_info(session=start_in_window, user=tandem.mentor.user)
        assert info.state == "open" and info.provider == "blueroom" and info.moderator
    assert provider.joined == ["mentor"]  # called once: for the member inside the window only
    assert not standin.requests  # the server hears nothing from Tandem itself


def test_api_join_token_names_the_provider_and_gives_its_client(tandem, blueroom):
    session = booked(tandem)
    api = APIClient()
    api.force_authenticate(tandem.mentee.user)
    body = api.post(f"/api/v1/sessions/{session.uuid}/join-token/").json()
    assert (
        body["state"] == "open"
        and body["provider"] == "blueroom"
        and body["room"] == session.room_name
    )
    assert body["external_api_url"] == f"{blueroom.base_url}/client.js" and body["jwt"] == ""
    assert requests.get(body["client"]["join_url"], timeout=5).status_code == 200


def test_an_unknown_provider_keeps_the_room_shut_and_tells_administrators(
    client, site_settings, tandem, settings
):
    settings.TANDEM_VIDEO_PROVIDER = "zoom"
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org"
    settings.TANDEM_VIDEO_JITSI_APP_ID, settings.TANDEM_VIDEO_JITSI_APP_SECRET = (
        "tandem",
        "s" * 40,
    )
    session = booked(tandem)
    client.force_login(tandem.mentee.user)
    response = client.get(reverse("mentoring:session-join", args=[session.uuid]))
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "jitsi-room" not in page
    assert "Der Videoraum ist noch nicht eingerichtet" in page and "„zoom“" not in page
    assert "meet.example.org" not in response["Content-Security-Policy"]
    operator = tandem.mentee.user  # staff read what to fix (issue 14)
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    TOTP.activate(operator, TOTP_SECRET)
    client.force_login(operator)
    page = html.unescape(
        client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
    )
    assert (
        "TANDEM_VIDEO_PROVIDER" in page
        and "„zoom“" in page
        and "Registrierte Videoanbieter: jitsi" in page
    )
    assert "camera=(self)" in response["Permissions-Policy"]


def test_jitsi_join_page_without_a_setting_stays_as_before(client, tandem, settings):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.org"
    settings.TANDEM_VIDEO_JITSI_APP_ID, settings.TANDEM_VIDEO_JITSI_APP_SECRET = (
        "tandem",
        "s" * 40,
    )
    session = booked(tandem)
    client.force_login(tandem.mentor.user)
    page = client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
    assert (
        'id="jitsi-room"' in page and 'data-api="https://meet.example.org/external_api.js"' in page
    )
    assert f'data-room="{session.room_name}"' in page and 'id="privacy-heading"' in page
