"""The rooms of live sessions, as the video app sees them (:class:`video.rooms.RoomKind`),
registered in ``CoursesConfig.ready`` when the video app is installed.

- Hosts (the run's trainer and the course's trainers) get owner tokens: they moderate and admit
  people from the lobby.
- Registered learners get member tokens for this room only and enter directly (lobby bypass).
- Other learners of the run (waiting list, not registered) get member tokens without the bypass:
  they wait in the lobby until a host admits them. Nobody else gets a token.
- The room opens only inside the join window and admits at most the seats plus the hosts.
- Attendance comes from the server's occupant events (never the browser), kept per person as
  :class:`courses.models.LiveOccupantEvent` and turned into intervals by :mod:`video.attendance`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.pseudonyms import keyed_id
from video.join import JoinInfo
from video.join import join_info as video_join_info
from video.providers import display_name
from video.rooms import MEMBER, OWNER, OccupantChange, Refusal, Reservation, RoomKind, Seat

from ..models import Enrolment, LiveSession, LiveSessionRegistration
from . import selectors, services
from .workshop import selectors as workshop_selectors

KIND = "courses-live"


def participant_id(session: LiveSession, user_id: int) -> str:
    """Pseudonymous for the video server: stable within a session, unlinkable across sessions."""
    return keyed_id(f"live:{session.uuid}:{user_id}")


def max_occupants(session: LiveSession) -> int:
    """The seats (or, without a limit, everyone registered) plus the hosts."""
    seats = session.effective_seats
    if seats is None:
        seats = session.registrations.filter(
            status=LiveSessionRegistration.Status.REGISTERED
        ).count()
    return max(1, seats) + len(selectors.host_ids(session))


def session_seat(session: LiveSession, user) -> Seat | None:
    if not user.is_authenticated or not user.is_active:
        return None
    opens, closes = selectors.join_window(session)
    common = {
        "participant_id": participant_id(session, user.pk),
        "display_name": display_name(user),
        "opens": opens,
        "closes": closes,
        "user": user,
    }
    if user.pk in selectors.host_ids(session):
        return Seat(affiliation=OWNER, role="host", lobby_bypass=True, **common)
    if selectors.learner_enrolment(user, session.run) is None:
        return None
    registered = session.registrations.filter(
        user=user, status=LiveSessionRegistration.Status.REGISTERED
    ).exists()
    return Seat(
        affiliation=MEMBER,
        role="participant" if registered else "lobby",
        lobby_bypass=registered,
        **common,
    )


def join_info(*, session: LiveSession, user, now: datetime | None = None) -> JoinInfo | None:
    """The join page's state; ``None`` for someone without a seat."""
    seat = session_seat(session, user)
    if seat is None:
        return None
    return video_join_info(
        room=session.room_name,
        seat=seat,
        start=session.start,
        end=session.end,
        state="cancelled" if session.is_cancelled else None,
        now=now or timezone.now(),
    )


class LiveSessionRooms(RoomKind):
    name = KIND
    keep_events = False  # courses keeps its own per-person record (LiveOccupantEvent)

    @staticmethod
    def _session(room: str) -> LiveSession | None:
        """The session of a main room, or of a workshop table's breakout room."""
        session = LiveSession.objects.select_related("run").filter(room_name=room).first()
        return session or workshop_selectors.session_of_breakout_room(room)

    def reservation(self, room: str, *, now: datetime) -> Reservation | Refusal | None:
        session = self._session(room)
        if session is None:
            return None
        if session.is_cancelled:
            return Refusal(_("This live session has been cancelled."))
        opens, closes = selectors.join_window(session)
        if not opens <= now < closes:
            return Refusal(_("This live session's room is only open around its scheduled time."))
        return Reservation(
            id=session.pk, closes=closes, max_occupants=max_occupants(session), lobby=True
        )

    def seat(self, room: str, *, user, now: datetime) -> Seat | None:
        session = self._session(room)
        return session_seat(session, user) if session is not None else None

    def occupant_changed(self, change: OccupantChange) -> bool | None:
        session = self._session(change.room)
        if session is None:
            return None
        if change.at is None or not change.participant:
            return False
        if session.room_name != change.room and not change.breakout:
            change = replace(change, breakout=change.room)  # reported by its breakout room
        candidates = selectors.host_ids(session) | set(
            Enrolment.objects.filter(
                run=session.run_id, status__in=Enrolment.LEARNING_STATUSES
            ).values_list("user_id", flat=True)
        )
        user_id = next(
            (uid for uid in candidates if participant_id(session, uid) == change.participant),
            None,
        )
        if user_id is None:
            return False
        key = f"{change.participant}|{change.joined}|{change.at.isoformat()}|{change.breakout}"
        services.live_occupant_record(
            session=session,
            user=get_user_model()(pk=user_id),
            joined=change.joined,
            at=change.at,
            event_id=hashlib.sha256(key.encode()).hexdigest()[:64],
            connection=change.breakout,
        )
        return True
