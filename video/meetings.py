"""Rooms for team meetings and counselling: writes (create, change, invite, revoke), the guest
token, and the room kind that answers the video server for these rooms.

- A **team meeting** admits the host (owner) and the colleagues they chose (members, straight in),
  and invited guests (members, through the lobby).
- A **counselling** room admits the host and at most the guests invited with a valid link (the
  occupant cap is host plus active invitations); guests wait in the lobby until the host admits
  them.
- A room is open from ten minutes before each of its dates until fifteen minutes after it.
- Guest links carry a random token; only its SHA-256 hash is stored. A revoked or expired link
  opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms import audit
from cms.errors import ServiceError
from cms.pseudonyms import keyed_id

from . import conf
from .jitsi import STAY_LATE, join_window, new_room_name
from .models import RoomInvitation, VideoRoom, VideoRoomDate
from .notifications import colleagues_notify
from .providers import display_name
from .rooms import MEMBER, OWNER, OccupantChange, Refusal, Reservation, RoomKind, Seat

KIND = "video-room"
MAX_DATES = 52
MAX_LENGTH = timedelta(hours=10)
MAX_INVITATION_DAYS = 90
NOT_HOST = gettext_lazy("Only the host of this room may do this.")
NO_PERMISSION = gettext_lazy("You may not host video rooms. Please ask the site's administration.")


class RoomError(ServiceError):
    pass


def may_host(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("video.host_rooms"))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def participant_id(room: VideoRoom, key: str) -> str:
    """Pseudonymous id for the video server: stable within a room, unlinkable across rooms."""
    return keyed_id(f"video-room:{room.uuid}:{key}")


def _check_dates(dates: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    if not dates:
        raise RoomError(_("Please give at least one date."), field="start")
    if len(dates) > MAX_DATES:
        raise RoomError(_("At most %(count)d dates per room.") % {"count": MAX_DATES})
    for start, end in dates:
        if end <= start:
            raise RoomError(_("The end must be after the start."), field="start")
        if end - start > MAX_LENGTH:
            raise RoomError(_("A meeting lasts at most ten hours."), field="minutes")
    return sorted(dates)


def _check_colleagues(kind: str, host, colleagues) -> list:
    colleagues = [c for c in colleagues if c.pk != host.pk]
    if kind == VideoRoom.Kind.COUNSELLING and colleagues:
        raise RoomError(
            _("A counselling room admits only you and the guests you invite."), field="colleagues"
        )
    return colleagues


@transaction.atomic
def room_create(*, host, kind: str, title: str, dates, colleagues=()) -> VideoRoom:
    if not may_host(host):
        raise RoomError(NO_PERMISSION, code="forbidden")
    dates = _check_dates(list(dates))
    colleagues = _check_colleagues(kind, host, list(colleagues))
    room = VideoRoom.objects.create(
        kind=kind, title=title.strip(), host=host, room_name=new_room_name()
    )
    room.colleagues.set(colleagues)
    VideoRoomDate.objects.bulk_create(
        VideoRoomDate(room=room, start=start, end=end) for start, end in dates
    )
    audit.record(action="video.room_created", by=host, target=str(room.uuid), kind=kind)
    colleagues_notify(room, kind="invited", people=colleagues, sequence=_sequence())
    return room


def _sequence() -> int:
    """The calendar files' SEQUENCE: grows with every change (whole seconds since 1970)."""
    return int(timezone.now().timestamp())


