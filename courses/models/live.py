"""Live sessions of a course run (Live-Termine): dated group video sessions with seats, a waiting
list and attendance from the video server's occupant events."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_room_name() -> str:
    """An unguessable video room name of lower-case letters and digits (no personal data)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=").lower()


class LiveAttendanceRule(models.TextChoices):
    NONE = "none", _("no attendance required")
    EACH_SHARE = "each_share", _("at least a share of each live session")
    ALL = "all", _("attend all live sessions")


class LiveSession(models.Model):
    """One dated live session of a run. Hosts: the run's trainer and the course's trainers."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    room_name = models.CharField(
        _("video room"), max_length=64, unique=True, default=new_room_name, editable=False
    )
    run = models.ForeignKey(
        "courses.CourseRun",
        on_delete=models.CASCADE,
        related_name="live_sessions",
        verbose_name=_("course run"),
    )
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"))
    seats = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the places of the course run."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attendance_computed_at = models.DateTimeField(_("attendance computed"), null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=720),
                name="live_session_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gt=0),
                name="live_session_seats_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "start"])]

    def __str__(self) -> str:
        return self.title

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def effective_seats(self) -> int | None:
        """Its own seats, else the run's places; None: unlimited."""
        return self.seats if self.seats is not None else self.run.capacity

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class LiveSessionRegistration(models.Model):
    """A learner's seat in a live session, or a place on its waiting list."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.REGISTERED, Status.WAITLISTED)

    session = models.ForeignKey(
        LiveSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("live session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_session_registrations",
        verbose_name=_("learner"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("live session registration")
        verbose_name_plural = _("live session registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=["registered", "waitlisted"]),
                name="live_registration_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.session_id} ({self.status})"


class LiveOccupantEvent(models.Model):
    """A join or leave of a person in a live session's room, as the video server reported it.
    Kept until the attendance is computed (then deleted in the yes/no mode)."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="occupant_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    joined = models.BooleanField(_("joined"))
    at = models.DateTimeField(_("at"))
    connection = models.CharField(_("connection"), max_length=100, blank=True)
    event_id = models.CharField(_("event id"), max_length=100)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("occupant event")
        verbose_name_plural = _("occupant events")
        constraints = [
            models.UniqueConstraint(fields=["session", "event_id"], name="live_occupant_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.user_id} {'join' if self.joined else 'leave'} {self.at}"


class LiveAttendance(models.Model):
    """A person's attendance in one live session: minutes and share, or in the yes/no mode
    (TANDEM_COURSES_LIVE_ATTENDANCE_MODE = "boolean") only whether the person attended."""

    session = models.ForeignKey(
        LiveSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("live session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_attendances",
        verbose_name=_("learner"),
    )
    minutes = models.PositiveIntegerField(_("minutes present"), null=True, blank=True)
    share_percent = models.PositiveSmallIntegerField(
        _("share present in percent"), null=True, blank=True
    )
    attended = models.BooleanField(_("attended"), default=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["session", "user"]
        verbose_name = _("live attendance")
        verbose_name_plural = _("live attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="live_attendance_once"),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True) | Q(share_percent__lte=100),
                name="live_attendance_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.session_id}"


class LiveSessionReminder(models.Model):
    """A reminder sent for a session's start: claimed once per person, kind and start time."""

    class Kind(models.TextChoices):
        DAY = "24h", _("a day before")
        HOUR = "1h", _("an hour before")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    session_start = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("live session reminder")
        verbose_name_plural = _("live session reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "session_start"], name="live_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind}"
