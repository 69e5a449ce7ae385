"""E-mails to the colleagues of a team meeting (templates ``video/emails/room_*``), in each
recipient's language and time zone, with a calendar file: an invitation (METHOD:REQUEST) for a
one-off meeting, a calendar of all dates (METHOD:PUBLISH) for a recurring one, and METHOD:CANCEL
when a colleague is taken off the room. Each date keeps its UID (room and position), and the
sequence grows with every change, so calendar apps update the entries instead of adding new ones.

Guests get no e-mail from the site: the host passes their personal link on (the site keeps no
address of a guest)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.ics import CalendarEvent, feed, invitation
from cms.mail import Attachment, recipient_locale, send_templated_mail, site_url

from .models import VideoRoom


def room_url(room: VideoRoom) -> str:
    return site_url(reverse("video:room", args=[room.uuid]))


def _events(room: VideoRoom, *, sequence: int, cancelled: bool = False) -> list[CalendarEvent]:
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "tandem"
    url = room_url(room)
    return [
        CalendarEvent(
            uid=f"video-room-{room.uuid}-{position}@{host}",
            sequence=sequence,
            start=date.start,
            end=date.end,
            summary=room.title,
            stamp=timezone.now(),
            url=url,
            location=url,
            description=_("Join here: %(url)s") % {"url": url},
            cancelled=cancelled,
        )
        for position, date in enumerate(room.dates.order_by("start", "pk"))
    ]


def _calendar_file(room: VideoRoom, *, sequence: int, cancel: bool) -> Attachment | None:
    events = _events(room, sequence=sequence, cancelled=cancel)
    if not events:
        return None
    if len(events) == 1:
        method = "CANCEL" if cancel else "REQUEST"
        content = invitation(events[0], method=method)
    else:  # a recurring meeting: all its dates (cancelled ones marked so)
        content, method = feed(events, name=room.title), "PUBLISH"
    return Attachment("meeting.ics", content, f"text/calendar; charset=utf-8; method={method}")


def colleagues_notify(room: VideoRoom, *, kind: str, people, sequence: int) -> int:
    """Tell ``people`` that they were invited to the room ("invited"), that its dates or title
    changed ("changed") or that they were taken off it ("removed")."""
    sent = 0
    dates = list(room.dates.order_by("start", "pk"))
    for person in people:
        if not person.is_active or not person.email:
            continue
        with recipient_locale(person):
            attachment = _calendar_file(room, sequence=sequence, cancel=kind == "removed")
        sent += send_templated_mail(
            template=f"video/emails/room_{kind}",
            to=person,
            context={
                "room": room,
                "host_name": room.host.get_full_name() or room.host.email,
                "name": person.get_full_name() or person.email,
                "dates": dates,
                "room_url": room_url(room),
            },
            attachments=[attachment] if attachment else [],
            key=f"video-room:{room.uuid}:{kind}:{person.pk}:{sequence}",
        )
    return sent
