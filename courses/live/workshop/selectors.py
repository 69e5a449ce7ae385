"""Reads about workshops: the tables, who may sit at them, who is in the room now (the video
endpoint their browser reported) and the state of the current round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from ... import conf
from ...models import (
    Enrolment,
    LiveSession,
    LiveSessionRegistration,
    LiveWorkshop,
    WorkshopSeat,
    WorkshopTable,
)
from .. import selectors as live_selectors

ENDPOINT_SECONDS = 6 * 3600  # a reported video endpoint is forgotten after the longest session


def endpoint_key(session: LiveSession, user_id: int) -> str:
    return f"courses:workshop:{session.pk}:endpoint:{user_id}"


def workshop_of(session: LiveSession) -> LiveWorkshop | None:
    """The session's workshop; ``None`` when it is none, or its workshop has been removed."""
    return LiveWorkshop.objects.filter(session=session, removed_at__isnull=True).first()


def undo_until(workshop: LiveWorkshop) -> datetime | None:
    """Until when removing the workshop can be undone (``None`` while it is not removed)."""
    if workshop.removed_at is None:
        return None
    return workshop.removed_at + timedelta(days=int(conf.get("WORKSHOP_UNDO_DAYS")))


def removed_workshop(session: LiveSession, *, now: datetime | None = None) -> LiveWorkshop | None:
    """The session's removed workshop while the removal can still be undone."""
    workshop = LiveWorkshop.objects.filter(session=session, removed_at__isnull=False).first()
    until = undo_until(workshop) if workshop is not None else None
    if until is None or (now or timezone.now()) > until:
        return None
    return workshop


def tables(workshop: LiveWorkshop) -> list[WorkshopTable]:
    return list(workshop.tables.select_related("host").order_by("position"))


def eligible_ids(session: LiveSession) -> set[int]:
    """Who may sit at a table: the hosts and the run's learners (registered or waiting: the
    hosts admit waiting people from the lobby)."""
    learners = Enrolment.objects.filter(
        run=session.run_id, status__in=Enrolment.LEARNING_STATUSES
    ).values_list("user_id", flat=True)
    return live_selectors.host_ids(session) | set(learners)


def table_host_choices(session: LiveSession) -> list[tuple[int, str]]:
    """Possible table hosts: the session's hosts (co-trainers) and its registered learners."""
    registered = session.registrations.filter(
        status=LiveSessionRegistration.Status.REGISTERED
    ).values_list("user_id", flat=True)
    ids = live_selectors.host_ids(session) | set(registered)
    people = (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("last_name", "first_name", "pk")
    )
    return [(person.pk, person.get_full_name() or person.email) for person in people]


def endpoints(session: LiveSession, user_ids: set[int]) -> dict[int, str]:
    """The video endpoint each person's browser reported last (people in the room now)."""
    keys = {endpoint_key(session, user_id): user_id for user_id in user_ids}
    found = cache.get_many(list(keys))
    return {keys[key]: str(value) for key, value in found.items() if value}


def history(workshop: LiveWorkshop, *, before: int) -> list[dict[int, int]]:
    """The seating (person -> table position) of the rounds before ``before``."""
    rounds: dict[int, dict[int, int]] = {}
    for number, user_id, position in workshop.seats.filter(round__lt=before).values_list(
        "round", "user_id", "table__position"
    ):
        rounds.setdefault(number, {})[user_id] = position
    return [rounds[number] for number in sorted(rounds)]


def rounds_done(workshop: LiveWorkshop) -> int:
    last = workshop.seats.order_by("-round").values_list("round", flat=True).first()
    return int(last or 0)


@dataclass(frozen=True)
class RoundState:
    """What every browser in the room shows: the round, the time left, one's own table; the
    hosts' console also gets every person's endpoint and table."""

    workshop: bool
    round: int = 0
    rounds: int = 0
    round_minutes: int = 0
    rounds_done: int = 0
    ends_at: datetime | None = None
    seconds_left: int = 0
    my_table: str = ""
    tables: list[dict] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)  # hosts only: endpoint -> table

    def as_json(self) -> dict:
        return {
            "workshop": self.workshop,
            "round": self.round,
            "rounds": self.rounds,
            "round_minutes": self.round_minutes,
            "rounds_done": self.rounds_done,
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
            "seconds_left": self.seconds_left,
            "my_table": self.my_table,
            "tables": self.tables,
            "moves": self.moves,
        }


def round_state(
    session: LiveSession, *, user, host: bool, now: datetime | None = None
) -> RoundState:
    now = now or timezone.now()
    workshop = workshop_of(session)
    if workshop is None:
        return RoundState(workshop=False)
    found = tables(workshop)
    seats: list[WorkshopSeat] = []
    if workshop.in_round:
        seats = list(workshop.seats.filter(round=workshop.current_round).select_related("table"))
    mine = next((seat for seat in seats if seat.user_id == user.pk), None)
    moves: list[dict] = []
    if host and seats:
        reported = endpoints(session, {seat.user_id for seat in seats})
        moves = [
            {"endpoint": reported[seat.user_id], "table": seat.table.position}
            for seat in seats
            if seat.user_id in reported
        ]
    left = 0
    if workshop.in_round and workshop.round_ends_at:
        left = max(0, int((workshop.round_ends_at - now).total_seconds()))
    return RoundState(
        workshop=True,
        round=workshop.current_round,
        rounds=workshop.rounds,
        round_minutes=workshop.round_minutes,
        rounds_done=rounds_done(workshop),
        ends_at=workshop.round_ends_at if workshop.in_round else None,
        seconds_left=left,
        my_table=mine.table.topic if mine else "",
        tables=[
            {
                "position": table.position,
                "topic": table.topic,
                "host": bool(table.host_id),
                "breakout_room": table.breakout_room if host else "",
            }
            for table in found
        ],
        moves=moves,
    )


def session_of_breakout_room(room: str) -> LiveSession | None:
    """The live session whose workshop table uses this breakout room (as the host's browser
    reported it), for the video server's occupant events."""
    if not room:
        return None
    table = (
        WorkshopTable.objects.filter(breakout_room=room)
        .select_related("workshop__session__run")
        .first()
    )
    return table.workshop.session if table is not None else None
