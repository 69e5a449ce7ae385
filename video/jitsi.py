"""Jitsi Meet on the organisation's own server: unguessable room names and room-bound JWTs
with the claims prosody's token authentication (``mod_auth_token``) checks.

A token is valid for exactly one room (``room``), on one server (``sub``), for the app
configured in prosody (``iss`` = app id, ``aud``), and only in a window around the session
(``nbf``/``exp`` as integers). ``context.user`` carries a pseudonymous id, the display name
and whether the person moderates; ``context.features`` switches recording, live streaming and
transcription off."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

JOIN_EARLY = timedelta(minutes=10)
STAY_LATE = timedelta(minutes=15)
ROOM_NAME_BYTES = 20  # 160 random bits


@dataclass(frozen=True)
class JitsiServer:
    """Where the rooms live and how tokens are signed (``TANDEM_VIDEO_JITSI_*`` settings)."""

    domain: str
    app_id: str
    app_secret: str
    audience: str = "jitsi"
    scheme: str = "https"
    jaas_key_id: str = ""
    jaas_private_key: str = ""

    @property
    def jaas(self) -> bool:
        """8x8's Jitsi as a Service: RS256 tokens with a key id, rooms below the tenant (app id)."""
        return bool(self.jaas_key_id and self.jaas_private_key)

    @property
    def configured(self) -> bool:
        return bool(self.domain and self.app_id and (self.app_secret or self.jaas))

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"

    def room_path(self, room: str) -> str:
        return f"{self.app_id}/{room}" if self.jaas else room


def configured_server() -> JitsiServer:
    from . import conf

    return JitsiServer(
        domain=conf.get("JITSI_DOMAIN"),
        app_id=conf.get("JITSI_APP_ID"),
        app_secret=conf.get("JITSI_APP_SECRET"),
        audience=conf.get("JITSI_AUDIENCE"),
        scheme=conf.get("JITSI_SCHEME"),
        jaas_key_id=conf.get("JITSI_JAAS_KEY_ID"),
        jaas_private_key=conf.get("JITSI_JAAS_PRIVATE_KEY"),
    )


def is_public_test_server(domain: str) -> bool:
    from . import conf

    host = domain.lower().split(":")[0]
    return any(host == public or host.endswith("." + public) for public in conf.PUBLIC_TEST_SERVERS)


def new_room_name() -> str:
    """Lower-case letters and digits only (safe in every Jitsi URL), no personal data."""
    return (
        base64.b32encode(secrets.token_bytes(ROOM_NAME_BYTES)).decode("ascii").rstrip("=").lower()
    )


def join_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """From ten minutes before the start to fifteen minutes after the end."""
    if end <= start:
        raise ValueError("a session must end after it starts")
    return start - JOIN_EARLY, end + STAY_LATE


def room_token(
    *,
    server: JitsiServer,
    room: str,
    user_id: str,
    display_name: str,
    moderator: bool,
    start: datetime,
    end: datetime,
    now: datetime,
    window: tuple[datetime, datetime] | None = None,
    lobby_bypass: bool = False,
) -> str:
    """A HS256 JWT for one participant of one room: valid in ``window`` (default: from ten
    minutes before ``start`` to fifteen after ``end``). ``context.user.affiliation`` is "owner"
    for a moderator (mod_token_affiliation), "member" otherwise; ``lobby_bypass`` lets a member
    skip the lobby (mod_token_lobby_bypass)."""
    if not server.configured:
        raise ValueError("the Jitsi server is not configured")
    if end <= start:
        raise ValueError("a meeting must end after it starts")
    opens, closes = window or join_window(start, end)
    if closes <= opens:
        raise ValueError("the window must close after it opens")
    if server.jaas:
        return _jaas_token(
            server=server,
            room=room,
            user_id=user_id,
            display_name=display_name,
            moderator=moderator,
            opens=opens,
            closes=closes,
            now=now,
        )
    user = {
        "id": user_id,
        "name": display_name,
        "moderator": moderator,
        "affiliation": "owner" if moderator else "member",
    }
    if lobby_bypass:
        user["lobby_bypass"] = True
    claims = {
        "iss": server.app_id,
        "aud": server.audience,
        "sub": server.domain.lower(),
        "room": room,
        "iat": int(now.timestamp()),
        "nbf": int(opens.timestamp()),
        "exp": int(closes.timestamp()),
        "context": {
            "user": user,
            "features": {
                "recording": False,
                "livestreaming": False,
                "transcription": False,
                "outbound-call": False,
                "sip-outbound-call": False,
            },
        },
    }
    return jwt.encode(claims, server.app_secret, algorithm="HS256")


def _jaas_token(
    *,
    server: JitsiServer,
    room: str,
    user_id: str,
    display_name: str,
    moderator: bool,
    opens: datetime,
    closes: datetime,
    now: datetime,
) -> str:
    """JaaS checks RS256 with the key id in the header, ``iss`` "chat", ``sub`` the tenant."""
    claims = {
        "iss": "chat",
        "aud": "jitsi",
        "sub": server.app_id,
        "room": room,
        "iat": int(now.timestamp()),
        "nbf": int(opens.timestamp()),
        "exp": int(closes.timestamp()),
        "context": {
            "user": {
                "id": user_id,
                "name": display_name,
                "moderator": "true" if moderator else "false",
            },
            "features": {
                "recording": "false",
                "livestreaming": "false",
                "transcription": "false",
                "outbound-call": "false",
                "sip-outbound-call": "false",
            },
        },
    }
    return jwt.encode(
        claims,
        server.jaas_private_key,
        algorithm="RS256",
        headers={"kid": server.jaas_key_id, "typ": "JWT"},
    )
