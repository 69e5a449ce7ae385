"""Personal data in the video app. See cms/privacy.py for how the inventory drives export and
erasure."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from cms.privacy import (
    DELETE,
    Personal,
    Record,
    register,
    register_erasure_hook,
    register_retention,
    retention_days,
)

from . import conf

EVENTS_KEPT = _("as long as the attendance of its room is kept (by default 90 days)")

register(
    Record(
        "video.OccupantEvent",
        # No link to an account: the participant is the pseudonymous id of a token, which only the
        # app that owns the room can resolve; that app exports and erases it with its own records.
        personal={
            "participant": Personal(
                _(
                    "pseudonymous id of a participant in a video room, with when they joined or left"
                ),
                _("attendance in the room (who was there, how long)"),
                EVENTS_KEPT,
                export=False,
            ),
        },
        other=("id", "kind", "room", "breakout", "joined", "at", "received_at"),
    )
)


ROOM_KEPT = _("until the host deletes their account, or the retention after the room's last date")
register(
    Record(
        "video.VideoRoom",
        subject=("host",),
        personal={
            "title": Personal(
                _("title of a room you host"), _("showing the room to those you invite"), ROOM_KEPT
            ),
            "created_at": Personal(
                _("when you created the room"), _("your list of rooms"), ROOM_KEPT
            ),
        },
        members={
            "colleagues": Personal(
                _("video rooms you are invited to as a colleague"),
                _("letting you into the team meeting without waiting; invitations by e-mail"),
                ROOM_KEPT,
            ),
        },
        other=("id", "uuid", "kind", "room_name"),
        erase=DELETE,
    ),
    Record(
        "video.VideoRoomDate",
        subject=("room__host",),
        personal={
            "start": Personal(
                _("when a meeting you host starts"), _("opening the room"), ROOM_KEPT
            ),
            "end": Personal(_("when a meeting you host ends"), _("opening the room"), ROOM_KEPT),
        },
        other=("id", "room"),
        erase=DELETE,
        export_related={"room": "room__title"},
    ),
    Record(
        "video.RoomInvitation",
        subject=("room__host",),
        personal={
            "label": Personal(
                _("your note on a guest link"), _("telling your guest links apart"), ROOM_KEPT
            ),
            "expires_at": Personal(
                _("until when a guest link is valid"), _("guest access"), ROOM_KEPT
            ),
            "created_at": Personal(_("when you made a guest link"), _("guest access"), ROOM_KEPT),
            "revoked_at": Personal(
                _("when you revoked a guest link"), _("guest access"), ROOM_KEPT
            ),
        },
        actors={
            "revoked_by": Personal(
                _("who revoked the link"), _("traceability"), ROOM_KEPT, export=False, erased=None
            )
        },
        other=("id", "room", "token_hash"),
        erase=DELETE,
        export_related={"room": "room__title"},
    ),
)


@register_retention("video: rooms after the retention following their last date")
def _rooms(*, now, dry_run: bool) -> int:
    from django.db.models import Max

    from .models import OccupantEvent, VideoRoom

    days = retention_days("video_meetings", int(conf.get("ROOM_RETENTION_DAYS")))
    old = VideoRoom.objects.annotate(last=Max("dates__end")).filter(
        last__lt=now - timedelta(days=days)
    )
    if dry_run:
        return old.count()
    rooms = list(old.values_list("room_name", flat=True))
    OccupantEvent.objects.filter(kind="video-room", room__in=rooms).delete()
    return old.delete()[0]


@register_erasure_hook
def _erase_attendance(user) -> dict[str, int]:
    """The join and leave events of a person in video rooms (pseudonymous ids of their account)."""
    from .meetings import participant_id
    from .models import OccupantEvent, VideoRoom

    rooms = VideoRoom.objects.filter(host=user) | VideoRoom.objects.filter(colleagues=user)
    removed = 0
    for room in rooms.distinct():
        removed += OccupantEvent.objects.filter(
            kind="video-room",
            room=room.room_name,
            participant=participant_id(room, f"user:{user.pk}"),
        ).delete()[0]
    return {"video.OccupantEvent": removed} if removed else {}


@register_retention("video: join and leave events after the retention of video rooms")
def _occupant_events(*, now, dry_run: bool) -> int:
    from .models import OccupantEvent

    days = retention_days("video_meetings", int(conf.get("ROOM_RETENTION_DAYS")))
    events = OccupantEvent.objects.filter(at__lt=now - timedelta(days=days))
    if dry_run:
        return events.count()
    return events.delete()[0]
