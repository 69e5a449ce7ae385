"""Business rules of sessions: availability, booking without double booking, confirming, moving,
cancelling with history, notes, agenda, feedback, attendance, reminders and calendar tokens.
Views, API and admin call these; each owns its transaction."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schedule.models import Calendar, Event, Rule

from cms.errors import ServiceError
from cms.pseudonyms import keyed_id

from ..models import (
    AvailabilityException,
    AvailabilityWindow,
    CalendarToken,
    MentorSchedule,
    Session,
    SessionAttendance,
    SessionChange,
    SessionFeedback,
    SessionNote,
    SessionReminder,
    Tandem,
)
from ..video.jitsi import new_room_name
from . import selectors
from . import slots as engine

NOT_A_MEMBER = _("You are not part of this tandem.")
TANDEM_NOT_ACTIVE = _("Sessions can be booked once both of you have accepted the tandem.")
SESSIONS_DISABLED = _("Video sessions are switched off on this site.")
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
NOT_ACTIVE = _("This session is cancelled.")
REASON_REQUIRED = _("Please give a reason.")
ONLY_MENTEE_CONFIRMS = _("Only the mentee confirms a proposed session.")
NOT_PROPOSED = _("This session does not need a confirmation.")
NOT_YET_HELD = _("This is possible once the session has started.")
ONLY_MENTEE_FEEDBACK = _("Feedback on sessions comes from mentees.")
FEEDBACK_TWICE = _("You have already given feedback on this session.")
RATING_RANGE = _("Please rate from 1 to 5.")
BAD_TIME_ZONE = _("Please choose a time zone from the list.")
WINDOW_ORDER = _("The end must be after the start.")
OVERLAPPING_WINDOWS = _("These times overlap on %(day)s.")
PAST_DATE = _("Please choose a date that is not in the past.")

ROOM_CHANGE_EMAIL_KINDS = ("booked", "proposed", "confirmed", "rescheduled", "cancelled")


class SessionError(ServiceError):
    """A rule of sessions was not met; ``alternatives`` are free slots offered instead."""

    def __init__(
        self,
        message,
        *,
        code: str = "invalid",
        field: str | None = None,
        alternatives: list[engine.Slot] | None = None,
    ):
        super().__init__(message, code=code, field=field)
        self.alternatives = alternatives or []


def _enabled() -> None:
    from .. import conf

    if not conf.get("SESSIONS_ENABLED"):
        raise SessionError(SESSIONS_DISABLED, code="sessions_disabled")


# --- Availability ------------------------------------------------------------------------------


@transaction.atomic
def schedule_get_or_create(*, user) -> MentorSchedule:
    """A mentor's calendar, created on first use in the person's own time zone."""
    schedule = MentorSchedule.objects.filter(user=user).first()
    if schedule is not None:
        return schedule
    calendar = Calendar.objects.create(name=f"mentor-{user.pk}", slug=f"mentor-{user.pk}")
    zone = getattr(user, "time_zone", "") or settings.TIME_ZONE
    return MentorSchedule.objects.create(user=user, calendar=calendar, time_zone=zone)


def _weekly_rule() -> Rule:
    rule, _created = Rule.objects.get_or_create(
        frequency="WEEKLY", params="", defaults={"name": "weekly", "description": "weekly"}
    )
    return rule


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@dataclass(frozen=True)
class WindowInput:
    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None


def _check_windows(windows: list[WindowInput]) -> None:
    by_day: dict[int, list[WindowInput]] = {}
    for window in windows:
        if window.end <= window.start:
            raise SessionError(WINDOW_ORDER, field="windows")
        by_day.setdefault(window.weekday, []).append(window)
    for weekday, items in by_day.items():
        items.sort(key=lambda item: item.start)
        for first, second in zip(items, items[1:], strict=False):
            if second.start < first.end:
                from ..models.availability import WEEKDAYS

                raise SessionError(
                    OVERLAPPING_WINDOWS % {"day": dict(WEEKDAYS)[weekday]}, field="windows"
                )


@transaction.atomic
def availability_set_weekly(
    *, schedule: MentorSchedule, windows: list[WindowInput]
) -> list[AvailabilityWindow]:
    """Replace the weekly availability. Each window becomes a django-scheduler event with a weekly
    rule, starting on its first date at the wall-clock time in the mentor's zone."""
    _check_windows(windows)
    old_events = list(schedule.windows.values_list("event_id", flat=True))
    schedule.windows.all().delete()
    Event.objects.filter(pk__in=old_events).delete()
    rule = _weekly_rule()
    zone = schedule.zone
    today = timezone.localdate(timezone=zone)
    created = []
    for window in windows:
        first = _first_on_or_after(window.valid_from or today, window.weekday)
        event = Event.objects.create(
            calendar=schedule.calendar,
            rule=rule,
            title="available",
            creator=schedule.user,
            start=engine.wall_clock(first, window.start, zone),
            end=engine.wall_clock(first, window.end, zone),
            end_recurring_period=(
                engine.wall_clock(window.valid_until + timedelta(days=1), time(0), zone)
                if window.valid_until
                else None
            ),
        )
        created.append(
            AvailabilityWindow.objects.create(
                schedule=schedule,
                event=event,
                weekday=window.weekday,
                start_time=window.start,
                end_time=window.end,
                valid_from=window.valid_from,
                valid_until=window.valid_until,
            )
        )
    return created


