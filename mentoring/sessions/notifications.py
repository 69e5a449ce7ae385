"""E-mails about sessions (templates ``mentoring/emails/session_*``), in each recipient's language
and time zone, with calendar files:
METHOD:REQUEST for a booked or moved session, METHOD:CANCEL for a cancelled one; one stable UID
per session and SEQUENCE raised on every change, so calendar apps update the same entry."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.ics import CalendarEvent, invitation
from cms.mail import (
    Attachment,
    RenderedMail,
    recipient_locale,
    render_templated_mail,
    send_templated_mail,
    site_url,
)

from ..models import Session


def session_uid(session: Session) -> str:
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "tandem"
    return f"session-{session.uuid}@{host}"


def _name(user) -> str:
    return user.get_full_name() or user.email


def calendar_event(session: Session, *, with_people: bool = True) -> CalendarEvent:
    """The session as a calendar entry; the location is the join page on this site, never the
    video room itself."""
    join = site_url(reverse("mentoring:session-join", args=[session.uuid]))
    people = {}
    if with_people:
        people = {
            "organizer": (session.mentor.email, _name(session.mentor)),
            "attendees": (
                (session.mentee.email, _name(session.mentee)),
                (session.mentor.email, _name(session.mentor)),
            ),
        }
    return CalendarEvent(
        uid=session_uid(session),
        sequence=session.sequence,
        start=session.start,
        end=session.end,
        summary=_("Tandem session"),
        stamp=timezone.now(),
        url=join,
        location=join,
        description=_("Join here: %(url)s") % {"url": join},
        cancelled=session.status == Session.Status.CANCELLED,
        **people,
    )


# E-mail kinds with a calendar file: the entry is added or updated, or removed (CANCEL).
CALENDAR_METHODS = {
    "booked": "REQUEST",
    "confirmed": "REQUEST",
    "rescheduled": "REQUEST",
    "cancelled": "CANCEL",
}
TEMPLATES = {
    "booked": "session_booked",
    "confirmed": "session_confirmed",
    "proposed": "session_proposed",
    "rescheduled": "session_rescheduled",
    "cancelled": "session_cancelled",
    "24h": "session_reminder_24h",
    "1h": "session_reminder_1h",
}


def _send(
    session: Session, user, partner, kind: str, *, reason: str = "", now=None, key: str = ""
) -> int:
    return _mail(session, user, partner, kind, reason=reason, now=now, key=key).record()


def _mail(
    session: Session, user, partner, kind: str, *, reason: str = "", now=None, key: str = ""
) -> RenderedMail:
    attachments = []
    if kind in CALENDAR_METHODS:
        method = CALENDAR_METHODS[kind]
        with recipient_locale(user):
            ics = invitation(calendar_event(session), method=method)
        attachments.append(
            Attachment("session.ics", ics, f"text/calendar; charset=utf-8; method={method}")
        )
    return render_templated_mail(
        template=f"mentoring/emails/{TEMPLATES[kind]}",
        to=user,
        context={
            "session": session,
            "name": _name(user),
            "partner": _name(partner),
            "reason": reason,
            "join_url": site_url(reverse("mentoring:session-join", args=[session.uuid])),
            "details_url": site_url(reverse("mentoring:session", args=[session.uuid])),
            "programme": session.tandem.programme.title,
            "now": now or timezone.now(),
        },
        attachments=attachments,
        key=key,
    )


def session_changed(session: Session, kind: str, by=None) -> int:
    """Tell both members (a proposal only goes to the mentee, who is asked to confirm)."""
    return sum(mail.record() for mail in session_change_mails(session, kind))


def session_change_mails(session: Session, kind: str) -> list[RenderedMail]:
    """The e-mails of :func:`session_changed`, rendered and not yet recorded."""
    reason = ""
    if kind == "cancelled":
        reason = session.cancel_reason
    elif kind == "rescheduled":
        last = session.changes.filter(kind="rescheduled").order_by("-at", "-pk").first()
        reason = last.reason if last else ""
    pairs = [(session.mentee, session.mentor), (session.mentor, session.mentee)]
    if kind == "proposed":
        pairs = pairs[:1]
    return [_mail(session, user, partner, kind, reason=reason) for user, partner in pairs]


def reminder_key(session: Session, kind: str, user) -> str:
    """The idempotency key of one reminder: per session, kind, start time and recipient."""
    return f"reminder:{session.pk}:{kind}:{session.start.isoformat()}:{user.pk}"


def session_reminder(session: Session, kind: str, *, now=None) -> int:
    """Remind both members, each once (recorded in the outbox with ``reminder_key``); the text names
    the day as seen at ``now`` (default: the clock)."""
    return sum(
        _send(session, user, partner, kind, now=now, key=reminder_key(session, kind, user))
        for user, partner in ((session.mentee, session.mentor), (session.mentor, session.mentee))
    )


def times_requested(tandem) -> int:
    mentor, mentee = tandem.mentor.user, tandem.mentee.user
    return send_templated_mail(
        template="mentoring/emails/times_requested",
        to=mentor,
        context={
            "name": _name(mentor),
            "partner": _name(mentee),
            "programme": tandem.programme.title,
            "url": site_url(reverse("mentoring:availability")),
        },
    )