@transaction.atomic
def room_update(*, room: VideoRoom, by, title: str, dates, colleagues=()) -> VideoRoom:
    if by.pk != room.host_id:
        raise RoomError(NOT_HOST, code="forbidden")
    dates = _check_dates(list(dates))
    colleagues = _check_colleagues(room.kind, room.host, list(colleagues))
    before = set(room.colleagues.all())
    old_dates = list(room.dates.order_by("start").values_list("start", "end"))
    changed = old_dates != dates or room.title != title.strip()
    sequence = _sequence()
    removed = [person for person in before if person not in set(colleagues)]
    if removed:  # their calendar entries are withdrawn (with the dates as they were)
        colleagues_notify(room, kind="removed", people=removed, sequence=sequence)
    room.title = title.strip()
    room.save(update_fields=["title"])
    room.colleagues.set(colleagues)
    room.dates.all().delete()
    VideoRoomDate.objects.bulk_create(
        VideoRoomDate(room=room, start=start, end=end) for start, end in dates
    )
    audit.record(action="video.room_changed", by=by, target=str(room.uuid))
    colleagues_notify(
        room, kind="invited", people=[p for p in colleagues if p not in before], sequence=sequence
    )
    if changed:
        staying = [person for person in colleagues if person in before]
        colleagues_notify(room, kind="changed", people=staying, sequence=sequence)
    return room


def weekly_dates(start: datetime, minutes: int, repeat: int) -> list[tuple[datetime, datetime]]:
    """A one-off date (``repeat`` 0) or the same time every week ``repeat`` more times."""
    length = timedelta(minutes=minutes)
    return [
        (start + timedelta(weeks=week), start + timedelta(weeks=week) + length)
        for week in range(repeat + 1)
    ]


@transaction.atomic
def invitation_create(
    *, room: VideoRoom, by, label: str = "", days: int | None = None, now: datetime | None = None
) -> tuple[RoomInvitation, str]:
    """A personal guest link; returns the invitation and the token (shown once, never stored)."""
    if by.pk != room.host_id:
        raise RoomError(NOT_HOST, code="forbidden")
    now = now or timezone.now()
    days = int(days or conf.get("INVITATION_DAYS"))
    if not 1 <= days <= MAX_INVITATION_DAYS:
        raise RoomError(
            _("A link is valid for 1 to %(days)d days.") % {"days": MAX_INVITATION_DAYS},
            field="days",
        )
    token = secrets.token_urlsafe(32)
    invitation = RoomInvitation.objects.create(
        room=room,
        token_hash=token_hash(token),
        label=label.strip(),
        expires_at=now + timedelta(days=days),
    )
    audit.record(
        action="video.invitation_created", by=by, target=str(room.uuid), invitation=invitation.pk
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(
    *, invitation: RoomInvitation, by, now: datetime | None = None
) -> RoomInvitation:
    """The link opens nothing from now on (a guest in the room stays until the host removes them
    in the room; a new link can be made at any time)."""
    if by.pk != invitation.room.host_id:
        raise RoomError(NOT_HOST, code="forbidden")
    if invitation.revoked_at is None:
        invitation.revoked_at = now or timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            action="video.invitation_revoked",
            by=by,
            target=str(invitation.room.uuid),
            invitation=invitation.pk,
        )
    return invitation


# --- Reads ----------------------------------------------------------------------------------


def invitation_for_token(token: str) -> RoomInvitation | None:
    """The invitation of a link's token (revoked and expired ones too; check ``usable``)."""
    if not token or len(token) > 100:
        return None
    return (
        RoomInvitation.objects.select_related("room", "room__host")
        .filter(token_hash=token_hash(token))
        .first()
    )


def current_date(room: VideoRoom, now: datetime) -> VideoRoomDate | None:
    """The date whose window contains ``now``, else the next one, else the last one."""
    dates = list(room.dates.all())
    for date in dates:
        opens, closes = join_window(date.start, date.end)
        if opens <= now < closes:
            return date
    upcoming = [date for date in dates if date.start > now]
    return upcoming[0] if upcoming else (dates[-1] if dates else None)


def role_of(room: VideoRoom, user) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.pk == room.host_id:
        return "host"
    if room.kind == VideoRoom.Kind.TEAM and any(c.pk == user.pk for c in room.colleagues.all()):
        return "colleague"
    return None


def _seat(room: VideoRoom, date: VideoRoomDate, **values) -> Seat:
    opens, closes = join_window(date.start, date.end)
    return Seat(opens=opens, closes=closes, **values)