@transaction.atomic
def availability_add_exception(
    *,
    schedule: MentorSchedule,
    kind: str,
    date_from: date,
    date_until: date | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
) -> AvailabilityException:
    date_until = date_until or date_from
    zone = schedule.zone
    if date_until < date_from or (
        start_time is not None and (end_time is None or end_time <= start_time)
    ):
        raise SessionError(WINDOW_ORDER, field="end_time" if start_time else "date_until")
    if kind == AvailabilityException.Kind.AVAILABLE and start_time is None:
        raise SessionError(_("Give the times of the extra availability."), field="start_time")
    if date_until < timezone.localdate(timezone=zone):
        raise SessionError(PAST_DATE, field="date_from")
    if start_time is None:
        start, end = (
            engine.wall_clock(date_from, time(0), zone),
            engine.wall_clock(date_until + timedelta(days=1), time(0), zone),
        )
    else:
        start, end = (
            engine.wall_clock(date_from, start_time, zone),
            engine.wall_clock(date_from, end_time, zone),
        )
    event = Event.objects.create(
        calendar=schedule.calendar,
        title=kind,
        creator=schedule.user,
        start=start,
        end=end,
        rule=_daily_rule() if start_time is not None and date_until > date_from else None,
        end_recurring_period=(
            engine.wall_clock(date_until + timedelta(days=1), time(0), zone)
            if date_until > date_from
            else None
        ),
    )
    return AvailabilityException.objects.create(
        schedule=schedule,
        event=event,
        kind=kind,
        date_from=date_from,
        date_until=date_until,
        start_time=start_time,
        end_time=end_time,
        note=note,
    )


def _daily_rule() -> Rule:
    rule, _created = Rule.objects.get_or_create(
        frequency="DAILY", params="", defaults={"name": "daily", "description": "daily"}
    )
    return rule


@transaction.atomic
def availability_remove_exception(*, schedule: MentorSchedule, exception_id: int) -> None:
    exception = schedule.exceptions.filter(pk=exception_id).first()
    if exception is not None:
        event_id = exception.event_id
        exception.delete()
        Event.objects.filter(pk=event_id).delete()


# --- Booking -----------------------------------------------------------------------------------


def _member(tandem: Tandem, user) -> str:
    if user.pk == tandem.mentor.user_id:
        return "mentor"
    if user.pk == tandem.mentee.user_id:
        return "mentee"
    raise SessionError(NOT_A_MEMBER, code="not_a_member")


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
    from .tasks import notify_session

    session_id, by_id = session.pk, getattr(by, "pk", None)
    transaction.on_commit(lambda: notify_session.enqueue(session_id, kind, by_id))
    if session.status == Session.Status.BOOKED:
        _schedule_reminders(session)


