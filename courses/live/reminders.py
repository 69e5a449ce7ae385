"""Reminders a day and an hour before a live session, each sent exactly once per session and
start time (the same claim-before-send pattern as the tandem sessions' reminders)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import LiveSession, LiveSessionReminder
from . import notifications

# (kind, sent from this long before the start, until this long before it)
REMINDERS = (
    (LiveSessionReminder.Kind.DAY, timedelta(hours=24), timedelta(hours=1)),
    (LiveSessionReminder.Kind.HOUR, timedelta(hours=1), timedelta(0)),
)


def live_reminders_send_due(*, now: datetime | None = None) -> int:
    """Send due reminders to everyone registered (not to those waiting). The claim row is written
    before sending and removed if sending fails, so concurrent sweeps never double-send, and a
    moved session is reminded of its new time only."""
    now = now or timezone.now()
    sent = 0
    for kind, before, until in REMINDERS:
        claimed = LiveSessionReminder.objects.filter(
            session=OuterRef("pk"), kind=kind, session_start=OuterRef("start")
        )
        due = (
            LiveSession.objects.filter(
                status=LiveSession.Status.SCHEDULED,
                start__gt=now + until,
                start__lte=now + before,
            )
            .filter(~Exists(claimed))
            .select_related("run__course")
        )
        for session in due:
            try:
                with transaction.atomic():
                    claim = LiveSessionReminder.objects.create(
                        session=session, kind=kind, session_start=session.start
                    )
            except IntegrityError:
                continue
            try:
                sent += notifications.live_session_notify(session, f"reminder_{kind}", now=now)
            except Exception:
                claim.delete()
                raise
    return sent
