"""Booking, confirming, moving and cancelling sessions, without double booking; every change is
kept in the session's history and announced to both members."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from video.jitsi import new_room_name

from ..models import Session, SessionChange, Tandem
from . import notifications, selectors
from . import slots as engine
from .errors import (
    NOT_ACTIVE,
    REASON_REQUIRED,
    SessionError,
    ensure_enabled,
    session_role,
    tandem_role,
)
from .reminders import REMINDERS
from .tasks import send_due_reminders

logger = logging.getLogger("tandem.mentoring")

TANDEM_NOT_ACTIVE = _("Sessions can be booked once both of you have accepted the tandem.")
LENGTH_NOT_OFFERED = _("This session length is not offered.")
SLOT_TAKEN = _("This time is no longer available. Please choose another one.")
OUT_OF_REACH = _("This time cannot be booked: it is in the past or beyond the booking period.")
#: No booking horizon is longer (SessionRules.horizon_days ≤ 365): times outside are refused before
#: any slot search, which would otherwise compute days beyond the ends of the calendar.
REACH = timedelta(days=366)
KEY_REUSED = _("This request key was already used for a different booking.")
TOO_LATE_TO_CHANGE = _(
    "It is too late to change this session online. Please contact your tandem partner."
)
ONLY_MENTEE_CONFIRMS = _("Only the mentee confirms a proposed session.")
NOT_PROPOSED = _("This session does not need a confirmation.")
ROOM_CHANGE_EMAIL_KINDS = ("booked", "proposed", "confirmed", "rescheduled", "cancelled")


def _record(
    session: Session,
    kind: str,
    by,
    reason: str = "",
    previous: tuple[datetime, datetime] | None = None,
):
    SessionChange.objects.create(
        session=session,
        kind=kind,
        by=by,
        reason=reason,
        start=session.start,
        end=session.end,
        previous_start=previous[0] if previous else None,
        previous_end=previous[1] if previous else None,
    )


def _notify(session: Session, kind: str, by) -> None:
    """The e-mails about the change, recorded in the outbox in the change's own transaction: they
    are sent after the commit, also when the mail server or the queue is down right now."""
    fresh = Session.objects.select_related("mentor", "mentee", "tandem__programme").get(
        pk=session.pk
    )
    notifications.session_changed(fresh, kind)
    if session.status == Session.Status.BOOKED:
        _schedule_reminders(session)


def _booking_kind(session: Session) -> str:
    if session.status == Session.Status.PROPOSED:
        return SessionChange.Kind.PROPOSED
    return SessionChange.Kind.BOOKED


def _schedule_reminders(session: Session) -> None:
    """With a worker that runs deferred tasks (the database backend), queue the reminder sweep for
    the moments reminders fall due; queued tasks survive a worker restart, and the sweep sends each
    reminder once however often it runs. Without one, ``manage.py session_reminders`` does it."""
    if not send_due_reminders.get_backend().supports_defer:
        return
    now = timezone.now()
    for _kind, before, _until in REMINDERS:
        due = session.start - before + timedelta(seconds=5)
        if due > now:
            transaction.on_commit(partial(_queue_sweep, due))


def _queue_sweep(due: datetime) -> None:
    """Queue the sweep for ``due``; with the queue (Redis) down, the booking still stands and the
    periodic sweep (``manage.py session_reminders``) sends the reminders."""
    try:
        send_due_reminders.using(run_after=due).enqueue()
    except Exception:  # noqa: BLE001 - the queue is unreachable right now
        logger.warning(
            "could not queue the reminder sweep for %s; the periodic sweep sends it", due
        )


#: The first key of the PostgreSQL advisory locks that serialise bookings per mentor (the second is
#: the mentor's user id); any fixed number that no other advisory lock of the site uses.
MENTOR_LOCK = 7213


def _serialise_per_mentor(mentor_id: int) -> None:
    """Hold the mentor's booking lock until the transaction ends, before limits are re-checked.

    The exclusion constraints stop overlapping sessions, but not two bookings of different times
    that each still see room under the per-day or per-week limit. PostgreSQL: a transaction-level
    advisory lock per mentor, so the re-check sees every booking committed before it (READ
    COMMITTED reads afresh per statement). SQLite: the IMMEDIATE transaction already holds the
    database's write lock from its first statement on."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [MENTOR_LOCK, mentor_id])


def _is_overlap(error: IntegrityError) -> bool:
    text = str(error)
    return "no_overlap" in text or "exclusion" in text.lower()


def _check_reach(*, start: datetime, length: int, now: datetime) -> None:
    """A start within reach and a sensible length, checked before any arithmetic on them (a
    start in the year 9999 plus an hour is past the calendar's end)."""
    if not now - timedelta(days=1) <= start <= now + REACH or not 0 < length <= 24 * 60:
        raise SessionError(OUT_OF_REACH, field="start", code="out_of_range")


