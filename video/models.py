"""The video app's records. Meetings in video rooms (:mod:`video.meetings`) have their own models
there; this module gathers them for Django."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OccupantEvent(models.Model):
    """One occupant joined or left one room, as the video server reported it: for the attendance
    of room kinds that keep events (``RoomKind.keep_events``). Pseudonymous: the participant is
    the id of the token, which only the kind can resolve. Deleted with the retention of the kind."""

    kind = models.CharField(_("room kind"), max_length=50)
    room = models.CharField(_("room"), max_length=100)
    breakout = models.CharField(_("breakout room"), max_length=100, blank=True)
    participant = models.CharField(_("participant"), max_length=128)
    joined = models.BooleanField(_("joined"))
    at = models.DateTimeField(_("at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("occupant event")
        verbose_name_plural = _("occupant events")
        indexes = [models.Index(fields=["kind", "room", "at"], name="video_event_room_idx")]

    def __str__(self) -> str:
        return (
            f"{self.room} {self.participant} {'+' if self.joined else '-'} {self.at:%Y-%m-%d %H:%M}"
        )
