"""E-mails about live sessions (templates ``courses/emails/live_*``) in each recipient's language
and time zone, with calendar files: METHOD:REQUEST when a seat is taken or the session changes,
METHOD:CANCEL when the seat is given up or the session is cancelled; one stable UID per session
and SEQUENCE raised on every change, so calendar apps update the same entry."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cms.ics import CalendarEvent, invitation
from cms.mail import Attachment, recipient_locale, send_templated_mail, site_url

from ..models import Enrolment, LiveSession, LiveSessionRegistration

REGISTERED = LiveSessionRegistration.Status.REGISTERED
WAITLISTED = LiveSessionRegistration.Status.WAITLISTED

# kind -> (template, calendar method for those holding a seat, who is told by default)
KINDS = {
    "announced": ("live_announced", None, "run"),
    "registered": ("live_registered", "REQUEST", None),
    "waitlisted": ("live_waitlisted", None, None),
    "promoted": ("live_promoted", "REQUEST", None),
    "unregistered": ("live_unregistered", "CANCEL", None),
    "changed": ("live_changed", "REQUEST", "open"),
    "cancelled": ("live_cancelled", "CANCEL", "open"),
    "reminder_24h": ("live_reminder_24h", None, "registered"),
    "reminder_1h": ("live_reminder_1h", None, "registered"),
}


def session_uid(session: LiveSession) -> str:
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "tandem"
    return f"live-{session.uuid}@{host}"


def details_url(session: LiveSession) -> str:
    return site_url(reverse("courses:live-session", args=[session.uuid]))


def calendar_event(session: LiveSession) -> CalendarEvent:
    """The session as a calendar entry; the location is its page on this site."""
    url = details_url(session)
    from django.utils.translation import gettext as _

    return CalendarEvent(
        uid=session_uid(session),
        sequence=session.sequence,
        start=session.start,
        end=session.end,
        summary=f"{session.title} ({session.run.course.title})",
        stamp=timezone.now(),
        url=url,
        location=url,
        description=_("Join here: %(url)s") % {"url": url},
        cancelled=session.is_cancelled,
    )


def _recipients(session: LiveSession, audience: str | None, user_ids) -> list[tuple[object, bool]]:
    """(person, holds a seat) pairs."""
    users = get_user_model().objects.filter(is_active=True)
    if user_ids:
        seated = set(
            session.registrations.filter(user_id__in=user_ids, status=REGISTERED).values_list(
                "user_id", flat=True
            )
        )
        return [(user, user.pk in seated) for user in users.filter(pk__in=user_ids)]
    if audience == "run":
        return [
            (user, False)
            for user in users.filter(
                enrolments__run=session.run_id,
                enrolments__status__in=Enrolment.LEARNING_STATUSES,
            ).distinct()
        ]
    statuses = [REGISTERED] if audience == "registered" else [REGISTERED, WAITLISTED]
    rows = session.registrations.filter(status__in=statuses, user__is_active=True).select_related(
        "user"
    )
    return [(row.user, row.status == REGISTERED) for row in rows]


def live_session_notify(session: LiveSession, kind: str, *, user_ids=None, now=None) -> int:
    template, method, audience = KINDS[kind]
    sent = 0
    for user, seated in _recipients(session, audience, user_ids):
        attachments = []
        if method and (seated or method == "CANCEL"):
            with recipient_locale(user):
                ics = invitation(calendar_event(session), method=method)
            attachments.append(
                Attachment(
                    "live-session.ics", ics, f"text/calendar; charset=utf-8; method={method}"
                )
            )
        sent += send_templated_mail(
            template=f"courses/emails/{template}",
            to=user,
            context={
                "session": session,
                "course": session.run.course,
                "name": user.get_full_name() or user.email,
                "seated": seated,
                "details_url": details_url(session),
                "course_url": site_url(session.run.course.url or ""),
                "now": now or timezone.now(),
            },
            attachments=attachments,
        )
    return sent
