"""Attendance from the video server's occupant events, and no-show flags after a session."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cms.pseudonyms import keyed_id

from ..models import Session, SessionAttendance


def participant_id(session: Session, user_id: int) -> str:
    """A pseudonymous id for the video server: stable within a session, unlinkable across sessions."""
    return keyed_id(f"{session.uuid}:{user_id}")


@transaction.atomic
def attendance_record(
    *, session: Session, participant: str, joined: bool, at: datetime
) -> SessionAttendance | None:
    """A joined/left event from the video server. Unknown participants are ignored."""
    given = (participant or "").encode()
    user_id = next(
        (
            uid
            for uid in (session.mentor_id, session.mentee_id)
            if hmac.compare_digest(participant_id(session, uid).encode(), given)
        ),
        None,
    )
    if user_id is None:
        return None
    if joined:
        field = "mentor_joined_at" if user_id == session.mentor_id else "mentee_joined_at"
        if getattr(session, field) is None:
            Session.objects.filter(pk=session.pk).update(**{field: at})
            no_show = "mentor_no_show" if user_id == session.mentor_id else "mentee_no_show"
            Session.objects.filter(pk=session.pk).update(**{no_show: False})
        return SessionAttendance.objects.create(session=session, user_id=user_id, joined_at=at)
    open_visit = (
        SessionAttendance.objects.select_for_update()
        .filter(session=session, user_id=user_id, left_at__isnull=True)
        .order_by("-joined_at")
        .first()
    )
    if open_visit is not None and at >= open_visit.joined_at:
        open_visit.left_at = at
        open_visit.save(update_fields=["left_at"])
    return open_visit


NO_SHOW_GRACE = timedelta(minutes=15)


@transaction.atomic
def sessions_flag_no_shows(*, now: datetime | None = None) -> int:
    """After a booked session ended, a member the video server never saw is flagged as not come.
    Only for sessions the server reported on at all (someone joined), so an outage flags nobody."""
    now = now or timezone.now()
    ended = Session.objects.filter(
        status=Session.Status.BOOKED, end__lte=now - NO_SHOW_GRACE, end__gt=now - timedelta(days=7)
    )
    flagged = ended.filter(
        mentor_joined_at__isnull=True, mentee_joined_at__isnull=False, mentor_no_show=False
    ).update(mentor_no_show=True)
    flagged += ended.filter(
        mentee_joined_at__isnull=True, mentor_joined_at__isnull=False, mentee_no_show=False
    ).update(mentee_no_show=True)
    return flagged
