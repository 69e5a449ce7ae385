"""E-mails about sessions, in each recipient's language and time zone, with calendar files:
METHOD:REQUEST for a booked or moved session, METHOD:CANCEL for a cancelled one; one stable UID
per session and SEQUENCE raised on every change, so calendar apps update the same entry."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cms.ics import CalendarEvent, invitation

from ..models import Session


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


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


def local_time(moment, user) -> str:
    zone = ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    local = moment.astimezone(zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


SUBJECTS = {
    "booked": lambda: _("Session booked: %(when)s"),
    "confirmed": lambda: _("Session confirmed: %(when)s"),
    "proposed": lambda: _("Please confirm a session: %(when)s"),
    "rescheduled": lambda: _("Session moved to %(when)s"),
    "cancelled": lambda: _("Session cancelled: %(when)s"),
    "24h": lambda: _("Reminder: session tomorrow, %(when)s"),
    "1h": lambda: _("Reminder: session in one hour, %(when)s"),
}


def _send(session: Session, user, partner, kind: str, *, reason: str = "") -> int:
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        when = local_time(session.start, user)
        details = site_url(reverse("mentoring:session", args=[session.uuid]))
        lines = [_("Hello %(name)s,") % {"name": _name(user)}, ""]
        lines.append(
            {
                "booked": _("your session with %(partner)s is booked."),
                "confirmed": _("your session with %(partner)s is confirmed."),
                "proposed": _("%(partner)s proposes a session. Please confirm or decline it."),
                "rescheduled": _("your session with %(partner)s has been moved."),
                "cancelled": _("your session with %(partner)s has been cancelled."),
                "24h": _("your session with %(partner)s takes place tomorrow."),
                "1h": _("your session with %(partner)s starts in one hour."),
            }[kind]
            % {"partner": _name(partner)}
        )
        lines += ["", _("When: %(when)s") % {"when": when}]
        if reason:
            lines.append(_("Reason: %(reason)s") % {"reason": reason})
        if kind != "cancelled":
            lines.append(
                _("The video room opens 10 minutes before the start: %(url)s")
                % {"url": site_url(reverse("mentoring:session-join", args=[session.uuid]))}
            )
        lines += [
            _("Details, agenda and changes: %(url)s") % {"url": details},
            "",
            _("Nothing in the video session is recorded."),
            "",
            _("Kind regards"),
            session.tandem.programme.title,
        ]
        message = EmailMultiAlternatives(
            SUBJECTS[kind]() % {"when": when}, "\n".join(lines), None, [user.email]
        )
        if kind in ("booked", "confirmed", "rescheduled", "cancelled"):
            method = "CANCEL" if kind == "cancelled" else "REQUEST"
            ics = invitation(calendar_event(session), method=method)
            message.attach("session.ics", ics, f"text/calendar; charset=utf-8; method={method}")
        return message.send()


def session_changed(session: Session, kind: str, by=None) -> int:
    """Tell both members (a proposal only goes to the mentee, who is asked to confirm)."""
    reason = ""
    if kind == "cancelled":
        reason = session.cancel_reason
    elif kind == "rescheduled":
        last = session.changes.filter(kind="rescheduled").order_by("-at", "-pk").first()
        reason = last.reason if last else ""
    pairs = [(session.mentee, session.mentor), (session.mentor, session.mentee)]
    if kind == "proposed":
        pairs = pairs[:1]
    return sum(_send(session, user, partner, kind, reason=reason) for user, partner in pairs)


def session_reminder(session: Session, kind: str) -> int:
    return sum(
        _send(session, user, partner, kind)
        for user, partner in ((session.mentee, session.mentor), (session.mentor, session.mentee))
    )
