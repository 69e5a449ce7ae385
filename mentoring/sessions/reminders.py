"""Reminders 24 hours and 1 hour before a session, each sent exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from ..models import Session, SessionReminder
from . import notifications

# (kind, sent from this long before the start, until this long before it)
REMINDERS = (
    (SessionReminder.Kind.DAY, timedelta(hours=24), timedelta(hours=1)),
    (SessionReminder.Kind.HOUR, timedelta(hours=1), timedelta(0)),
)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Record the reminders that are due in the outbox, each exactly once; returns how many mails
    were recorded. Per session, the claim (a unique row per session, kind and start time) and both
    mails are written in one transaction, so a worker killed mid-sweep leaves each session either
    reminded completely or not at all, and the outbox sends them (retried while the mail server
    fails; its idempotency key per session, kind, start and recipient never lets a mail go twice).
    A moved session is reminded of its new time only. Reminders for a time already announced
    (booked within the period) are skipped."""
    now = now or timezone.now()
    sent = 0
    for kind, before, until in REMINDERS:
        claimed = SessionReminder.objects.filter(
            session=OuterRef("pk"), kind=kind, session_start=OuterRef("start")
        )
        due = (
            Session.objects.filter(
                status=Session.Status.BOOKED, start__gt=now + until, start__lte=now + before
            )
            .filter(~Exists(claimed))
            .annotate(last_change=Max("changes__at"))
            .select_related("mentor", "mentee", "tandem__programme")
        )
        for session in due:
            if session.last_change is not None and session.last_change > session.start - before:
                continue  # the booking e-mail just told them
            try:
                with transaction.atomic():
                    SessionReminder.objects.create(
                        session=session, kind=kind, session_start=session.start
                    )
                    sent += notifications.session_reminder(session, kind, now=now)
            except IntegrityError:
                continue  # another sweep claimed it first
    return sent
