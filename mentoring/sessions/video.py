"""Entering a session's video room: who may, when, and with which affiliation.

A session's room admits its two members only, from ten minutes before the start until fifteen
minutes after the end; the mentor as owner (moderates), the mentee as member. Cancelled,
unconfirmed, early and late visits get no room. The video app (:mod:`video.join`) asks the
chosen provider for the room, the token and the client."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from video.jitsi import join_window
from video.join import JoinInfo
from video.join import join_info as video_join_info
from video.providers import display_name
from video.rooms import MEMBER, OWNER, Seat

from ..models import Session
from .attendance import participant_id
from .errors import NOT_A_MEMBER, SessionError

__all__ = ["JoinInfo", "join_info", "session_seat"]


def session_seat(session: Session, user) -> Seat | None:
    """The seat of a member of the session, ``None`` for everyone else."""
    role = session.member_role(user)
    if role is None:
        return None
    opens, closes = join_window(session.start, session.end)
    return Seat(
        participant_id=participant_id(session, user.pk),
        display_name=display_name(user),
        affiliation=OWNER if role == "mentor" else MEMBER,
        opens=opens,
        closes=closes,
        role=role,
        user=user,
    )


def join_info(*, session: Session, user, now: datetime | None = None) -> JoinInfo:
    """A token only for a member of the session, only inside its window; everyone else gets an error,
    early and late visitors learn when the room is open."""
    now = now or timezone.now()
    seat = session_seat(session, user)
    if seat is None:
        raise SessionError(NOT_A_MEMBER, code="not_a_member")
    state = {
        Session.Status.CANCELLED: "cancelled",
        Session.Status.PROPOSED: "proposed",
    }.get(session.status)
    return video_join_info(
        room=session.room_name,
        seat=seat,
        start=session.start,
        end=session.end,
        state=state,
        now=now,
    )
