"""The World Café rotation (courses.live.workshop.plan): table hosts stay, everyone else moves on
and meets new people; deterministic; more tables than people, one table, people joining late."""

import pytest

from courses.live.workshop.plan import new_encounters, rotation, seat_round


def tables_of(seating):
    found = {}
    for person, table in seating.items():
        found.setdefault(table, set()).add(person)
    return found


def test_table_hosts_stay_and_everyone_else_moves_every_round():
    people = list("abcdefghijkl")
    plan = rotation(people, hosts=["a", "b", None, None], rounds=3)
    assert all(seating["a"] == 0 and seating["b"] == 1 for seating in plan)
    for before, after in zip(plan, plan[1:], strict=False):
        assert all(before[p] != after[p] for p in people if p not in ("a", "b"))
    assert all(set(seating) == set(people) for seating in plan)


def test_tables_stay_balanced_and_people_meet_mostly_new_people():
    people = list("abcdefghijkl")
    plan = rotation(people, hosts=[None] * 4, rounds=3)
    for seating in plan:
        assert sorted(len(group) for group in tables_of(seating).values()) == [3, 3, 3, 3]
    met = new_encounters(plan)
    # 3 rounds at tables of 3: at most 6 different people; the rotation gets close for all
    assert min(met.values()) >= 4 and sum(met.values()) / len(met) >= 5


def test_six_people_at_three_tables_meet_someone_new_every_round():
    plan = rotation(list("abcdef"), hosts=[None, None, None], rounds=3)
    assert set(new_encounters(plan).values()) == {3}


def test_the_same_input_gives_the_same_seating():
    people = [5, 3, 9, 1, 7, 2]
    assert rotation(people, hosts=[3, None], rounds=4) == rotation(
        people, hosts=[3, None], rounds=4
    )


def test_more_tables_than_people_seats_nobody_alone_when_avoidable():
    plan = rotation(list("abcd"), hosts=[None] * 6, rounds=2)
    for seating in plan:
        assert sorted(len(group) for group in tables_of(seating).values()) == [2, 2]
    odd = seat_round(list("abc"), hosts=[None] * 5)
    assert sorted(len(group) for group in tables_of(odd).values()) == [1, 2]


def test_a_table_host_present_keeps_their_table_open_even_with_few_people():
    seating = seat_round(["h", "x"], hosts=[None, None, "h"])
    assert seating == {"h": 2, "x": 2}


def test_one_table_seats_everyone_at_it_every_round():
    plan = rotation(list("abcd"), hosts=[None], rounds=3)
    assert all(set(seating.values()) == {0} for seating in plan)


def test_a_latecomer_is_seated_where_there_is_room_and_the_others_keep_rotating():
    first = seat_round(list("abcd"), hosts=[None, None])
    second = seat_round(list("abcde"), hosts=[None, None], history=[first])
    assert set(second) == set("abcde")
    assert all(second[p] != first[p] for p in "abcd")
    assert sorted(len(group) for group in tables_of(second).values()) == [2, 3]


def test_a_table_host_who_is_absent_leaves_the_table_to_the_others():
    seating = seat_round(list("xyz"), hosts=["absent", None])
    assert set(seating) == set("xyz") and "absent" not in seating


def test_no_tables_is_an_error():
    with pytest.raises(ValueError):
        seat_round(["a"], hosts=[])


def test_nobody_present_seats_nobody():
    assert seat_round([], hosts=[None, None]) == {}
