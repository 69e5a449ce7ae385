"""Room kinds: the registry through which the apps that own video rooms answer the video server.

The video app knows no session, course or meeting. Every app that opens rooms registers a
:class:`RoomKind` (usually in its ``AppConfig.ready``)::

    from video.rooms import register_room_kind
    register_room_kind(MyRooms())

A kind answers, for the room names it owns (see :func:`video.jitsi.new_room_name`):

- :meth:`RoomKind.reservation`: may the room open now, until when, for how many occupants
  (prosody's ``mod_reservations`` asks before it creates a room, through
  :func:`video.webhooks.reservation`);
- :meth:`RoomKind.seat`: who may join with which affiliation (``owner`` or ``member``) and in
  which window; :func:`video.join.room_access` turns a seat into a token for the chosen provider;
- :meth:`RoomKind.occupant_changed`: an occupant joined or left (prosody's occupant events,
  through :func:`video.webhooks.occupant_event`); :mod:`video.attendance` turns such events into
  intervals.

Room names are unguessable and unique across kinds; the first kind whose ``reservation`` or
``occupant_changed`` does not answer ``None`` owns the room.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal

from django.core.exceptions import ImproperlyConfigured

OWNER: Literal["owner"] = "owner"
MEMBER: Literal["member"] = "member"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


@dataclass(frozen=True)
class Reservation:
    """A room may open now: until ``closes``, for at most ``max_occupants``, with the lobby on or off."""

    id: int  # the id prosody uses when it reports the room's end (unique within the kind)
    closes: datetime
    max_occupants: int
    lobby: bool = True


@dataclass(frozen=True)
class Refusal:
    """The room may not open now; ``message`` (translated) tells prosody's log why."""

    message: str


@dataclass(frozen=True)
class Seat:
    """One person's place in one room: what their token says."""

    participant_id: str  # pseudonymous, stable within the room; never the e-mail address
    display_name: str
    affiliation: Literal["owner", "member"]  # owner: moderates, admits from the lobby
    opens: datetime  # the token is valid from ...
    closes: datetime  # ... until
    role: str = ""  # the consumer's word for it ("mentor", "host", "guest", ...)
    lobby_bypass: bool = False  # enter without waiting in the lobby (mod_token_lobby_bypass)
    user: Any = None  # the account, when there is one (guests have none)

    @property
    def moderator(self) -> bool:
        return self.affiliation == OWNER


@dataclass(frozen=True)
class OccupantChange:
    """An occupant joined or left a room (the video server's word, not the browser's)."""

    room: str  # the (main) room's node name, lower case
    breakout: str = ""  # the breakout room's id when the occupant is in one (event_sync)
    participant: str = ""  # the ``context.user.id`` of the occupant's token, "" without one
    joined: bool = False
    at: datetime | None = None
    raw_room: str = ""  # the room as the server named it (``room@conference.domain``)
    name: str = ""  # the occupant's display name (not stored by the video app)


class RoomKind:
    """What an app tells the video layer about the rooms it owns. Subclass it and give it a
    ``name``; :meth:`reservation` and :meth:`occupant_changed` return ``None`` for a room that is
    not theirs."""

    name: ClassVar[str] = ""  # lower-case letters, digits, "-" and "_"
    #: keep the occupant events of this kind's rooms as video.models.OccupantEvent, for
    #: video.attendance (deleted after the kind's retention); False: the kind keeps its own record
    keep_events: ClassVar[bool] = False

    def reservation(self, room: str, *, now: datetime) -> Reservation | Refusal | None:
        raise NotImplementedError

    def seat(self, room: str, *, user, now: datetime) -> Seat | None:
        """The seat of an account in a room, ``None`` for someone who may not enter."""
        return None

    def occupant_changed(self, change: OccupantChange) -> bool | None:
        """Record an occupant's arrival or departure; ``True`` when recorded, ``False`` when the
        room is this kind's but the occupant unknown, ``None`` when the room is not this kind's."""
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


_kinds: dict[str, RoomKind] = {}


def register_room_kind(kind: RoomKind | type[RoomKind]) -> RoomKind:
    """Register (or replace, by name) a room kind; returns the instance."""
    instance = kind() if isinstance(kind, type) else kind
    if not isinstance(instance, RoomKind) or not _NAME.match(instance.name or ""):
        raise ImproperlyConfigured(
            f"{kind!r} is no video room kind with a name of lower-case letters, digits, '-' and '_'."
        )
    _kinds[instance.name] = instance
    return instance


def unregister_room_kind(name: str) -> None:
    _kinds.pop(name, None)


def room_kinds() -> list[RoomKind]:
    return list(_kinds.values())


def get_room_kind(name: str) -> RoomKind:
    return _kinds[name]


def room_node(value: str) -> str:
    """``room@conference.example.org`` or ``tenant/room`` → ``room`` (lower case, as prosody keeps it)."""
    return value.split("@", 1)[0].rsplit("/", 1)[-1].strip().lower()


def reservation_for(room: str, *, now: datetime) -> tuple[RoomKind, Reservation | Refusal] | None:
    for kind in room_kinds():
        answer = kind.reservation(room, now=now)
        if answer is not None:
            return kind, answer
    return None


def occupant_changed(change: OccupantChange) -> tuple[RoomKind | None, bool]:
    """The kind that owns the room, and whether it recorded the change."""
    for kind in room_kinds():
        recorded = kind.occupant_changed(change)
        if recorded is not None:
            return kind, bool(recorded)
    return None, False
