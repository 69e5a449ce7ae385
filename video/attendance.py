"""Attendance intervals from the video server's occupant events (never from the browser).

Pure functions over event sequences as the server reports them: joins and leaves per participant,
reconnects, moves between the main room and breakout rooms (a person counts as present while in
any room of the meeting), events that arrive out of order (sorted by their time) and duplicates
(ignored). :func:`intervals` gives each participant's presence as non-overlapping intervals,
:func:`seconds_within` the time present inside a window (e.g. the scheduled session), and
:func:`share` that time as a share of the window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    participant: str
    joined: bool
    at: datetime
    room: str = ""  # the main room or a breakout room; presence counts across all of them


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def _presence(events: list[Event], until: datetime | None) -> list[Interval]:
    # At the same instant, leaves before joins: a reconnect in the same second stays present.
    ordered = sorted(set(events), key=lambda event: (event.at, event.joined, event.room))
    inside: set[str] = set()
    found: list[Interval] = []
    started: datetime | None = None
    for event in ordered:
        if event.joined:
            if not inside:
                started = event.at
            inside.add(event.room)
        elif event.room in inside:
            inside.discard(event.room)
            if not inside and started is not None:
                found.append(Interval(started, event.at))
                started = None
        # a leave without a join before it (the join was lost): nothing to close
    if inside and started is not None and until is not None and until > started:
        found.append(Interval(started, until))
    merged: list[Interval] = []
    for interval in found:
        if interval.end <= interval.start:
            continue
        if merged and interval.start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, interval.end))
        else:
            merged.append(interval)
    return merged


def intervals(
    events: Iterable[Event], *, until: datetime | None = None
) -> dict[str, list[Interval]]:
    """Each participant's presence; someone still inside at the end is counted until ``until``
    (e.g. the room's closing time or now), or not at all without it."""
    by_participant: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if event.participant:
            by_participant[event.participant].append(event)
    return {participant: _presence(found, until) for participant, found in by_participant.items()}


def seconds_within(found: Iterable[Interval], start: datetime, end: datetime) -> float:
    """The time of ``found`` inside ``start``–``end``."""
    total = 0.0
    for interval in found:
        low, high = max(interval.start, start), min(interval.end, end)
        if high > low:
            total += (high - low).total_seconds()
    return total


def share(found: Iterable[Interval], start: datetime, end: datetime) -> float:
    """Time present inside the window as a share of the window (0.0–1.0)."""
    length = (end - start).total_seconds()
    return 0.0 if length <= 0 else min(1.0, seconds_within(found, start, end) / length)
