"""Keeps ``selectors.AVAILABILITY`` (mentors' schedules and their calendars' free times, read by
the booking page and the slots API) no older than the data: any change to a schedule or to
django-scheduler's calendars, events, rules and occurrences starts a new generation. Saves and
deletes send these signals also from the admin and from django-scheduler's own views; code that
changes them with ``QuerySet.update`` or ``bulk_create`` must renew it itself."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .selectors import AVAILABILITY


def _changed(sender, **kwargs) -> None:
    AVAILABILITY.renew_on_commit()


def connect() -> None:
    from schedule.models import Calendar, CalendarRelation, Event, Occurrence, Rule

    from ..models import MentorSchedule

    for model in (MentorSchedule, Calendar, CalendarRelation, Event, Occurrence, Rule):
        post_save.connect(_changed, sender=model, dispatch_uid=f"tandem_availability_{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"tandem_availability_del_{model}")
