"""Demo data of the video app: a weekly team room and a counselling room with a guest link
(``python manage.py seed_demo``). Safe to run repeatedly."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from . import meetings
from .models import RoomInvitation, VideoRoom

#: The demo's guest link is known, so that it can be tried: /video/invite/<token>/
DEMO_GUEST_TOKEN = "demo-gastlink-beratung-musterverband"  # noqa: S105 - a demo link, on purpose


def seed(*, host, colleagues) -> str:
    """Rooms of ``host`` (who gets the permission to host video rooms); returns the guest link's path."""
    host.user_permissions.add(Permission.objects.get(codename="host_rooms"))
    host = type(host).objects.get(pk=host.pk)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if not VideoRoom.objects.filter(host=host, title="Teamrunde Ehrenamtskoordination").exists():
        meetings.room_create(
            host=host,
            kind=VideoRoom.Kind.TEAM,
            title="Teamrunde Ehrenamtskoordination",
            dates=meetings.weekly_dates(start + timedelta(days=1), 60, 7),
            colleagues=colleagues,
        )
    room = VideoRoom.objects.filter(host=host, title="Beratung (Online-Sprechstunde)").first()
    if room is None:
        room = meetings.room_create(
            host=host,
            kind=VideoRoom.Kind.COUNSELLING,
            title="Beratung (Online-Sprechstunde)",
            dates=[(start - timedelta(minutes=55), start + timedelta(minutes=5))]
            + meetings.weekly_dates(start + timedelta(days=2), 45, 3),
        )
    if not RoomInvitation.objects.filter(token_hash=meetings.token_hash(DEMO_GUEST_TOKEN)).exists():
        RoomInvitation.objects.create(
            room=room,
            token_hash=meetings.token_hash(DEMO_GUEST_TOKEN),
            label="Gast (Demo)",
            expires_at=timezone.now() + timedelta(days=30),
        )
    return f"/video/invite/{DEMO_GUEST_TOKEN}/"
