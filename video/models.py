"""The video app's records: occupant events for attendance, and the rooms for team meetings and
counselling with their dates and guest invitations."""

import uuid

from django.conf import settings
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


class VideoRoom(models.Model):
    """A room for team meetings or counselling, hosted by one person with the permission
    ``video.host_rooms``. Of a meeting nothing is stored but its dates, the host and attendance
    (the video server's join and leave events); nothing is recorded."""

    class Kind(models.TextChoices):
        TEAM = "team", _("Team meeting")
        COUNSELLING = "counselling", _("Counselling")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_("Shown to everyone you invite. Please no names or details of clients."),
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.CASCADE,
        related_name="hosted_video_rooms",
    )
    colleagues = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleagues"),
        blank=True,
        related_name="video_rooms",
        help_text=_("Colleagues with an account who may enter without waiting (team meetings)."),
    )
    room_name = models.CharField(_("room"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")
        ordering = ["-created_at"]
        permissions = [("host_rooms", _("May host video rooms"))]

    def __str__(self) -> str:
        return self.title


class VideoRoomDate(models.Model):
    """One meeting in a room: a one-off room has one, a recurring room several."""

    room = models.ForeignKey(
        VideoRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="dates"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        verbose_name = _("meeting date")
        verbose_name_plural = _("meeting dates")
        ordering = ["start"]
        indexes = [models.Index(fields=["room", "start"], name="video_date_room_idx")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}"


class RoomInvitation(models.Model):
    """A personal link for one external guest: only the hash of its token is stored; the guest
    enters with a display name only (kept in the token, not here) and waits in the lobby."""

    room = models.ForeignKey(
        VideoRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    label = models.CharField(
        _("note for you"),
        max_length=40,
        blank=True,
        help_text=_("So that you can tell the links apart, e.g. initials. Not shown to the guest."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("guest invitation")
        verbose_name_plural = _("guest invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"

    def usable(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at
