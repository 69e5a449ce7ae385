"""Entering a session's video room: who may, when, and with which token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ..models import Session
from ..video.jitsi import configured_server, is_public_test_server, join_window, room_token
from .services import NOT_A_MEMBER, SessionError, participant_id


@dataclass(frozen=True)
class JoinInfo:
    state: str  # "open", "early", "closed", "cancelled", "unconfigured"
    opens_at: datetime
    closes_at: datetime
    moderator: bool
    domain: str = ""
    base_url: str = ""
    room: str = ""
    token: str = ""
    public_server: bool = False
    tenant: str = ""  # JaaS: the app id, under which the server serves its script

    @property
    def external_api_url(self) -> str:
        if not self.base_url:
            return ""
        return f"{self.base_url}/{self.tenant}/external_api.js" if self.tenant else f"{self.base_url}/external_api.js"


def join_info(*, session: Session, user, now: datetime | None = None) -> JoinInfo:
    """A token only for a member of the session, only inside its window; everyone else gets an error,
    early and late visitors learn when the room is open."""
    now = now or timezone.now()
    role = session.member_role(user)
    if role is None:
        raise SessionError(NOT_A_MEMBER, code="not_a_member")
    opens, closes = join_window(session.start, session.end)
    moderator = role == "mentor"
    server = configured_server()
    base = {"opens_at": opens, "closes_at": closes, "moderator": moderator, "domain": server.domain,
            "base_url": server.base_url if server.domain else "",
            "public_server": is_public_test_server(server.domain) and not server.jaas,
            "tenant": server.app_id if server.jaas else ""}
    if session.status == Session.Status.CANCELLED:
        return JoinInfo(state="cancelled", **base)
    if session.status == Session.Status.PROPOSED:
        return JoinInfo(state="proposed", **base)
    if now < opens:
        return JoinInfo(state="early", **base)
    if now >= closes:
        return JoinInfo(state="closed", **base)
    if not server.configured:
        return JoinInfo(state="unconfigured", **base)
    name = user.get_full_name() or user.email.split("@")[0]
    token = room_token(server=server, room=session.room_name, user_id=participant_id(session, user.pk),
                       display_name=name, moderator=moderator, start=session.start, end=session.end, now=now)
    return JoinInfo(state="open", room=server.room_path(session.room_name), token=token, **base)
