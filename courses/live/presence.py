"""Presence from a room's occupant events, without Django or the database.

The video server reports joins and leaves per connection. Events may arrive twice, out of order,
or as a reconnect (a new connection joins before the old one's leave is reported). Presence is the
time during which at least one of a person's connections was in the room, clipped to a window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OccupantEvent:
    at: datetime
    joined: bool
    connection: str = ""  # the occupant's connection; "" when the server names none


def presence_intervals(
    events: Iterable[OccupantEvent], *, until: datetime
) -> list[tuple[datetime, datetime]]:
    """Merged intervals in which the person was present. A connection still open at ``until``
    counts until then; a leave without a join and a repeated join or leave change nothing."""
    ordered = sorted(events, key=lambda event: (event.at, not event.joined))
    open_connections: set[str] = set()
    intervals: list[tuple[datetime, datetime]] = []
    since: datetime | None = None
    for event in ordered:
        if event.at > until:
            break
        if event.joined:
            if not open_connections:
                since = event.at
            open_connections.add(event.connection)
        elif event.connection in open_connections:
            open_connections.discard(event.connection)
            if not open_connections and since is not None:
                intervals.append((since, event.at))
                since = None
    if open_connections and since is not None:
        intervals.append((since, until))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in intervals:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def seconds_within(
    intervals: Iterable[tuple[datetime, datetime]], *, start: datetime, end: datetime
) -> int:
    """Whole seconds of ``intervals`` inside [start, end]."""
    total = 0.0
    for first, last in intervals:
        overlap = (min(last, end) - max(first, start)).total_seconds()
        if overlap > 0:
            total += overlap
    return int(total)


def share_percent(seconds: int, *, length_seconds: int) -> int:
    """Share of the length, rounded down to whole percent (never more than 100)."""
    if length_seconds <= 0:
        return 0
    return min(100, seconds * 100 // length_seconds)
