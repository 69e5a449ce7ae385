"""Entering a video room: the provider's room, token and client for one seat.

Who and when are decided by the room kind that owns the room (:class:`video.rooms.Seat`); the
provider chosen by ``TANDEM_VIDEO_PROVIDER`` (:mod:`video.providers`) gives the room path, the
token and the client. :func:`join_info` is what a join page renders with
``video/includes/room.html`` (see that template for the context it needs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from .providers import (
    Participant,
    VideoHost,
    VideoProviderError,
    get_video_provider,
    problem_for_administrators,
)
from .rooms import Seat


@dataclass(frozen=True)
class Meeting:
    """What a provider's ``join`` gets as ``session``: the room and its times."""

    room_name: str
    start: datetime
    end: datetime
    opens: datetime
    closes: datetime


@dataclass(frozen=True)
class JoinInfo:
    state: (
        str  # "open", "early", "closed", "unconfigured", or the consumer's own (e.g. "cancelled")
    )
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
    # For operators only (staff and superusers), when the room cannot open for want of
    # configuration: what to set. Participants see a plain message instead (issue 14).
    setup_hint: str = ""
    affiliation: str = ""  # "owner" or "member"
    display_name: str = ""

    @property
    def external_api_url(self) -> str:
        """Jitsi's name for the client script, kept for the API."""
        return self.script_url


def is_operator(user) -> bool:
    """Someone who may see how the site is configured: staff or superuser."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def join_info(
    *,
    room: str,
    seat: Seat,
    start: datetime,
    end: datetime,
    state: str | None = None,
    now: datetime | None = None,
    viewer=None,
) -> JoinInfo:
    """The join page's state for ``seat`` in ``room``: a token only inside the seat's window, when
    the consumer gives no other ``state`` (e.g. "cancelled") and a provider is configured.
    ``viewer`` (default: the seat's account) decides whether the operator's hint is shown."""
    now = now or timezone.now()
    try:
        provider, problem = get_video_provider(), ""
    except VideoProviderError as error:
        provider, problem = None, problem_for_administrators(error)
    host = provider.host() if provider else VideoHost()
    base = {
        "opens_at": seat.opens,
        "closes_at": seat.closes,
        "moderator": seat.moderator,
        "affiliation": seat.affiliation,
        "display_name": seat.display_name,
        "domain": host.domain,
        "base_url": host.base_url,
        "public_server": host.public_server,
        "script_url": host.script_url,
        "provider": provider.name if provider else "",
        "client_template": provider.template if provider else "",
    }
    if state:
        return JoinInfo(state=state, **base)
    if now < seat.opens:
        return JoinInfo(state="early", **base)
    if now >= seat.closes:
        return JoinInfo(state="closed", **base)
    if provider is None or not provider.is_configured():
        hint = problem or (provider.setup_hint() if provider else "")
        from .services import unconfigured_notify_operators  # models load only when needed

        unconfigured_notify_operators(hint=hint)
        operator = is_operator(viewer if viewer is not None else seat.user)
        return JoinInfo(state="unconfigured", setup_hint=hint if operator else "", **base)
    participant = Participant(
        id=seat.participant_id,
        name=seat.display_name,
        role=seat.role,
        moderator=seat.moderator,
        user=seat.user,
        lobby_bypass=seat.lobby_bypass,
    )
    meeting = Meeting(room_name=room, start=start, end=end, opens=seat.opens, closes=seat.closes)
    access = provider.join(session=meeting, participant=participant, now=now)
    return JoinInfo(
        state="open", room=access.room, token=access.token, client=dict(access.client), **base
    )
