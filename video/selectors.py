"""Reads of the video app."""

from __future__ import annotations

from datetime import datetime

from .attendance import Event, Interval, intervals
from .models import OccupantEvent


def room_events(*, kind: str, room: str) -> list[Event]:
    """The kept occupant events of a room (main room and its breakout rooms) as attendance events."""
    rows = OccupantEvent.objects.filter(kind=kind, room=room).values_list(
        "participant", "joined", "at", "breakout"
    )
    return [Event(participant=p, joined=j, at=a, room=b) for p, j, a, b in rows]


def room_attendance(
    *, kind: str, room: str, until: datetime | None = None
) -> dict[str, list[Interval]]:
    """Each participant's presence in a room (one query), see :func:`video.attendance.intervals`."""
    return intervals(room_events(kind=kind, room=room), until=until)
