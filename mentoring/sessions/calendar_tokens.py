"""The secret of a person's private calendar subscription (iCal feed)."""

from __future__ import annotations

import secrets

from django.db import transaction

from ..models import CalendarToken


@transaction.atomic
def calendar_token_rotate(*, user) -> CalendarToken:
    """A new secret for the private iCal URL; the old URL stops working at once."""
    token = secrets.token_urlsafe(32)
    record, _created = CalendarToken.objects.update_or_create(user=user, defaults={"token": token})
    return record


def calendar_token_get_or_create(*, user) -> CalendarToken:
    existing = CalendarToken.objects.filter(user=user).first()
    return existing or calendar_token_rotate(user=user)