def _check_free(
    *, tandem: Tandem, start: datetime, length: int, now: datetime, exclude: Session | None = None
) -> selectors.BookingRules:
    """The re-check inside the write transaction: the wanted slot is still among the bookable ones.
    ``start`` is in UTC, like the slots: Python never finds two aware datetimes of different zones
    equal when one of them lies in a repeated or skipped hour (PEP 495), so a slot written in the
    requester's zone on a night the clocks change would never be found among them."""
    _check_reach(start=start, length=length, now=now)
    end = start + timedelta(minutes=length)
    result = selectors.tandem_slots(
        tandem=tandem,
        length=length,
        start=start - timedelta(days=1),
        end=end + timedelta(days=1),
        now=now,
        exclude=exclude,
    )
    if length not in result.rules.lengths:
        raise SessionError(LENGTH_NOT_OFFERED, field="length", code="length_not_offered")
    if engine.Slot(start, end) not in result.slots:
        raise SessionError(SLOT_TAKEN, code="slot_unavailable")
    return result.rules


def _conflict(
    *, tandem: Tandem, start: datetime, length: int, now: datetime, exclude: Session | None = None
) -> SessionError:
    alternatives = selectors.next_free_slots(
        tandem=tandem, length=length, after=start - timedelta(hours=2), now=now, exclude=exclude
    )
    return SessionError(SLOT_TAKEN, code="slot_unavailable", alternatives=alternatives)


@dataclass(frozen=True)
class Booking:
    session: Session
    created: bool


