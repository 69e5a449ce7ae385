"""Personal data in the video app. See cms/privacy.py for how the inventory drives export and
erasure."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from cms.privacy import Personal, Record, register, register_retention, retention_days

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


@register_retention("video: join and leave events after the retention of video rooms")
def _occupant_events(*, now, dry_run: bool) -> int:
    from .models import OccupantEvent

    days = retention_days("video_meetings", int(conf.get("ROOM_RETENTION_DAYS")))
    events = OccupantEvent.objects.filter(at__lt=now - timedelta(days=days))
    if dry_run:
        return events.count()
    return events.delete()[0]
