"""The World Café rotation: pure functions, no database.

Everyone sits at one table per round. Table hosts stay at their table; everyone else changes
tables from round to round so that they meet as many people they have not met yet as possible,
and sit at tables they have not visited. The result is deterministic: the same people, tables and
history give the same seating.

- More tables than people: only as many tables are used as give (nearly) everyone company:
  half as many as people, rounded up, tables with a host present first; with an odd number of
  people one may sit alone at a table for a round.
- One table: everyone stays at it.
- People who join late have no history: they go where they meet the most new people, like
  everyone else.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

P = TypeVar("P", bound=Hashable)


def _open_tables(people: Sequence, hosts: Sequence, count: int) -> list[int]:
    """The tables used this round: all, unless there are too few people for them."""
    wanted = max(1, min(count, math.ceil(len(people) / 2)))
    with_host = [index for index, host in enumerate(hosts) if host is not None and host in people]
    rest = [index for index in range(count) if index not in with_host]
    return sorted((with_host + rest)[: max(wanted, len(with_host))])


def seat_round(
    people: Sequence[P],
    *,
    hosts: Sequence[P | None],
    history: Sequence[Mapping[P, int]] = (),
) -> dict[P, int]:
    """One round's seating of ``people`` at ``len(hosts)`` tables (``hosts[i]``: the fixed host
    of table ``i`` or ``None``), given the seatings of the earlier rounds in ``history``."""
    if not hosts:
        raise ValueError("a workshop needs at least one table")
    people = list(dict.fromkeys(people))  # keep the order, drop repeats
    tables = _open_tables(people, hosts, len(hosts))
    seating: dict[P, int] = {}
    members: dict[int, list[P]] = {table: [] for table in tables}
    for table in tables:
        host = hosts[table]
        if host is not None and host in people:
            seating[host] = table
            members[table].append(host)
    movers = [person for person in people if person not in seating]
    capacity = math.ceil(len(people) / len(tables)) if people else 0
    met: dict[P, set[P]] = {person: set() for person in people}
    visited: dict[P, list[int]] = {person: [] for person in people}
    for past in history:
        by_table: dict[int, list[P]] = {}
        for person, table in past.items():
            by_table.setdefault(table, []).append(person)
        for person, table in past.items():
            if person in met:
                met[person].update(other for other in by_table[table] if other != person)
                visited[person].append(table)
    round_number = len(history)
    # The most constrained first (those who met the most), then in the given order.
    order = sorted(range(len(movers)), key=lambda i: (-len(met[movers[i]]), i))
    for i in order:
        person = movers[i]
        last = visited[person][-1] if visited[person] else None

        def cost(table: int, person: P = person, last: int | None = last) -> tuple:
            full = len(members[table]) >= capacity
            repeats = sum(1 for other in members[table] if other in met[person])
            stays = len(tables) > 1 and table == last
            return (
                full,
                stays,
                repeats,
                visited[person].count(table),
                len(members[table]),
                (table - round_number) % len(hosts),
            )

        table = min(tables, key=cost)
        seating[person] = table
        members[table].append(person)
    return seating


def rotation(people: Sequence[P], *, hosts: Sequence[P | None], rounds: int) -> list[dict[P, int]]:
    """The seating of every round for the same people."""
    plan: list[dict[P, int]] = []
    for _round in range(rounds):
        plan.append(seat_round(people, hosts=hosts, history=plan))
    return plan


def new_encounters(plan: Sequence[Mapping[P, int]]) -> dict[P, int]:
    """How many different people each person met over the rounds."""
    met: dict[P, set[P]] = {}
    for seating in plan:
        for person, table in seating.items():
            met.setdefault(person, set()).update(
                other for other, at in seating.items() if at == table and other != person
            )
    return {person: len(others) for person, others in met.items()}
