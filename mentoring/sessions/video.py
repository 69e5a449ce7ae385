"""Entering a session's video room: who may, when, and with which token.

Who and when are decided here, the same for every video provider; the provider chosen by
``TANDEM_MENTORING_VIDEO_PROVIDER`` (:mod:`mentoring.video.providers`) gives the room, the token
and the client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from ..models import Session
from ..video.jitsi import join_window
from ..video.providers import (
    Participant,
    VideoHost,
    VideoProviderError,
    display_name,
    get_video_provider,
    problem_for_administrators,
)
from .attendance import participant_id
from .errors import NOT_A_MEMBER, SessionError


@dataclass(frozen=True)
class JoinInfo:
    state: str  # "open", "early", "closed", "cancelled", "proposed", "unconfigured"
    opens_at: datetime
    closes_at: datetime
    moderator: bool
    domain: str = ""
    base_url: str = ""
    room: str = ""
    token: str = ""
    public_server: bool = False
    provider: str = ""  # the video provider's name, e.g. "jitsi"
    script_url: str = ""  # the provider's client script, loaded after the click
    client_template: Any = ""  # the provider's client part of the join page
    client: Mapping[str, str] = field(
        default_factory=dict
    )  # further values for that template (open only)
    setup_hint: str = ""  # for administrators, when the room cannot open for want of configuration

    @property
    def external_api_url(self) -> str:
        """Jitsi's name for the client script, kept for the API."""
        return self.script_url


def join_info(*, session: Session, user, now: datetime | None = None) -> JoinInfo:
    """A token only for a member of the session, only inside its window; everyone else gets an error,
    early and late visitors learn when the room is open."""
    now = now or timezone.now()
    role = session.member_role(user)
    if role is None:
        raise SessionError(NOT_A_MEMBER, code="not_a_member")
    opens, closes = join_window(session.start, session.end)
    moderator = role == "mentor"
    try:
        provider, problem = get_video_provider(), ""
    except VideoProviderError as error:
        provider, problem = None, problem_for_administrators(error)
    host = provider.host() if provider else VideoHost()
    base = {
        "opens_at": opens,
        "closes_at": closes,
        "moderator": moderator,
        "domain": host.domain,
        "base_url": host.base_url,
        "public_server": host.public_server,
        "script_url": host.script_url,
        "provider": provider.name if provider else "",
        "client_template": provider.template if provider else "",
    }
    if session.status == Session.Status.CANCELLED:
        return JoinInfo(state="cancelled", **base)
    if session.status == Session.Status.PROPOSED:
        return JoinInfo(state="proposed", **base)
    if now < opens:
        return JoinInfo(state="early", **base)
    if now >= closes:
        return JoinInfo(state="closed", **base)
    if provider is None or not provider.is_configured():
        return JoinInfo(state="unconfigured", setup_hint=problem or provider.setup_hint(), **base)
    participant = Participant(
        id=participant_id(session, user.pk),
        name=display_name(user),
        role=role,
        moderator=moderator,
        user=user,
    )
    access = provider.join(session=session, participant=participant, now=now)
    return JoinInfo(
        state="open", room=access.room, token=access.token, client=dict(access.client), **base
    )
