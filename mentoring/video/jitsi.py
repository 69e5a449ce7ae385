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
    """Where the rooms live and how tokens are signed (``TANDEM_MENTORING_JITSI_*`` settings)."""

    domain: str
    app_id: str
    app_secret: str
    audience: str = "jitsi"

    @property
    def configured(self) -> bool:
        return bool(self.domain and self.app_id and self.app_secret)


def new_room_name() -> str:
    """Lower-case letters and digits only (safe in every Jitsi URL), no personal data."""
    return base64.b32encode(secrets.token_bytes(ROOM_NAME_BYTES)).decode("ascii").rstrip("=").lower()


def join_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """From ten minutes before the start to fifteen minutes after the end."""
    if end <= start:
        raise ValueError("a session must end after it starts")
    return start - JOIN_EARLY, end + STAY_LATE


def room_token(*, server: JitsiServer, room: str, user_id: str, display_name: str, moderator: bool,
               start: datetime, end: datetime, now: datetime) -> str:
    """A HS256 JWT for one participant of one session's room."""
    if not server.configured:
        raise ValueError("the Jitsi server is not configured")
    opens, closes = join_window(start, end)
    claims = {
        "iss": server.app_id,
        "aud": server.audience,
        "sub": server.domain.lower(),
        "room": room,
        "iat": int(now.timestamp()),
        "nbf": int(opens.timestamp()),
        "exp": int(closes.timestamp()),
        "context": {
            "user": {"id": user_id, "name": display_name, "moderator": moderator,
                     "affiliation": "owner" if moderator else "member"},
            "features": {"recording": False, "livestreaming": False, "transcription": False,
                         "outbound-call": False, "sip-outbound-call": False},
        },
    }
    return jwt.encode(claims, server.app_secret, algorithm="HS256")
