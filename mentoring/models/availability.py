"""When mentors can meet: a django-scheduler calendar per mentor, with weekly windows and date
exceptions kept as wall-clock times in the mentor's own time zone, and the booking rules."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_session_lengths(value) -> None:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, int) and 15 <= item <= 240 for item in value)
    ):
        raise ValidationError(_("Give one or more session lengths between 15 and 240 minutes."))


def default_session_lengths() -> list[int]:
    return [30, 45, 60]


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class SessionRules(models.Model):
    """Rules for booking sessions: the programme's apply unless a mentor sets their own."""

    session_lengths = models.JSONField(
        _("session lengths (minutes)"),
        default=default_session_lengths,
        validators=[validate_session_lengths],
    )
    buffer_before = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(120)]
    )
    buffer_after = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=15, validators=[MaxValueValidator(120)]
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"), default=24, validators=[MaxValueValidator(720)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=56,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    max_per_day = models.PositiveSmallIntegerField(
        _("at most per day"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    max_per_week = models.PositiveSmallIntegerField(
        _("at most per week"), default=4, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    class Meta:
        abstract = True


class MentorSchedule(SessionRules):
    """A mentor's booking calendar. The django-scheduler ``Calendar`` holds the availability as
    events (weekly windows with a rule, date exceptions as single events). The booking rules here
    replace the programme's only when ``own_rules`` is set."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_schedule"
    )
    calendar = models.OneToOneField("schedule.Calendar", on_delete=models.PROTECT, related_name="+")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_time_zone],
        help_text=_("Your availability is kept in this zone, also across daylight saving changes."),
    )
    own_rules = models.BooleanField(
        _("use my own booking rules"),
        default=False,
        help_text=_("Otherwise the rules of the programme apply."),
    )

    class Meta:
        verbose_name = _("mentor calendar")
        verbose_name_plural = _("mentor calendars")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class AvailabilityWindow(models.Model):
    """A weekly recurring window, e.g. Tuesdays 17:00–19:00 in the mentor's zone."""

    schedule = models.ForeignKey(MentorSchedule, on_delete=models.CASCADE, related_name="windows")
    event = models.OneToOneField("schedule.Event", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="window_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_weekday_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="window_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """A date exception: extra availability on a date, or blocked time (a day, part of a day,
    or an absence over several days)."""

    class Kind(models.TextChoices):
        AVAILABLE = "available", _("extra availability")
        BLOCKED = "blocked", _("blocked / absent")

    schedule = models.ForeignKey(
        MentorSchedule, on_delete=models.CASCADE, related_name="exceptions"
    )
    event = models.OneToOneField("schedule.Event", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date_from = models.DateField(_("from date"))
    date_until = models.DateField(_("until date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note (only for you)"), max_length=200, blank=True)

    class Meta:
        ordering = ["date_from", "start_time"]
        verbose_name = _("date exception")
        verbose_name_plural = _("date exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_until__gte=F("date_from")), name="exception_dates_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | (Q(start_time__isnull=False) & Q(end_time__gt=F("start_time"))),
                name="exception_times_whole_day_or_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="available") | Q(start_time__isnull=False),
                name="exception_extra_availability_has_times",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date_from}"
