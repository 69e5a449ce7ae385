"""Keeps ``selectors.AVAILABILITY`` (mentors' schedules and their calendars' free times, and the
tandems' free slots, read by the booking page and the slots API) no older than the data: any change
to a schedule or to django-scheduler's calendars, events, rules and occurrences starts a new
generation, and any change to a session starts new ``selectors.SESSIONS`` generations of its mentor
and mentee. Saves and deletes send these signals also from the admin and from django-scheduler's
own views; code that changes them with ``QuerySet.update`` or ``bulk_create`` must renew them itself
(the attendance updates change no field a slot depends on: status, start and blocked range)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .selectors import AVAILABILITY, SESSIONS


def _changed(sender, **kwargs) -> None:
    AVAILABILITY.renew_on_commit()


def _session_changed(sender, instance, **kwargs) -> None:
    SESSIONS.renew_on_commit([instance.mentor_id, instance.mentee_id])


def connect() -> None:
    from schedule.models import Calendar, CalendarRelation, Event, Occurrence, Rule

    from ..models import MentorSchedule, Session

    for model in (MentorSchedule, Calendar, CalendarRelation, Event, Occurrence, Rule):
        post_save.connect(_changed, sender=model, dispatch_uid=f"tandem_availability_{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"tandem_availability_del_{model}")
    post_save.connect(_session_changed, sender=Session, dispatch_uid="tandem_sessions_of")
    post_delete.connect(_session_changed, sender=Session, dispatch_uid="tandem_sessions_of_del")
