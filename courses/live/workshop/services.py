"""Writes about workshops: hosts set up tables and rounds, start a round (the seating comes from
the World Café rotation, :mod:`.plan`) and bring everyone back; every browser in the room
reports its video endpoint so that the host's browser can move the right people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms import audit

from ... import conf
from ...models import LiveSession, LiveWorkshop, WorkshopSeat, WorkshopTable
from ...models.workshops import MAX_ROUNDS, MAX_TABLES
from ...services import CourseError
from .. import selectors as live_selectors
from . import plan, selectors

NOT_A_HOST = _("Only the hosts of this live session run its workshop.")
NO_WORKSHOP = _("This live session is not a workshop.")
TABLES_REQUIRED = _("Please add at least one table with a topic.")
TOO_MANY_TABLES = _("A workshop has at most %(count)s tables.")
ROUNDS_INVALID = _("The number of rounds must be between 1 and %(count)s.")
MINUTES_INVALID = _("A round lasts between 1 and 120 minutes.")
TABLE_HOST_INVALID = _("A table host must be a host or a registered learner of this live session.")
TABLE_HOST_TWICE = _("A person can host only one table.")
TABLES_FIXED = _(
    "Rounds have already taken place: tables can be renamed and given hosts, but not added or removed."
)
ROUND_INVALID = _("There is no round %(number)s in this workshop.")
ROUND_RUNNING = _("Round %(number)s is running. Please bring everyone back first.")
NOBODY_PRESENT = _(
    "Nobody can be seated yet: the participants' browsers have not reported from the video room."
)
SESSION_CANCELLED = _("This live session has been cancelled.")
NOTHING_TO_RESTORE = _("There is no removed workshop to restore in this live session.")
UNDO_EXPIRED = _("The workshop can no longer be restored: the %(days)s days for it have passed.")
ENDPOINT_INVALID = _("The video endpoint is not valid.")


def _check_host(session: LiveSession, by) -> None:
    if not live_selectors.is_host(by, session) and not getattr(by, "is_superuser", False):
        raise CourseError(NOT_A_HOST, code="forbidden")


def _clean_tables(
    session: LiveSession, tables: Sequence[tuple[str, int | None]]
) -> list[tuple[str, int | None]]:
    cleaned = [(str(topic or "").strip()[:200], host) for topic, host in tables]
    cleaned = [(topic, host) for topic, host in cleaned if topic]
    if not cleaned:
        raise CourseError(TABLES_REQUIRED, code="tables")
    if len(cleaned) > MAX_TABLES:
        raise CourseError(TOO_MANY_TABLES % {"count": MAX_TABLES}, code="tables")
    allowed = {pk for pk, _name in selectors.table_host_choices(session)}
    hosts = [host for _topic, host in cleaned if host is not None]
    if any(host not in allowed for host in hosts):
        raise CourseError(TABLE_HOST_INVALID, code="table_host")
    if len(hosts) != len(set(hosts)):
        raise CourseError(TABLE_HOST_TWICE, code="table_host")
    return cleaned


@transaction.atomic
def workshop_save(
    *,
    session: LiveSession,
    by,
    rounds: int,
    round_minutes: int,
    tables: Sequence[tuple[str, int | None]],
) -> LiveWorkshop:
    """Make the live session a workshop, or change it: ``tables`` are (topic, table host's
    account id or ``None``) in their order. Once rounds took place the number of tables stays.
    A removed workshop the session still keeps for the undo window is replaced for good."""
    _check_host(session, by)
    if not 1 <= int(rounds) <= MAX_ROUNDS:
        raise CourseError(ROUNDS_INVALID % {"count": MAX_ROUNDS}, code="rounds")
    if not 1 <= int(round_minutes) <= 120:
        raise CourseError(MINUTES_INVALID, code="round_minutes")
    cleaned = _clean_tables(session, tables)
    LiveWorkshop.objects.filter(session=session, removed_at__isnull=False).delete()
    workshop, created = LiveWorkshop.objects.select_for_update().get_or_create(
        session=session, defaults={"rounds": rounds, "round_minutes": round_minutes}
    )
    existing = list(workshop.tables.order_by("position"))
    if existing and workshop.seats.exists() and len(existing) != len(cleaned):
        raise CourseError(TABLES_FIXED, code="tables_fixed")
    workshop.rounds, workshop.round_minutes = rounds, round_minutes
    workshop.save(update_fields=["rounds", "round_minutes"])
    for position, (topic, host) in enumerate(cleaned):
        if position < len(existing):
            table = existing[position]
            table.topic, table.host_id = topic, host
            table.save(update_fields=["topic", "host"])
        else:
            WorkshopTable.objects.create(
                workshop=workshop, position=position, topic=topic, host_id=host
            )
    WorkshopTable.objects.filter(workshop=workshop, position__gte=len(cleaned)).delete()
    audit.record(
        action="courses.workshop.create" if created else "courses.workshop.change",
        by=by,
        target=f"live session {session.pk}",
    )
    return workshop


@transaction.atomic
def workshop_remove(
    *, session: LiveSession, by, now: datetime | None = None
) -> LiveWorkshop | None:
    """The live session is a plain session again. Its tables and who sat where are kept for
    ``TANDEM_COURSES_WORKSHOP_UNDO_DAYS`` (``workshop_restore`` brings them back), then the
    retention rules delete them. A running round ends: everyone is back in the main room."""
    _check_host(session, by)
    workshop = (
        LiveWorkshop.objects.select_for_update()
        .filter(session=session, removed_at__isnull=True)
        .first()
    )
    if workshop is None:
        return None
    workshop.removed_at, workshop.removed_by = now or timezone.now(), by
    workshop.current_round, workshop.round_ends_at = 0, None
    workshop.save(update_fields=["removed_at", "removed_by", "current_round", "round_ends_at"])
    audit.record(action="courses.workshop.remove", by=by, target=f"live session {session.pk}")
    return workshop


@transaction.atomic
def workshop_restore(*, session: LiveSession, by, now: datetime | None = None) -> LiveWorkshop:
    """Undo ``workshop_remove`` within its window: the workshop is back with its tables, rounds
    and who sat where in the rounds so far."""
    _check_host(session, by)
    workshop = (
        LiveWorkshop.objects.select_for_update()
        .filter(session=session, removed_at__isnull=False)
        .first()
    )
    if workshop is None:
        raise CourseError(NOTHING_TO_RESTORE, code="nothing_to_restore")
    until = selectors.undo_until(workshop)
    if until is not None and (now or timezone.now()) > until:
        days = int(conf.get("WORKSHOP_UNDO_DAYS"))
        raise CourseError(UNDO_EXPIRED % {"days": days}, code="undo_expired")
    workshop.removed_at, workshop.removed_by = None, None
    workshop.save(update_fields=["removed_at", "removed_by"])
    audit.record(action="courses.workshop.restore", by=by, target=f"live session {session.pk}")
    return workshop


def workshop_endpoint_record(*, session: LiveSession, user, endpoint: str) -> None:
    """The person's browser is in the video room with this endpoint id (from the video client's
    ``videoConferenceJoined``); kept for a few hours in the cache, never in the database."""
    endpoint = str(endpoint or "").strip()
    if not endpoint or len(endpoint) > 64 or not endpoint.replace("-", "").isalnum():
        raise CourseError(ENDPOINT_INVALID, code="endpoint")
    if user.pk not in selectors.eligible_ids(session):
        raise CourseError(NOT_A_HOST, code="forbidden")
    cache.set(selectors.endpoint_key(session, user.pk), endpoint, selectors.ENDPOINT_SECONDS)


def _locked_workshop(session: LiveSession) -> LiveWorkshop:
    workshop = LiveWorkshop.objects.select_for_update().filter(session=session).first()
    if workshop is None:
        raise CourseError(NO_WORKSHOP, code="no_workshop")
    return workshop


@transaction.atomic
def workshop_round_start(
    *,
    session: LiveSession,
    by,
    number: int,
    breakout_rooms: dict[int, str] | None = None,
    now: datetime | None = None,
) -> LiveWorkshop:
    """Seat everyone in the video room now for round ``number`` by the World Café rotation
    (table hosts stay, the others move on) and start its timer. ``breakout_rooms`` (table
    position -> the video server's breakout room id) are kept to map occupant events."""
    now = now or timezone.now()
    _check_host(session, by)
    if session.is_cancelled:
        raise CourseError(SESSION_CANCELLED, code="cancelled")
    workshop = _locked_workshop(session)
    if not 1 <= int(number) <= workshop.rounds:
        raise CourseError(ROUND_INVALID % {"number": number}, code="round")
    if workshop.in_round and number not in (workshop.current_round, workshop.current_round + 1):
        raise CourseError(ROUND_RUNNING % {"number": workshop.current_round}, code="round_running")
    found = selectors.tables(workshop)
    hosts_of_session = live_selectors.host_ids(session)
    table_hosts = {table.host_id for table in found if table.host_id}
    present = selectors.endpoints(session, selectors.eligible_ids(session))
    # The session's hosts moderate from the main room unless they host a table.
    people = sorted(
        user_id for user_id in present if user_id not in hosts_of_session or user_id in table_hosts
    )
    if not people:
        raise CourseError(NOBODY_PRESENT, code="nobody_present")
    seating = plan.seat_round(
        people,
        hosts=[table.host_id for table in found],
        history=selectors.history(workshop, before=number),
    )
    by_position = {table.position: table for table in found}
    WorkshopSeat.objects.filter(workshop=workshop, round=number).delete()
    WorkshopSeat.objects.bulk_create(
        WorkshopSeat(workshop=workshop, round=number, user_id=user_id, table=by_position[position])
        for user_id, position in seating.items()
    )
    for position, room in (breakout_rooms or {}).items():
        table = by_position.get(int(position))
        # the id, also when a client hands over the whole address (<id>@breakout.<domain>)
        room = str(room or "").split("@", 1)[0].strip().lower()[:100]
        if table is not None and room and table.breakout_room != room:
            table.breakout_room = room
            table.save(update_fields=["breakout_room"])
    workshop.current_round = number
    workshop.round_started_at = now
    workshop.round_ends_at = now + timedelta(minutes=workshop.round_minutes)
    workshop.save(update_fields=["current_round", "round_started_at", "round_ends_at"])
    audit.record(
        action="courses.workshop.round", by=by, target=f"live session {session.pk} round {number}"
    )
    return workshop


@transaction.atomic
def workshop_round_end(*, session: LiveSession, by) -> LiveWorkshop:
    """Everyone is back in the main room; the seating of the round stays for the rotation."""
    _check_host(session, by)
    workshop = _locked_workshop(session)
    if workshop.in_round:
        workshop.current_round = 0
        workshop.round_ends_at = None
        workshop.save(update_fields=["current_round", "round_ends_at"])
        audit.record(action="courses.workshop.back", by=by, target=f"live session {session.pk}")
    return workshop
