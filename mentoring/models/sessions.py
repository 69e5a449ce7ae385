"""Video sessions of a tandem, their history, reminders, attendance, notes and feedback."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.db import PostgresExclusionConstraint, TsTzRange

ACTIVE_SESSION = Q(status__in=["proposed", "booked"])


class Session(models.Model):
    """One meeting of a tandem. ``blocked_from``/``blocked_until`` is the session with the mentor's
    buffers; no two active sessions of one mentor or one mentee ever overlap there (an exclusion
    constraint on PostgreSQL, a re-check in an immediate transaction on SQLite)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed, awaiting confirmation")
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.PROPOSED, Status.BOOKED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tandem = models.ForeignKey(
        "mentoring.Tandem", on_delete=models.CASCADE, related_name="sessions"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocked_from = models.DateTimeField(_("blocked from (with buffer)"))
    blocked_until = models.DateTimeField(_("blocked until (with buffer)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    room_name = models.CharField(_("room"), max_length=64, unique=True)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    agenda = models.TextField(_("shared agenda"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("booked at"), db_default=Now())
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    mentor_joined_at = models.DateTimeField(_("mentor joined"), null=True, blank=True)
    mentee_joined_at = models.DateTimeField(_("mentee joined"), null=True, blank=True)
    mentor_no_show = models.BooleanField(_("mentor did not come"), default=False)
    mentee_no_show = models.BooleanField(_("mentee did not come"), default=False)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["mentor", "start"]),
            models.Index(fields=["mentee", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("start")) & Q(blocked_until__gte=F("end")),
                name="session_buffer_around_session",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="session_two_people"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="session_cancelled_has_time",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="session_idempotency_key_once_per_user",
            ),
            PostgresExclusionConstraint(
                name="session_mentor_no_overlap",
                expressions=[
                    (TsTzRange("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                    ("mentor", RangeOperators.EQUAL),
                ],
                condition=ACTIVE_SESSION,
            ),
            PostgresExclusionConstraint(
                name="session_mentee_no_overlap",
                expressions=[
                    (TsTzRange("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                    ("mentee", RangeOperators.EQUAL),
                ],
                condition=ACTIVE_SESSION,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tandem} {self.start:%Y-%m-%d %H:%M}"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def state_label(self) -> str:
        """The status as people read it: a booked session that has ended is no longer
        "booked" but held, missed by someone, or simply past (when nobody's presence is known)."""
        if self.status == self.Status.CANCELLED or not self.is_past:
            return str(self.get_status_display())
        if self.status == self.Status.PROPOSED:
            return str(pgettext_lazy("session", "past, never confirmed"))
        if self.mentor_no_show and self.mentee_no_show:
            return str(pgettext_lazy("session", "past, neither came"))
        if self.mentor_no_show:
            return str(pgettext_lazy("session", "past, the mentor did not come"))
        if self.mentee_no_show:
            return str(pgettext_lazy("session", "past, the mentee did not come"))
        if self.mentor_joined_at and self.mentee_joined_at:
            return str(pgettext_lazy("session", "held"))
        return str(pgettext_lazy("session", "past"))

    def member_role(self, user) -> str | None:
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        return None


class SessionChange(models.Model):
    """The history of a session: who booked, confirmed, moved or cancelled it, when and why."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("booked")
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        RESCHEDULED = "rescheduled", _("moved")
        CANCELLED = "cancelled", _("cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), db_default=Now())
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    previous_start = models.DateTimeField(_("previous start"), null=True, blank=True)
    previous_end = models.DateTimeField(_("previous end"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind}"


class SessionReminder(models.Model):
    """A reminder claimed for one session at one start time: the unique constraint makes every
    reminder go out once, and a moved session (new start) gets its own."""

    class Kind(models.TextChoices):
        DAY = "24h", _("a day before")
        HOUR = "1h", _("an hour before")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    session_start = models.DateTimeField()
    sent_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("session reminder")
        verbose_name_plural = _("session reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "session_start"], name="session_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind}"


class SessionAttendance(models.Model):
    """A participant in the room, as the Jitsi server reported (joined/left)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("joined_at")),
                name="attendance_leaves_after_joining",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.user_id}"


class SessionNote(models.Model):
    """A member's private notes: never shown to the other member or to programme managers."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("my notes"), max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"], name="session_note_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.author_id}"


class SessionFeedback(models.Model):
    """The mentee's feedback on one session."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(
        _("what was helpful, what could be better?"), blank=True, max_length=5000
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="session_feedback_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.rating}"


class CalendarToken(models.Model):
    """The secret in a person's private iCal subscription URL; rotating it retires the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return str(self.user_id)