def _schedule_reminders(session: Session) -> None:
    """With a worker that runs deferred tasks (the database backend), queue the reminder sweep for
    the moments reminders fall due; queued tasks survive a worker restart, and the sweep sends each
    reminder once however often it runs. Without one, ``manage.py session_reminders`` does it."""
    from .tasks import send_due_reminders

    if not send_due_reminders.get_backend().supports_defer:
        return
    now = timezone.now()
    for _kind, before, _until in REMINDERS:
        due = session.start - before + timedelta(seconds=5)
        if due > now:
            transaction.on_commit(lambda due=due: send_due_reminders.using(run_after=due).enqueue())


def _is_overlap(error: IntegrityError) -> bool:
    text = str(error)
    return "no_overlap" in text or "exclusion" in text.lower()


def _check_free(
    *, tandem: Tandem, start: datetime, length: int, now: datetime, exclude: Session | None = None
) -> selectors.BookingRules:
    """The re-check inside the write transaction: the wanted slot is still among the bookable ones."""
    if not now - timedelta(days=1) <= start <= now + REACH or not 0 < length <= 24 * 60:
        raise SessionError(OUT_OF_REACH, field="start", code="out_of_range")
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
    _enabled()
    now = now or timezone.now()
    role = _member(tandem, by)
    if tandem.status != Tandem.Status.ACTIVE:
        raise SessionError(TANDEM_NOT_ACTIVE, code="tandem_not_active")
    key = (idempotency_key or "")[:64]
    if key:
        earlier = Session.objects.filter(created_by=by, idempotency_key=key).first()
        if earlier is not None:
            return _replay(earlier, tandem=tandem, start=start, length=length)
    try:
        with transaction.atomic():
            # SQLite: the immediate transaction holds the write lock, so this re-check and the insert
            # are one step. PostgreSQL: concurrent inserts are stopped by the exclusion constraints.
            rules = _check_free(tandem=tandem, start=start, length=length, now=now)
            proposed = role == "mentor" and rules.needs_confirmation
            session = Session.objects.create(
                tandem=tandem,
                mentor_id=tandem.mentor.user_id,
                mentee_id=tandem.mentee.user_id,
                start=start,
                end=start + timedelta(minutes=length),
                blocked_from=start - rules.buffer_before,
                blocked_until=start + timedelta(minutes=length) + rules.buffer_after,
                status=Session.Status.PROPOSED if proposed else Session.Status.BOOKED,
                room_name=new_room_name(),
                created_by=by,
                idempotency_key=key,
            )
            kind = SessionChange.Kind.PROPOSED if proposed else SessionChange.Kind.BOOKED
            _record(session, kind, by)
            _notify(session, kind, by)
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
    role = session.member_role(by)
    if role is None:
        raise SessionError(NOT_A_MEMBER, code="not_a_member")
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
    """Move a session to another free slot; the calendar entry keeps its UID, SEQUENCE goes up."""
    _enabled()
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise SessionError(REASON_REQUIRED, field="reason")
    try:
        with transaction.atomic():
            session = _lock(session)
            tandem = session.tandem
            rules = selectors.booking_rules(
                tandem=tandem, schedule=selectors.mentor_schedule(session.mentor_id)
            )
            _check_change_allowed(session, by, now, rules)
            length = length or int((session.end - session.start).total_seconds() // 60)
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
        if _is_overlap(error):
            raise _conflict(
                tandem=session.tandem, start=start, length=length, now=now, exclude=session
            ) from error
        raise
    except SessionError as error:
        if error.code == "slot_unavailable":
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


# --- Around the session ------------------------------------------------------------------------


def _require_member(session: Session, by) -> str:
    role = session.member_role(by)
    if role is None:
        raise SessionError(NOT_A_MEMBER, code="not_a_member")
    return role


@transaction.atomic
def session_set_agenda(*, session: Session, by, agenda: str) -> Session:
    _require_member(session, by)
    session.agenda = (agenda or "").strip()[:5000]
    session.save(update_fields=["agenda", "changed_at"])
    return session


@transaction.atomic
def session_note_save(*, session: Session, by, text: str) -> SessionNote | None:
    """Private notes of one member; an empty text deletes them."""
    _require_member(session, by)
    text = (text or "").strip()
    if not text:
        SessionNote.objects.filter(session=session, author=by).delete()
        return None
    note, _created = SessionNote.objects.update_or_create(
        session=session, author=by, defaults={"text": text[:20000]}
    )
    return note


@transaction.atomic
def session_feedback_submit(
    *, session: Session, by, rating: int, text: str = "", now: datetime | None = None
) -> SessionFeedback:
    now = now or timezone.now()
    if _require_member(session, by) != "mentee":
        raise SessionError(ONLY_MENTEE_FEEDBACK, code="not_allowed")
    if session.status == Session.Status.CANCELLED:
        raise SessionError(NOT_ACTIVE, code="cancelled")
    if now < session.start:
        raise SessionError(NOT_YET_HELD, code="not_yet")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SessionError(RATING_RANGE, field="rating")
    if SessionFeedback.objects.filter(session=session).exists():
        raise SessionError(FEEDBACK_TWICE, code="already_given")
    return SessionFeedback.objects.create(
        session=session, rating=rating, text=(text or "").strip()[:5000]
    )


@transaction.atomic
def session_mark_no_show(*, session: Session, by, now: datetime | None = None) -> Session:
    """The member who came marks that the other member did not come."""
    now = now or timezone.now()
    role = _require_member(session, by)
    if session.status == Session.Status.CANCELLED:
        raise SessionError(NOT_ACTIVE, code="cancelled")
    if now < session.start:
        raise SessionError(NOT_YET_HELD, code="not_yet")
    if role == "mentor":
        session.mentee_no_show = True
    else:
        session.mentor_no_show = True
    session.save(update_fields=["mentor_no_show", "mentee_no_show", "changed_at"])
    return session


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


# --- Reminders ---------------------------------------------------------------------------------

# (kind, sent from this long before the start, until this long before it)
REMINDERS = (
    (SessionReminder.Kind.DAY, timedelta(hours=24), timedelta(hours=1)),
    (SessionReminder.Kind.HOUR, timedelta(hours=1), timedelta(0)),
)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send the reminders that are due, each exactly once: the claim (a unique row per session,
    kind and start time) is written before sending and removed again if sending fails, so
    concurrent workers and restarts never double-send, and a moved session is reminded of its
    new time only. Reminders for a time already announced (booked within the period) are skipped."""
    from . import notifications

    now = now or timezone.now()
    sent = 0
    for kind, before, until in REMINDERS:
        claimed = SessionReminder.objects.filter(
            session=OuterRef("pk"), kind=kind, session_start=OuterRef("start")
        )
        due = (
            Session.objects.filter(
                status=Session.Status.BOOKED, start__gt=now + until, start__lte=now + before
            )
            .filter(~Exists(claimed))
            .annotate(last_change=Max("changes__at"))
            .select_related("mentor", "mentee", "tandem__programme")
        )
        for session in due:
            if session.last_change is not None and session.last_change > session.start - before:
                continue  # the booking e-mail just told them
            try:
                with transaction.atomic():
                    claim = SessionReminder.objects.create(
                        session=session, kind=kind, session_start=session.start
                    )
            except IntegrityError:
                continue
            try:
                sent += notifications.session_reminder(session, kind, now=now)
            except Exception:
                claim.delete()
                raise
    return sent


# --- Calendar subscription ---------------------------------------------------------------------


@transaction.atomic
def calendar_token_rotate(*, user) -> CalendarToken:
    """A new secret for the private iCal URL; the old URL stops working at once."""
    token = secrets.token_urlsafe(32)
    record, _created = CalendarToken.objects.update_or_create(user=user, defaults={"token": token})
    return record


def calendar_token_get_or_create(*, user) -> CalendarToken:
    existing = CalendarToken.objects.filter(user=user).first()
    return existing or calendar_token_rotate(user=user)
