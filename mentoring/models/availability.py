"""When mentors can meet: one django-scheduler ``Calendar`` per mentor holds the availability, and
``MentorSchedule`` keeps what django-scheduler has no place for (the mentor's zone, the booking rules).

In the calendar, all times are wall-clock times in the mentor's zone:

* a weekly window is an ``Event`` titled ``available`` with a weekly ``Rule``; its ``start``/``end``
  are its first occurrence, ``end_recurring_period`` the midnight after its last day;
* extra availability on a date is an ``Event`` titled ``available`` (with a daily ``Rule`` when it
  spans several days);
* blocked time (part of a day, whole days, an absence) is an ``Event`` titled ``blocked`` (daily
  ``Rule`` for the same hours on several days); its ``description`` is the mentor's private note;
* a cancelled ``Occurrence`` takes one occurrence out (a weekly window's Tuesday, a blocked day),
  a moved one is offered where it was moved to.

``mentoring.sessions.selectors`` reads these in two queries and expands them with django-scheduler's
``Period``; nothing else stores availability."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.timezones import available_time_zones


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
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


class AvailabilityKind(models.TextChoices):
    """The ``title`` of an event in a mentor's calendar: what the event means for booking."""

    AVAILABLE = "available", _("extra availability")
    BLOCKED = "blocked", _("blocked / absent")


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
    """A mentor's booking calendar: the django-scheduler ``calendar`` holds the availability (see
    the module docstring), ``time_zone`` says in which zone its wall-clock times are meant. The
    booking rules here replace the programme's only when ``own_rules`` is set."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_schedule"
    )
    calendar = models.OneToOneField(
        "schedule.Calendar", on_delete=models.PROTECT, related_name="mentor_schedule"
    )
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