def session_book(
    *,
    tandem: Tandem,
    start: datetime,
    length: int,
    by,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book a slot for the tandem. A retry with the same idempotency key returns the first booking."""
    ensure_enabled()
    now = now or timezone.now()
    start = engine.utc(start)
    role = tandem_role(tandem, by)
    if tandem.status != Tandem.Status.ACTIVE:
        raise SessionError(TANDEM_NOT_ACTIVE, code="tandem_not_active")
    key = (idempotency_key or "")[:64]
    if key:
        earlier = Session.objects.filter(created_by=by, idempotency_key=key).first()
        if earlier is not None:
            return _replay(earlier, tandem=tandem, start=start, length=length)
    # The session and its e-mails are made before the mentor's lock is taken: rendering the
    # mails and their calendar files is half the work of a booking, and every other booking with
    # this mentor waits while the lock is held. They are recorded under it, or dropped. (The
    # re-check's rules read the same programme object, so whether it is a proposal stays so.)
    _check_reach(start=start, length=length, now=now)
    proposed = role == "mentor" and tandem.programme.sessions_need_confirmation
    session = Session(
        tandem=tandem,
        mentor=tandem.mentor.user,
        mentee=tandem.mentee.user,
        start=start,
        end=start + timedelta(minutes=length),
        status=Session.Status.PROPOSED if proposed else Session.Status.BOOKED,
        room_name=new_room_name(),
        created_by=by,
        idempotency_key=key,
    )
    mails = notifications.session_change_mails(session, _booking_kind(session))
    try:
        with transaction.atomic():
            # The re-check and the insert are one step per mentor (limits per day and week); the
            # exclusion constraints stop overlaps with the mentee's other tandems as well.
            _serialise_per_mentor(tandem.mentor.user_id)
            rules = _check_free(tandem=tandem, start=start, length=length, now=now)
            session.blocked_from = start - rules.buffer_before
            session.blocked_until = session.end + rules.buffer_after
            session.save(force_insert=True)
            _record(session, _booking_kind(session), by)
            for mail in mails:
                mail.record()
            if session.status == Session.Status.BOOKED:
                _schedule_reminders(session)
    except IntegrityError as error:
        if key:
            earlier = Session.objects.filter(created_by=by, idempotency_key=key).first()
            if earlier is not None:
                return _replay(earlier, tandem=tandem, start=start, length=length)
        if _is_overlap(error):
            raise _conflict(tandem=tandem, start=start, length=length, now=now) from error
        raise
    except SessionError as error:
        if error.code == "slot_unavailable":
            # A concurrent request with the same key may have taken the slot after our first look.
            earlier = (
                Session.objects.filter(created_by=by, idempotency_key=key).first() if key else None
            )
            if earlier is not None:
                return _replay(earlier, tandem=tandem, start=start, length=length)
            raise _conflict(tandem=tandem, start=start, length=length, now=now) from error
        raise
    return Booking(session, True)


def _replay(earlier: Session, *, tandem: Tandem, start: datetime, length: int) -> Booking:
    if (
        earlier.tandem_id != tandem.pk
        or earlier.start != start
        or earlier.end != start + timedelta(minutes=length)
    ):
        raise SessionError(KEY_REUSED, code="idempotency_key_reused")
    return Booking(earlier, False)


def _lock(session: Session) -> Session:
    return (
        Session.objects.select_for_update()
        .select_related("tandem__programme", "tandem__mentor", "tandem__mentee")
        .get(pk=session.pk)
    )


def _check_change_allowed(
    session: Session, by, now: datetime, rules: selectors.BookingRules
) -> str:
    role = session_role(session, by)
    if not session.active:
        raise SessionError(NOT_ACTIVE, code="cancelled")
    if session.start - now < rules.change_cutoff:
        raise SessionError(TOO_LATE_TO_CHANGE, code="too_late")
    return role


@transaction.atomic
def session_confirm(*, session: Session, by, now: datetime | None = None) -> Session:
    session = _lock(session)
    if session.status != Session.Status.PROPOSED:
        raise SessionError(NOT_PROPOSED, code="not_proposed")
    if by.pk != session.mentee_id:
        raise SessionError(ONLY_MENTEE_CONFIRMS, code="not_allowed")
    session.status = Session.Status.BOOKED
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "changed_at"])
    _record(session, SessionChange.Kind.CONFIRMED, by)
    _notify(session, SessionChange.Kind.CONFIRMED, by)
    return session


def session_reschedule(
    *,
    session: Session,
    start: datetime,
    by,
    reason: str,
    length: int | None = None,
    now: datetime | None = None,
) -> Session:
    """Move a session to another free slot; the calendar entry keeps its UID, SEQUENCE goes up.
    Moving it to the time it already has changes nothing (no history entry, no e-mail)."""
    ensure_enabled()
    now = now or timezone.now()
    start = engine.utc(start)
    reason = (reason or "").strip()
    if not reason:
        raise SessionError(REASON_REQUIRED, field="reason")
    try:
        with transaction.atomic():
            _serialise_per_mentor(session.mentor_id)  # first, like a booking: one lock order
            session = _lock(session)
            tandem = session.tandem
            rules = selectors.booking_rules(
                tandem=tandem, schedule=selectors.mentor_schedule(session.mentor_id)
            )
            _check_change_allowed(session, by, now, rules)
            length = length or int((session.end - session.start).total_seconds() // 60)
            if (session.start, session.end) == (start, start + timedelta(minutes=length)):
                # Already there (a repeated click, a retry, a concurrent identical move that won
                # the lock first): nothing changes, so nobody is told and nothing is recorded.
                return session
            _check_free(tandem=tandem, start=start, length=length, now=now, exclude=session)
            previous = (session.start, session.end)
            session.start, session.end = start, start + timedelta(minutes=length)
            session.blocked_from = session.start - rules.buffer_before
            session.blocked_until = session.end + rules.buffer_after
            session.sequence += 1
            session.mentor_no_show = session.mentee_no_show = False
            session.save()
            _record(session, SessionChange.Kind.RESCHEDULED, by, reason, previous)
            _notify(session, SessionChange.Kind.RESCHEDULED, by)
    except IntegrityError as error:
        if _is_overlap(error) and length is not None:
            raise _conflict(
                tandem=session.tandem, start=start, length=length, now=now, exclude=session
            ) from error
        raise
    except SessionError as error:
        if error.code == "slot_unavailable" and length is not None:
            raise _conflict(
                tandem=session.tandem, start=start, length=length, now=now, exclude=session
            ) from error
        raise
    return session


@transaction.atomic
def session_cancel(*, session: Session, by, reason: str, now: datetime | None = None) -> Session:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise SessionError(REASON_REQUIRED, field="reason")
    session = _lock(session)
    rules = selectors.booking_rules(
        tandem=session.tandem, schedule=selectors.mentor_schedule(session.mentor_id)
    )
    _check_change_allowed(session, by, now, rules)
    session.status = Session.Status.CANCELLED
    session.cancelled_at, session.cancelled_by, session.cancel_reason = now, by, reason[:500]
    session.sequence += 1
    session.save()
    _record(session, SessionChange.Kind.CANCELLED, by, reason)
    _notify(session, SessionChange.Kind.CANCELLED, by)
    return session


@transaction.atomic
def sessions_cancel_with_tandem_end(
    *, tandems: list[Tandem], by, reason: str, now: datetime | None = None
) -> list[Session]:
    """Cancel the future sessions of tandems that end (the programme ended): unlike a member's
    cancellation, no change cut-off applies (an ended tandem cannot meet); each member gets the
    usual cancellation notice with its calendar update."""
    now = now or timezone.now()
    sessions = list(
        Session.objects.select_for_update()
        .filter(tandem__in=tandems, status__in=Session.ACTIVE, start__gt=now)
        .order_by("start", "pk")
    )
    for session in sessions:
        session.status = Session.Status.CANCELLED
        session.cancelled_at, session.cancelled_by, session.cancel_reason = now, by, reason[:500]
        session.sequence += 1
        session.save()
        _record(session, SessionChange.Kind.CANCELLED, by, reason)
        _notify(session, SessionChange.Kind.CANCELLED, by)
    return sessions
