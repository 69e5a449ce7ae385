"""Workshops in live sessions: hosts set up tables and rounds; a round seats the people in the
room by the World Café rotation and every browser sees its table and the timer; tokens for a
session's room admit its breakout rooms and no other session's (prosody's rule for the breakout
component, applied by the independent verifier); occupant events from the breakout rooms count
towards the session's attendance."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.live import services as live_services
from courses.live.video import participant_id
from courses.live.workshop import selectors as workshop_selectors
from courses.live.workshop import services
from courses.models import LiveAttendance, LiveSessionRegistration, LiveWorkshop, WorkshopSeat
from courses.services import CourseError
from tests.courses.live_support import learners, make_run, make_session
from tests.support.jitsi_standin import JitsiStandIn
from tests.support.prosody import prosody_verify_breakout

BEARER = "b" * 40
SECRET = "s" * 40
REGISTERED = LiveSessionRegistration.Status.REGISTERED


@pytest.fixture
def run(course, trainer):
    return make_run(course, capacity=10, trainer=trainer)


@pytest.fixture
def jitsi(settings):
    with JitsiStandIn(app_id="tandem", app_secret=SECRET) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.TANDEM_VIDEO_JITSI_API_TOKEN = BEARER
        yield server


def _live(run, **kwargs):
    return make_session(run, start=timezone.now() - timedelta(minutes=5), minutes=90, **kwargs)


def _registered(session, people):
    for person in people:
        live_services.live_registration_create(session=session, user=person)
    return people


def _workshop(session, trainer, *, tables=(("Ehrenamt", None), ("Teilhabe", None)), rounds=2):
    return services.workshop_save(
        session=session, by=trainer, rounds=rounds, round_minutes=15, tables=list(tables)
    )


def _present(session, *people):
    for number, person in enumerate(people):
        services.workshop_endpoint_record(session=session, user=person, endpoint=f"e{number:04x}")


# --- setting up --------------------------------------------------------------------------------


def test_hosts_set_up_tables_and_rounds_and_learners_cannot(run, trainer, learner):
    session = _live(run)
    (anna,) = _registered(session, learners(run, 1))
    workshop = _workshop(session, trainer, tables=[("Ehrenamt", anna.pk), (" ", None), ("B", None)])
    assert [(t.topic, t.host_id) for t in workshop.tables.all()] == [
        ("Ehrenamt", anna.pk),
        ("B", None),
    ]
    with pytest.raises(CourseError) as refused:
        services.workshop_save(
            session=session, by=anna, rounds=2, round_minutes=5, tables=[("x", None)]
        )
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("rounds", "minutes", "tables", "code"),
    [
        (0, 10, [("A", None)], "rounds"),
        (13, 10, [("A", None)], "rounds"),
        (2, 0, [("A", None)], "round_minutes"),
        (2, 121, [("A", None)], "round_minutes"),
        (2, 10, [("", None)], "tables"),
        (2, 10, [("A", None)] * 21, "tables"),
        (2, 10, [("A", 999_999)], "table_host"),
    ],
)
def test_bad_workshop_settings_are_refused_with_a_reason(
    run, trainer, rounds, minutes, tables, code
):
    session = _live(run)
    with pytest.raises(CourseError) as refused:
        services.workshop_save(
            session=session, by=trainer, rounds=rounds, round_minutes=minutes, tables=tables
        )
    assert refused.value.code == code and str(refused.value.message)


def test_one_person_hosts_one_table_only_and_outsiders_host_none(run, trainer, outsider):
    session = _live(run)
    for tables, code in (
        ([("A", trainer.pk), ("B", trainer.pk)], "table_host"),
        ([("A", outsider.pk)], "table_host"),
    ):
        with pytest.raises(CourseError) as refused:
            _workshop(session, trainer, tables=tables)
        assert refused.value.code == code


def test_the_setup_page_saves_and_shows_errors(client, run, trainer):
    session = _live(run)
    url = reverse("courses:live-workshop", args=[session.uuid])
    client.force_login(trainer)
    page = client.get(url)
    with translation.override("de"):
        empty = gettext(
            "This live session is not a workshop yet. Enter at least one table topic and save."
        )
        refused = gettext("The number of rounds must be between 1 and %(count)s.") % {"count": 12}
    assert page.status_code == 200 and empty in page.content.decode()
    bad = client.post(url, {"rounds": "abc", "round_minutes": "10", "topic-0": "A"})
    assert bad.status_code == 400 and refused in bad.content.decode()
    saved = client.post(
        url, {"rounds": "3", "round_minutes": "12", "topic-0": "Ehrenamt", "topic-1": "Teilhabe"}
    )
    assert saved.status_code == 302
    workshop = LiveWorkshop.objects.get(session=session)
    assert (workshop.rounds, workshop.round_minutes, workshop.tables.count()) == (3, 12, 2)
    assert client.post(url, {"action": "remove"}).status_code == 302  # not confirmed
    assert LiveWorkshop.objects.filter(session=session).exists()
    assert client.post(url, {"action": "remove", "confirm": "1"}).status_code == 302
    assert workshop_selectors.workshop_of(session) is None


# --- removing and undoing ----------------------------------------------------------------------


def test_removing_a_workshop_is_undone_from_the_live_sessions_page(client, run, trainer):
    """Removal asks first, sends the host to the live session's page and offers the undo there;
    undoing brings back the tables, the rounds and who sat where."""
    session = _live(run)
    people = _registered(session, learners(run, 2))
    _workshop(session, trainer)
    _present(session, *people)
    services.workshop_round_start(session=session, by=trainer, number=1)
    seats = set(WorkshopSeat.objects.values_list("round", "user_id", "table__topic"))
    client.force_login(trainer)
    setup = reverse("courses:live-workshop", args=[session.uuid])
    with translation.override("de"):
        undo = gettext("Undo: make it a workshop again")
        back = gettext("The workshop is back, with its tables and who sat where.")

    removed = client.post(setup, {"action": "remove", "confirm": "1"}, follow=True)
    assert removed.redirect_chain == [(reverse("courses:live-session", args=[session.uuid]), 302)]
    page = removed.content.decode()
    assert undo in page and 'name="action" value="restore"' in page
    assert workshop_selectors.workshop_of(session) is None
    state = client.get(reverse("courses:live-workshop-state", args=[session.uuid])).json()
    assert state["workshop"] is False  # the room shows no tables any more

    restored = client.post(setup, {"action": "restore"}, follow=True)
    assert back in restored.content.decode()
    workshop = workshop_selectors.workshop_of(session)
    assert workshop is not None and [t.topic for t in workshop.tables.all()] == [
        "Ehrenamt",
        "Teilhabe",
    ]
    assert set(WorkshopSeat.objects.values_list("round", "user_id", "table__topic")) == seats
    assert (
        undo
        not in client.get(reverse("courses:live-session", args=[session.uuid])).content.decode()
    )


def test_the_undo_window_ends_and_then_the_removed_workshop_is_deleted(run, trainer, settings):
    from cms.privacy import retention_rules

    settings.TANDEM_COURSES_WORKSHOP_UNDO_DAYS = 2
    session = _live(run)
    _workshop(session, trainer)
    removed_at = timezone.now()
    services.workshop_remove(session=session, by=trainer, now=removed_at)
    later = removed_at + timedelta(days=2, minutes=1)
    with pytest.raises(CourseError) as refused:
        services.workshop_restore(session=session, by=trainer, now=later)
    assert refused.value.code == "undo_expired"
    assert workshop_selectors.removed_workshop(session, now=later) is None
    (rule,) = [rule for name, rule in retention_rules() if name.startswith("courses: workshops")]
    assert rule(now=removed_at + timedelta(days=1), dry_run=False) == 0  # still restorable
    assert rule(now=later, dry_run=False) == 1
    assert not LiveWorkshop.objects.filter(session=session).exists()


def test_a_new_workshop_replaces_the_removed_one(run, trainer):
    session = _live(run)
    _workshop(session, trainer)
    services.workshop_remove(session=session, by=trainer)
    _workshop(session, trainer, tables=(("Neu", None),))
    with pytest.raises(CourseError) as refused:
        services.workshop_restore(session=session, by=trainer)
    assert refused.value.code == "nothing_to_restore"
    assert [t.topic for t in workshop_selectors.workshop_of(session).tables.all()] == ["Neu"]


def test_learners_and_outsiders_get_no_setup_page(client, run, trainer, outsider):
    session = _live(run)
    (anna,) = learners(run, 1)
    for person in (anna, outsider):
        client.force_login(person)
        assert client.get(reverse("courses:live-workshop", args=[session.uuid])).status_code == 404


# --- rounds ------------------------------------------------------------------------------------


def test_a_round_seats_the_people_in_the_room_and_the_next_one_rotates_them(run, trainer):
    session = _live(run)
    people = _registered(session, learners(run, 4))
    _workshop(session, trainer)
    _present(session, trainer, *people)
    services.workshop_round_start(session=session, by=trainer, number=1)
    first = dict(WorkshopSeat.objects.filter(round=1).values_list("user_id", "table__position"))
    assert set(first) == {p.pk for p in people}  # the trainer moderates from the main room
    assert sorted(first.values()) == [0, 0, 1, 1]
    services.workshop_round_start(session=session, by=trainer, number=2)  # straight on
    second = dict(WorkshopSeat.objects.filter(round=2).values_list("user_id", "table__position"))
    assert all(second[pk] != first[pk] for pk in first)
    with pytest.raises(CourseError) as refused:
        services.workshop_round_start(session=session, by=trainer, number=3)
    assert refused.value.code == "round"
    workshop = services.workshop_round_end(session=session, by=trainer)
    assert workshop.current_round == 0 and workshop.round_ends_at is None


def test_a_round_needs_someone_in_the_room_and_a_running_round_is_not_skipped(run, trainer):
    session = _live(run)
    people = _registered(session, learners(run, 2))
    _workshop(session, trainer, rounds=3)
    with pytest.raises(CourseError) as refused:
        services.workshop_round_start(session=session, by=trainer, number=1)
    assert refused.value.code == "nobody_present"
    _present(session, *people)
    services.workshop_round_start(session=session, by=trainer, number=1)
    with pytest.raises(CourseError) as refused:
        services.workshop_round_start(session=session, by=trainer, number=3)
    assert refused.value.code == "round_running"


def test_the_round_state_gives_everyone_their_table_and_the_host_the_moves(
    client, run, trainer, outsider, django_assert_max_num_queries
):
    session = _live(run)
    anna, ben = _registered(session, learners(run, 2))
    _workshop(session, trainer)
    state_url = reverse("courses:live-workshop-state", args=[session.uuid])
    client.force_login(anna)
    endpoint = reverse("courses:live-workshop-endpoint", args=[session.uuid])
    answer = client.post(
        endpoint, json.dumps({"endpoint": "abc123"}), content_type="application/json"
    )
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    for bad in ({"endpoint": "<script>"}, {"endpoint": ""}, {"x": 1}, []):
        refused = client.post(endpoint, json.dumps(bad), content_type="application/json")
        assert refused.status_code == 400 and refused.json()["message"]
    client.force_login(ben)
    client.post(endpoint, json.dumps({"endpoint": "def456"}), content_type="application/json")

    client.force_login(anna)  # a learner cannot start a round
    round_url = reverse("courses:live-workshop-round", args=[session.uuid])
    assert client.post(round_url, "{}", content_type="application/json").status_code == 404

    client.force_login(trainer)
    started = client.post(
        round_url,
        json.dumps(
            {"round": 1, "breakout_rooms": {"0": "AAA111", "1": "bbb222@breakout.meet.example.org"}}
        ),
        content_type="application/json",
    )
    assert started.status_code == 200
    body = started.json()
    assert body["round"] == 1 and 14 * 60 <= body["seconds_left"] <= 15 * 60
    assert sorted(move["endpoint"] for move in body["moves"]) == ["abc123", "def456"]
    assert [table["breakout_room"] for table in body["tables"]] == ["aaa111", "bbb222"]
    again = client.post(round_url, json.dumps({"round": "x"}), content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "round"

    client.force_login(anna)
    with django_assert_max_num_queries(12):
        mine = client.get(state_url).json()
    topic = WorkshopSeat.objects.get(user=anna, round=1).table.topic
    assert mine["my_table"] == topic and mine["moves"] == []
    assert all(table["breakout_room"] == "" for table in mine["tables"])

    client.force_login(outsider)
    assert client.get(state_url).status_code == 404

    client.force_login(trainer)
    back = client.post(reverse("courses:live-workshop-back", args=[session.uuid]))
    assert back.status_code == 200 and back.json()["round"] == 0


def test_the_join_page_shows_the_console_to_hosts_only(client, run, trainer, jitsi):
    session = _live(run)
    (anna,) = _registered(session, learners(run, 1))
    _workshop(session, trainer)
    url = reverse("courses:live-join", args=[session.uuid])
    client.force_login(trainer)
    page = client.get(url).content.decode()
    assert 'id="workshop-console"' in page and 'role="timer"' in page
    client.force_login(anna)
    page = client.get(url).content.decode()
    assert 'id="workshop-console"' not in page and 'id="workshop"' in page


# --- tokens and attendance ---------------------------------------------------------------------


def test_a_token_for_a_sessions_room_admits_its_breakout_rooms_and_no_others(
    client, run, trainer, jitsi
):
    one, other = _live(run), _live(run, title="Andere")
    (anna,) = _registered(one, learners(run, 1))
    client.force_login(anna)
    page = client.get(reverse("courses:live-join", args=[one.uuid])).content.decode()
    token = page.split('data-jwt="')[1].split('"')[0]
    rooms = {"aaaa": one.room_name, "bbbb": other.room_name}

    def verify(breakout, now=None):
        return prosody_verify_breakout(
            token,
            breakout_room=f"{breakout}@breakout.{jitsi.host}",
            main_rooms=rooms,
            app_id="tandem",
            app_secret=SECRET,
            audiences={"jitsi"},
            domain=jitsi.domain,
            now=now or int(time.time()),
        )

    claims = verify("aaaa")
    assert claims["context"]["user"]["affiliation"] == "member"
    with pytest.raises(ValueError, match="room"):
        verify("bbbb")  # another session's breakout room
    with pytest.raises(ValueError, match="unknown breakout room"):
        verify("cccc")  # a breakout room nobody created
    with pytest.raises(ValueError, match="expired"):
        verify("aaaa", now=int((one.end + timedelta(minutes=16)).timestamp()))


def _event(client, room, session, user, joined, at, *, breakout=""):
    change = "joined" if joined else "left"
    body = {
        "event_name": f"muc-occupant-{change}",
        "room_name": room,
        "occupant": {
            "id": participant_id(session, user.pk),
            "name": "x",
            ("joined_at" if joined else "left_at"): int(at.timestamp()),
        },
    }
    if breakout:
        body.update(is_breakout=True, breakout_room_id=breakout)
    return client.post(
        reverse("video:jitsi-occupant-event", args=[change]),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {BEARER}",
    )


def test_time_in_breakout_rooms_counts_towards_the_session(client, run, trainer, jitsi):
    start = (timezone.now() - timedelta(minutes=70)).replace(microsecond=0)
    session = make_session(run, start=start, minutes=60)
    other = make_session(run, start=start, minutes=60, title="Andere")
    a, b, c = learners(run, 3)
    for person in (a, b, c):
        LiveSessionRegistration.objects.create(session=session, user=person, status=REGISTERED)
    workshop = _workshop(session, trainer)
    _present(session, a, b, c)
    services.workshop_round_start(
        session=session, by=trainer, number=1, breakout_rooms={0: "tisch1", 1: "tisch2"}
    )
    main = f"{session.room_name}@conference.example.org"
    m = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
    table1, table2 = "tisch1@breakout.example.org", "tisch2@breakout.example.org"
    sequence = [
        # a: main 0–10, table 1 10–30 (reported with the main room and the breakout id), back
        # to the main room 30–40, table 2 40–60 (reported by the breakout room only)
        (main, a, True, m(0), ""),
        (main, a, False, m(10), ""),
        (main, a, True, m(10), table1),
        (main, a, False, m(30), table1),
        (main, a, True, m(30), ""),
        (main, a, False, m(40), ""),
        (table2, a, True, m(40), ""),
        (table2, a, False, m(60), ""),
        # b: out of order and duplicated; a reconnect inside the breakout room
        (table1, b, False, m(50), ""),
        (table1, b, True, m(20), ""),
        (table1, b, True, m(20), ""),
        (main, b, True, m(5), ""),
        (main, b, False, m(20), ""),
        (table1, b, False, m(35), ""),
        (table1, b, True, m(35), ""),
        # c: leaves the breakout room and never comes back
        (table2, c, True, m(10), ""),
        (table2, c, False, m(25), ""),
    ]
    for room, user, joined, at, breakout in sequence:
        answer = _event(client, room, session, user, joined, at, breakout=breakout)
        assert answer.json() == {"recorded": True}, (room, user, joined, at)
    # a token of another session in this session's breakout room is nobody known here
    answer = _event(client, table1, other, a, True, m(12))
    assert answer.json() == {"recorded": False}
    assert _event(client, "unbekannt@breakout.example.org", session, a, True, m(1)).json() == {
        "recorded": False
    }
    live_services.live_attendance_compute(session=session)
    minutes = dict(LiveAttendance.objects.filter(session=session).values_list("user_id", "minutes"))
    assert minutes == {a.pk: 60, b.pk: 45, c.pk: 15}
    assert workshop.pk


# --- API ---------------------------------------------------------------------------------------


def test_the_api_reads_and_sets_up_the_workshop(client, run, trainer, outsider):
    session = _live(run)
    (anna,) = _registered(session, learners(run, 1))
    url = f"/api/v1/live-sessions/{session.uuid}/workshop/"
    client.force_login(anna)
    assert client.get(url).status_code == 404  # no workshop yet
    body = {"rounds": 2, "round_minutes": 10, "tables": [{"topic": "Ehrenamt", "host": anna.pk}]}
    assert client.put(url, body, content_type="application/json").status_code == 404

    client.force_login(trainer)
    saved = client.put(url, body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["tables"] == [
        {"position": 0, "topic": "Ehrenamt", "host": anna.pk, "host_name": anna.get_full_name()}
    ]
    refused = client.put(
        url,
        {"rounds": 2, "round_minutes": 10, "tables": [{"topic": "A", "host": outsider.pk}]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "table_host"
    for bad in ({"rounds": 0, "round_minutes": 10, "tables": [{"topic": "A"}]}, {"tables": []}):
        assert client.put(url, bad, content_type="application/json").status_code == 400

    client.force_login(anna)
    read = client.get(url).json()
    assert (read["rounds"], read["current_round"], read["round_ends_at"]) == (2, 0, None)
    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(trainer)
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_the_api_undoes_removing_the_workshop(client, run, trainer):
    session = _live(run)
    (anna,) = _registered(session, learners(run, 1))
    _workshop(session, trainer)
    url = f"/api/v1/live-sessions/{session.uuid}/workshop/"
    restore = f"{url}restore/"
    client.force_login(trainer)
    assert client.delete(url).status_code == 204

    gone = client.get(url)  # the host learns how to undo it
    assert gone.status_code == 404
    assert gone.json()["code"] == "removed" and gone.json()["restore"] == restore
    assert gone.json()["undo_until"]
    client.force_login(anna)
    assert "undo_until" not in client.get(url).json()  # learners see no workshop, nothing more
    assert client.post(restore).status_code == 404

    client.force_login(trainer)
    restored = client.post(restore)
    assert restored.status_code == 200
    assert [table["topic"] for table in restored.json()["tables"]] == ["Ehrenamt", "Teilhabe"]
    assert client.get(url).status_code == 200
    again = client.post(restore)
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_restore"


def test_the_demo_world_cafe_has_tables_and_rounds_and_seeds_once(run, trainer):
    from courses.demo import WORLD_CAFE_TABLES, world_cafe

    start = timezone.now() + timedelta(days=14)
    world_cafe(run, start=start)
    world_cafe(run, start=start)
    workshop = LiveWorkshop.objects.get(session__run=run)
    assert (workshop.rounds, workshop.round_minutes) == (3, 15)
    tables = list(workshop.tables.values_list("topic", "host_id"))
    assert tables == [
        (WORLD_CAFE_TABLES[0], trainer.pk),
        (WORLD_CAFE_TABLES[1], None),
        (WORLD_CAFE_TABLES[2], None),
    ]
