"""Writes of the video app."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from cms.mail import send_templated_mail

from .models import OccupantEvent
from .rooms import OccupantChange, RoomKind


def occupant_event_keep(*, kind: RoomKind, change: OccupantChange) -> OccupantEvent | None:
    """Keep a known occupant's join or leave for attendance; an exact repeat is kept once."""
    event, _created = OccupantEvent.objects.get_or_create(
        kind=kind.name,
        room=change.room[:100],
        breakout=change.breakout[:100],
        participant=change.participant[:128],
        joined=change.joined,
        at=change.at,
    )
    return event


def occupant_events_delete(
    *, kind: str, rooms: list[str] | None = None, before: datetime | None = None
) -> int:
    """Delete kept events of a kind: of some rooms, or those before a time (retention)."""
    events = OccupantEvent.objects.filter(kind=kind)
    if rooms is not None:
        events = events.filter(room__in=rooms)
    if before is not None:
        events = events.filter(at__lt=before)
    return events.delete()[0]


#: Operators hear of a missing video server at most once in this many seconds.
UNCONFIGURED_NOTICE_EVERY = 24 * 3600


def unconfigured_notify_operators(*, hint: str) -> bool:
    """Someone met a room that cannot open for want of a video server: tell the site's
    superusers by e-mail, at most once a day; ``True`` when e-mails were queued."""
    if not cache.add("video:unconfigured-notice", 1, UNCONFIGURED_NOTICE_EVERY):
        return False
    operators = list(
        get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    )

    def send() -> None:
        for operator in operators:
            send_templated_mail(
                template="video/emails/unconfigured", to=operator, context={"hint": hint}
            )

    transaction.on_commit(send)
    return bool(operators)
