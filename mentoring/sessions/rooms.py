"""The rooms of tandem sessions, as the video app sees them (:class:`video.rooms.RoomKind`):
registered in ``MentoringConfig.ready``."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from video.jitsi import join_window
from video.rooms import OccupantChange, Refusal, Reservation, RoomKind, Seat

from ..models import Session
from .attendance import attendance_record
from .video import session_seat

#: A session's room admits its two members.
MAX_OCCUPANTS = 2


class SessionRooms(RoomKind):
    name = "mentoring-session"

    def reservation(self, room: str, *, now: datetime) -> Reservation | Refusal | None:
        session = Session.objects.filter(room_name=room).first()
        if session is None:
            return None
        if session.status != Session.Status.BOOKED:
            return Refusal(_("This session is not booked (anymore)."))
        opens, closes = join_window(session.start, session.end)
        if not opens <= now < closes:
            return Refusal(
                _(
                    "This room is only open from 10 minutes before until 15 minutes after the session."
                )
            )
        return Reservation(id=session.pk, closes=closes, max_occupants=MAX_OCCUPANTS, lobby=True)

    def seat(self, room: str, *, user, now: datetime) -> Seat | None:
        session = Session.objects.filter(room_name=room).first()
        return session_seat(session, user) if session is not None else None

    def occupant_changed(self, change: OccupantChange) -> bool | None:
        session = Session.objects.filter(room_name=change.room).first()
        if session is None or change.at is None:
            return None
        record = attendance_record(
            session=session, participant=change.participant, joined=change.joined, at=change.at
        )
        return record is not None
