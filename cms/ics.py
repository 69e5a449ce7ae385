"""Calendar files (iCalendar, RFC 5545) for invitations and subscription feeds.

This module is neutral: it knows nothing about courses or mentoring. An app describes its
appointments as :class:`CalendarEvent` values and gets bytes back::

    event = CalendarEvent(uid=f"session-{session.uuid}@{host}", sequence=session.revision,
                          start=session.start, end=session.end, summary="Tandem-Treffen",
                          stamp=timezone.now(), organizer=("mentor@example.org", "Mentorin"),
                          attendees=(("mentee@example.org", "Mentee"),))
    invitation(event, method="REQUEST")   # attach as text/calendar; method=REQUEST
    feed(events, name="Meine Tandem-Termine")  # serve as text/calendar for subscriptions

``invitation`` writes an iTIP message (RFC 5546) with exactly one VEVENT. Keep ``uid`` stable
for the life of the appointment and increase ``sequence`` on every change, so that calendar
clients update or cancel the existing entry instead of adding a new one.

``feed`` writes a subscription calendar (METHOD:PUBLISH) without ORGANIZER or ATTENDEE:
the feed URL is usually secret but not authenticated, so it carries as little personal data
as possible.

All times are written in UTC ("Z" form) to the whole second; naive datetimes are rejected. Text
values are escaped by ``icalendar`` (commas, semicolons, backslashes, newlines) after dropping the
control characters iCalendar cannot carry; the output is UTF-8 with CRLF line
endings and long lines folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from icalendar import Calendar, Event, vCalAddress, vDuration

__all__ = ["DEFAULT_PRODUCT", "CalendarEvent", "feed", "invitation"]

DEFAULT_PRODUCT = "-//Tandem//Mentoring//DE"

#: How often subscribed clients should reload a feed.
FEED_REFRESH = timedelta(hours=1)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# RFC 5545 allows no control characters in a content line but HTAB; line breaks in text values
# are escaped by icalendar, the others are dropped.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    """One appointment, independent of the model it comes from.

    ``start``, ``end`` and ``stamp`` must be timezone-aware; they are converted to UTC.
    ``organizer`` and ``attendees`` are ``(email, display name)`` pairs; they are only written
    into invitations, never into feeds. ``cancelled`` marks an event as cancelled in a feed;
    for invitations the ``method`` decides.
    """

    uid: str  # stable across changes, e.g. "session-<uuid>@<host>"
    sequence: int  # incremented on every change (RFC 5546)
    start: datetime  # timezone-aware
    end: datetime  # timezone-aware
    summary: str
    stamp: datetime  # DTSTAMP, timezone-aware
    description: str = ""
    url: str = ""
    location: str = ""
    organizer: tuple[str, str] | None = None  # (email, display name)
    attendees: tuple[tuple[str, str], ...] = ()  # (email, display name)
    cancelled: bool = False


def invitation(
    event: CalendarEvent,
    *,
    method: Literal["REQUEST", "CANCEL"],
    product: str = DEFAULT_PRODUCT,
) -> bytes:
    """Return an iTIP message (METHOD REQUEST or CANCEL) with exactly one VEVENT.

    REQUEST writes STATUS:CONFIRMED and attendees with PARTSTAT=NEEDS-ACTION; CANCEL writes
    STATUS:CANCELLED. Raises ``ValueError`` for an unknown method, for a REQUEST of an event
    marked ``cancelled``, and for invalid events (see :func:`_vevent`).
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unsupported iTIP method: {method!r}")
    if method == "REQUEST" and event.cancelled:
        raise ValueError("A cancelled event must be sent with method='CANCEL'.")
    calendar = _calendar(product, method)
    vevent = _vevent(event, cancelled=method == "CANCEL")
    if event.organizer is not None:
        vevent.add("organizer", _address(*event.organizer))
    for email, name in event.attendees:
        params = {"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"}
        if method == "REQUEST":
            params["PARTSTAT"] = "NEEDS-ACTION"
        vevent.add("attendee", _address(email, name, **params))
    calendar.add_component(vevent)
    return calendar.to_ical()


def feed(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    product: str = DEFAULT_PRODUCT,
) -> bytes:
    """Return a subscription calendar (METHOD:PUBLISH) with one VEVENT per event.

    The calendar is named ``name`` (X-WR-CALNAME) and asks clients to refresh hourly
    (REFRESH-INTERVAL, X-PUBLISHED-TTL). Cancelled events stay in the feed with
    STATUS:CANCELLED so that clients remove them. Organizer and attendees are left out.
    """
    calendar = _calendar(product, "PUBLISH")
    calendar.add("x-wr-calname", _line(name))
    calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    for event in events:
        calendar.add_component(_vevent(event, cancelled=event.cancelled))
    return calendar.to_ical()


def _calendar(product: str, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", product)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _vevent(event: CalendarEvent, *, cancelled: bool) -> Event:
    """Build the VEVENT shared by invitations and feeds (no organizer/attendees).

    Raises ``ValueError`` for an empty UID, a negative sequence, naive datetimes or
    ``end <= start``.
    """
    if not _text(event.uid).strip():
        raise ValueError("CalendarEvent.uid must not be empty.")
    if event.sequence < 0:
        raise ValueError("CalendarEvent.sequence must not be negative.")
    start = _utc(event.start, "start")
    end = _utc(event.end, "end")
    stamp = _utc(event.stamp, "stamp")
    if end <= start:  # also for events shorter than a second: iCalendar counts whole seconds
        raise ValueError(f"CalendarEvent.end ({end}) must be after start ({start}).")

    vevent = Event()
    vevent.add("uid", _text(event.uid))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", _text(event.summary))
    for name, value in (
        ("description", event.description),
        ("url", event.url),
        ("location", event.location),
    ):
        if _text(value):
            vevent.add(name, _text(value))
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def _utc(value: datetime, field: str) -> datetime:
    """In UTC, to the whole second (the precision of iCalendar's DATE-TIME)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"CalendarEvent.{field} must be timezone-aware, got {value!r}.")
    return value.astimezone(UTC).replace(microsecond=0)


def _text(value: str) -> str:
    """A text value without the control characters a content line cannot carry (RFC 5545, 3.1)."""
    return _UNWRITABLE.sub("", value)


def _line(value: str) -> str:
    """A one-line value (the calendar's name): control characters and line breaks become spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _address(email: str, name: str, **params: str) -> vCalAddress:
    """A ``mailto:`` calendar address with CN (control characters collapsed to spaces)."""
    email = email.strip()
    if not email or _CONTROL.search(email):
        raise ValueError(f"Invalid e-mail address for calendar: {email!r}")
    address = vCalAddress(f"mailto:{email}")
    cn = " ".join(_CONTROL.sub(" ", name).split())
    if cn:
        address.params["CN"] = cn
    address.params.update(params)
    return address