def account_seat(room: VideoRoom, user, now: datetime) -> tuple[Seat, VideoRoomDate] | None:
    role = role_of(room, user)
    date = current_date(room, now)
    if role is None or date is None:
        return None
    seat = _seat(
        room,
        date,
        participant_id=participant_id(room, f"user:{user.pk}"),
        display_name=display_name(user),
        affiliation=OWNER if role == "host" else MEMBER,
        role=role,
        lobby_bypass=role == "colleague",
        user=user,
    )
    return seat, date


def guest_seat(
    invitation: RoomInvitation, name: str, now: datetime
) -> tuple[Seat, VideoRoomDate] | None:
    date = current_date(invitation.room, now)
    if date is None or not invitation.usable(now):
        return None
    seat = _seat(
        invitation.room,
        date,
        participant_id=participant_id(invitation.room, f"guest:{invitation.pk}"),
        display_name=name,
        affiliation=MEMBER,
        role="guest",
    )
    # The guest's token never outlives the link.
    if invitation.expires_at < seat.closes:
        seat = Seat(**{**seat.__dict__, "closes": max(seat.opens, invitation.expires_at)})
    return seat, date


@dataclass(frozen=True)
class RoomRow:
    room: VideoRoom
    date: VideoRoomDate  # the date open now, else the next one
    open: bool  # the room can be entered now
    role: str  # "host" or "colleague"


def upcoming_rooms(user, *, now: datetime | None = None) -> list[RoomRow]:
    """Rooms the person hosts or joins as a colleague that have a date to come (or open now),
    soonest first (two queries)."""
    now = now or timezone.now()
    rooms = (
        VideoRoom.objects.filter(
            Q(host=user) | Q(colleagues=user, kind=VideoRoom.Kind.TEAM),
            dates__end__gt=now - STAY_LATE,
        )
        .distinct()
        .prefetch_related("dates")
    )
    rows = []
    for room in rooms:
        date = current_date(room, now)
        if date is None:
            continue
        opens, closes = join_window(date.start, date.end)
        if closes <= now:
            continue
        role = "host" if room.host_id == user.pk else "colleague"
        rows.append(RoomRow(room=room, date=date, open=opens <= now < closes, role=role))
    return sorted(rows, key=lambda row: (row.date.start, row.room.pk))


def max_occupants(room: VideoRoom, now: datetime) -> int:
    guests = room.invitations.filter(revoked_at__isnull=True, expires_at__gt=now).count()
    if room.kind == VideoRoom.Kind.COUNSELLING:
        return 1 + guests
    return 1 + room.colleagues.count() + guests


class MeetingRooms(RoomKind):
    """The video server's questions about team and counselling rooms."""

    name = KIND
    keep_events = True

    def reservation(self, room: str, *, now: datetime) -> Reservation | Refusal | None:
        found = VideoRoom.objects.filter(room_name=room).first()
        if found is None:
            return None
        date = current_date(found, now)
        if date is None:
            return Refusal(_("This room has no dates."))
        opens, closes = join_window(date.start, date.end)
        if not opens <= now < closes:
            return Refusal(
                _("This room is only open from 10 minutes before until 15 minutes after a meeting.")
            )
        return Reservation(
            id=found.pk, closes=closes, max_occupants=max_occupants(found, now), lobby=True
        )

    def seat(self, room: str, *, user, now: datetime) -> Seat | None:
        found = VideoRoom.objects.filter(room_name=room).first()
        answer = account_seat(found, user, now) if found else None
        return answer[0] if answer else None

    def occupant_changed(self, change: OccupantChange) -> bool | None:
        found = VideoRoom.objects.filter(room_name=change.room).first()
        if found is None:
            return None
        known = {participant_id(found, f"user:{found.host_id}")}
        known |= {
            participant_id(found, f"user:{pk}")
            for pk in found.colleagues.values_list("pk", flat=True)
        }
        known |= {
            participant_id(found, f"guest:{pk}")
            for pk in found.invitations.values_list("pk", flat=True)
        }
        return change.participant in known
