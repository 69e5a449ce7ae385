"""Arbitrary input for the places that parse what people and machines send: calendar files,
the application form, quiz answers, the booking page and the Jitsi webhook. Each answers with
a result or a clear error (ValueError, an invalid form, CourseError, a 4xx), never a crash.
(Caption files have their own property tests in tests/courses/test_captions.py.)

The inputs that once crashed one of them are asked again by name below each fuzz test."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from cms.ics import CalendarEvent, feed, invitation
from tests.conftest import fuzz_examples

FUZZ = settings(
    max_examples=fuzz_examples(60),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ASCII_CONTROLS = [chr(code) for code in (*range(0x20), 0x7F)]
# Text as Python receives it from a request or the database: any Unicode, but no lone surrogates
# (they cannot be encoded and never come out of a decoded request).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)


def mostly(usual, *others, weight: int = 4):
    """``usual`` ``weight`` times as often as each of ``others``."""
    return st.sampled_from([usual] * weight + list(others)).flatmap(lambda strategy: strategy)


@contextmanager
def savepoint():
    """Each example in a savepoint of its own, rolled back: examples do not see each other."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Calendar files (cms.ics) -------------------------------------------------------------------

# Text values with every control character, often.
CALENDAR_TEXT = mostly(
    TEXT, st.text(alphabet=st.sampled_from([*ASCII_CONTROLS, "a", "ü", " "]), max_size=20), weight=2
)
CALENDAR_NAME = CALENDAR_TEXT
AWARE = st.datetimes(
    min_value=datetime(1900, 1, 2),  # noqa: DTZ001
    max_value=datetime(9998, 12, 30),  # noqa: DTZ001
    timezones=st.timezones(),
)
WHEN = AWARE | st.datetimes()  # naive datetimes must be refused with ValueError
PEOPLE = st.tuples(TEXT, TEXT)
EVENTS = st.builds(
    CalendarEvent,
    uid=CALENDAR_TEXT,
    sequence=st.integers(min_value=-2, max_value=2**31),
    start=WHEN,
    end=WHEN,
    summary=CALENDAR_TEXT,
    stamp=WHEN,
    description=CALENDAR_TEXT,
    url=CALENDAR_TEXT,
    location=CALENDAR_TEXT,
    organizer=st.none() | PEOPLE,
    attendees=st.lists(PEOPLE, max_size=3).map(tuple),
    cancelled=st.booleans(),
)
CONTENT_LINE = re.compile(
    rb"[^\x00-\x08\x0a-\x1f\x7f]*"
)  # RFC 5545: no control characters but HTAB


def assert_valid_calendar(data: bytes, events: list[CalendarEvent]) -> None:
    assert isinstance(data, bytes) and data.endswith(b"\r\n")
    for line in data[:-2].split(b"\r\n"):
        assert CONTENT_LINE.fullmatch(line), line
        assert len(line) <= 75, line  # folded (RFC 5545, 3.1)
    parsed = Calendar.from_ical(data).walk("VEVENT")
    assert len(parsed) == len(events)
    for vevent, event in zip(parsed, events, strict=True):
        assert str(vevent["UID"]) == _read_back(event.uid)
        assert str(vevent["SUMMARY"]) == _read_back(event.summary)
        for name, value in (("DESCRIPTION", event.description), ("LOCATION", event.location)):
            assert str(vevent.get(name, "")) == _read_back(value)
        # In UTC: aware times at a DST fold or gap never compare equal across zones (PEP 495).
        # iCalendar counts whole seconds.
        assert vevent.decoded("DTSTART") == event.start.astimezone(UTC).replace(microsecond=0)
        assert vevent.decoded("DTEND") == event.end.astimezone(UTC).replace(microsecond=0)
        assert vevent.decoded("DTEND") > vevent.decoded("DTSTART")


UNWRITABLE = "".join(c for c in ASCII_CONTROLS if c not in "\t\r\n")


def _read_back(value: str) -> str:
    """What a calendar client reads: every line break is a newline (RFC 5545, 3.3.11); the other
    control characters but the tab cannot be written and are gone."""
    return (
        value.translate({ord(c): None for c in UNWRITABLE})
        .replace("\r\n", "\n")
        .replace("\r", "\n")
    )


@FUZZ
@given(event=EVENTS, method=st.sampled_from(["REQUEST", "CANCEL", "PUBLISH", ""]))
def test_an_invitation_is_valid_icalendar_or_a_value_error(event, method):
    try:
        data = invitation(event, method=method)
    except ValueError:
        return
    assert_valid_calendar(data, [event])


@FUZZ
@given(events=st.lists(EVENTS, max_size=3), name=CALENDAR_NAME)
def test_a_feed_is_valid_icalendar_or_a_value_error(events, name):
    try:
        data = feed(events, name=name)
    except ValueError:
        return
    assert_valid_calendar(data, events)


def _event(**changes) -> CalendarEvent:
    start = datetime(2027, 2, 3, 18, tzinfo=UTC)
    values = {
        "uid": "session-1@tandem.example",
        "sequence": 0,
        "start": start,
        "end": start + timedelta(hours=1),
        "summary": "Tandem-Treffen",
        "stamp": start,
        **changes,
    }
    return CalendarEvent(**values)


@pytest.mark.parametrize("field", ["summary", "description", "location"])
def test_control_characters_are_dropped_from_text_values(field):
    data = invitation(_event(**{field: "Raum\x00B\x1b"}), method="REQUEST")
    assert_valid_calendar(data, [_event(**{field: "Raum\x00B\x1b"})])
    assert str(Calendar.from_ical(data).walk("VEVENT")[0][field.upper()]) == "RaumB"


def test_a_line_break_in_the_feed_name_becomes_a_space():
    data = feed([], name="Meine\nTermine")
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == "Meine Termine"


def test_events_shorter_than_a_second_are_refused():
    """iCalendar counts whole seconds: such an event would end when it starts."""
    start = datetime(2027, 2, 3, 18, tzinfo=UTC)
    with pytest.raises(ValueError, match="must be after start"):
        invitation(_event(start=start, end=start + timedelta(microseconds=10)), method="REQUEST")


# --- Search terms (the site search and the course catalogue page) --------------------------------


@pytest.fixture
def world(db):
    from django.core.cache import cache

    from tests.access_support import build_world

    yield build_world()
    cache.clear()  # Wagtail's cached site root paths belong to the rolled-back world


@pytest.mark.parametrize("terms", ['Beratung "Video', "Beratung\x00", '"'])
@pytest.mark.parametrize("page", ["site search", "course catalogue"])
def test_quotes_and_nul_in_the_search_terms(world, page, terms):
    """The SQLite backend quotes terms without escaping (wagtail/wagtail#13227): cms.search cleans them."""
    url = reverse("search") if page == "site search" else world.catalogue.url
    response = Client().get(url, {"q": terms})
    assert response.status_code == 200
    assert response.context["search_query" if page == "site search" else "filters"] is not None


# --- The application form (mentoring.forms.ApplicationForm) -------------------------------------


@pytest.fixture
def programme(db):
    from tests.mentoring.conftest import make_programme

    return make_programme()


def _post(fields: dict, extra: list) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    for key, value in extra:
        data.appendlist(key, value)
    return data


ANY_VALUE = st.sampled_from(["", "on", "1", "0", "-1", "11", "1e3", "true"]) | TEXT


def _choices(*values):
    return mostly(st.sampled_from(values), ANY_VALUE)


# Mostly a filled-in form (the criteria of make_programme), with odd values and extra fields.
APPLICATION = st.fixed_dictionaries(
    {
        "c_organisation": _choices("KV Nord", "KV Süd", "KV Ost"),
        "c_topics": st.lists(
            _choices("Führung", "Digitalisierung", "Personal"), min_size=1, max_size=3
        )
        | st.just([]),
        "c_languages": st.lists(_choices("Deutsch", "Englisch", "Türkisch"), min_size=1, max_size=3)
        | st.just([]),
        "consent": mostly(st.just("on"), ANY_VALUE),
    },
    optional={"motivation": TEXT, "capacity": mostly(st.integers(1, 10).map(str), ANY_VALUE)},
)
EXTRA_FIELDS = mostly(
    st.just([]),
    st.lists(
        st.tuples(
            st.sampled_from(["c_organisation", "capacity", "consent", "motivation"]) | TEXT,
            ANY_VALUE,
        ),
        max_size=3,
    ),
    weight=2,
)


@FUZZ
@given(fields=APPLICATION, extra=EXTRA_FIELDS, role=st.sampled_from(["mentee", "mentor"]))
def test_the_application_form_is_valid_or_not_never_broken(programme, fields, extra, role):
    from mentoring import services
    from mentoring.forms import ApplicationForm
    from tests.factories import UserFactory

    form = ApplicationForm(_post(fields, extra), programme=programme, role=role)
    if not form.is_valid():
        assert form.errors
        return
    assert form.cleaned_data["consent"] is True
    with savepoint():  # what the application page does next with valid answers
        try:
            services.application_submit(
                programme=programme,
                by=UserFactory(),
                role=role,
                answers=form.answers(),
                motivation=form.cleaned_data["motivation"],
                capacity=form.cleaned_data.get("capacity"),
                consent=True,
            )
        except services.MentoringError:
            pass


# --- Quiz answers (courses.services.quiz_submit) ------------------------------------------------


@pytest.fixture
def quiz(db):
    from courses.models import Quiz

    return Quiz.objects.create(
        title="Quiz",
        pass_mark=50,
        max_attempts=0,
        questions=[
            (
                "question",
                {
                    "text": "Eins?",
                    "kind": "single",
                    "explanation": "",
                    "options": [
                        {"text": "Ja", "is_correct": True, "feedback": ""},
                        {"text": "Nein", "is_correct": False, "feedback": ""},
                    ],
                },
            ),
            (
                "question",
                {
                    "text": "Mehrere?",
                    "kind": "multiple",
                    "explanation": "",
                    "options": [
                        {"text": "A", "is_correct": True, "feedback": ""},
                        {"text": "B", "is_correct": True, "feedback": ""},
                        {"text": "C", "is_correct": False, "feedback": ""},
                    ],
                },
            ),
        ],
    )


def quiz_answers(questions):
    """Mostly the quiz's own question and option ids, in right and wrong shapes; sometimes anything."""
    option_ids = [o["id"] for q in questions for o in q["options"]]
    odd_choice = st.sampled_from(option_ids) | TEXT | JSON

    def answer(question):
        own = st.sampled_from([o["id"] for o in question["options"]])
        return mostly(st.lists(own, max_size=3), own, st.lists(odd_choice, max_size=3), odd_choice)

    shaped = st.fixed_dictionaries({}, optional={q["id"]: answer(q) for q in questions})
    odd = st.dictionaries(
        st.sampled_from([q["id"] for q in questions]) | TEXT, odd_choice, max_size=3
    )
    return mostly(shaped, odd, JSON)


@FUZZ
@given(data=st.data())
def test_quiz_answers_are_graded_or_refused(quiz, data):
    from courses.models import QuizAttempt
    from courses.services import CourseError, quiz_questions, quiz_submit
    from tests.factories import UserFactory

    answers = data.draw(quiz_answers(quiz_questions(quiz)))
    with savepoint():
        try:
            attempt = quiz_submit(user=UserFactory(), quiz=quiz, answers=answers)
        except CourseError:
            return
        assert isinstance(attempt, QuizAttempt) and 0 <= attempt.score_percent <= 100


# --- The booking page (mentoring:book) -----------------------------------------------------------


@pytest.fixture
def tandem(db):
    from tests.mentoring.conftest import make_active_tandem

    return make_active_tandem()


def _book(tandem):
    from mentoring.sessions import selectors, services

    now = datetime.now(UTC)
    slot = selectors.tandem_slots(
        tandem=tandem, length=60, start=now + timedelta(hours=2), end=now + timedelta(days=14)
    ).slots[0]
    return services.session_book(
        tandem=tandem, start=slot.start, length=60, by=tandem.mentee.user
    ).session


MOMENTS = st.datetimes(timezones=st.none() | st.timezones()).map(datetime.isoformat)
DAYS = st.dates().map(str)
BOOKING_TEXT = TEXT | MOMENTS | DAYS | st.integers().map(str)
ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "UTC"])
LENGTHS = st.sampled_from(["15", "30", "45", "60", "90", "240", "0", "-60"])


def _query(params: dict) -> str:
    data = QueryDict(mutable=True)
    data.update(params)
    return data.urlencode()


def translation(message, language: str) -> str:
    from django.utils import translation as django_translation

    with django_translation.override(language):
        return str(message)


def _book_page(tandem, form: dict, query: dict):
    client = Client()
    client.force_login(tandem.mentee.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    return client.post(f"{url}?{_query(query)}", form)


@FUZZ
@given(data=st.data())
def test_the_booking_page_answers_every_post_without_a_server_error(tandem, data):
    from mentoring.sessions import selectors

    with savepoint():
        now = datetime.now(UTC)
        free = [
            slot.start.isoformat()
            for slot in selectors.tandem_slots(
                tandem=tandem,
                length=60,
                start=now + timedelta(hours=2),
                end=now + timedelta(days=14),
            ).slots[:20]
        ]
        form = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "slot": mostly(st.sampled_from(free), BOOKING_TEXT, weight=2),
                    "length": mostly(LENGTHS, BOOKING_TEXT),
                    "reason": TEXT,
                    "key": TEXT,
                    "tz": mostly(ZONES, TEXT),
                },
            )
        )
        query = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "from": DAYS | BOOKING_TEXT,
                    "day": DAYS | BOOKING_TEXT,
                    "month": DAYS.map(lambda day: day[:7]) | BOOKING_TEXT,
                    "length": mostly(LENGTHS, BOOKING_TEXT),
                    "tz": mostly(ZONES, TEXT),
                },
            )
        )
        move = data.draw(st.sampled_from(["", "", "session", "session", "anything"]))
        if move == "session":  # moving one of the tandem's sessions
            form["move"] = str(_book(tandem).uuid)
        elif move:
            form["move"] = data.draw(BOOKING_TEXT)
        response = _book_page(tandem, form, query)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "form, query, status",
    [
        ({}, {"from": "9999-12-31"}, 200),
        ({"slot": "9999-12-31T23:00:00+00:00", "length": "60"}, {}, 400),
        ({"slot": "0001-01-01T00:00:00+05:00", "length": "60"}, {}, 400),
    ],
    ids=["month-of-9999-12-31", "slot-in-9999", "slot-in-year-1"],
)
def test_the_booking_page_at_the_ends_of_the_calendar(tandem, form, query, status):
    """A page far in the future shows the last month anyone could book; a slot there is
    refused."""
    if form:
        response = _book_page(tandem, form, query)
    else:
        client = Client()
        client.force_login(tandem.mentee.user)
        response = client.get(reverse("mentoring:book", args=[tandem.pk]), query)
    assert response.status_code == status
    if status == 400:
        from mentoring.sessions.services import OUT_OF_REACH

        expected = {translation(OUT_OF_REACH, language) for language in ("de", "en")}
        assert expected & {str(error) for error in response.context["errors"]}
        assert not tandem.sessions.exists()
    else:
        assert response.context["month"] <= datetime.now(UTC).date() + timedelta(days=367)


# --- The Jitsi webhook (mentoring:jitsi-occupant-event) -----------------------------------------

BEARER = "fuzz-bearer-token"
# Event times: seconds or milliseconds since the epoch (any number), text, or nothing.
MOMENT = st.integers() | st.floats() | TEXT | MOMENTS | st.none() | JSON
NOT_A_DICT = JSON.filter(lambda value: not isinstance(value, dict))


def occupant_events(session, participants):
    """Mostly events shaped like prosody's (the session's room, its members' ids, odd times), or anything."""
    change = st.sampled_from(["joined", "left"])
    occupant = st.fixed_dictionaries(
        {"id": mostly(st.sampled_from(participants), TEXT, st.integers(), st.none())},
        optional={"name": TEXT, "joined_at": MOMENT, "left_at": MOMENT},
    )
    room = mostly(
        st.sampled_from(
            [
                session.room_name,
                f"{session.room_name}@conference.meet.example",
                f"tenant/{session.room_name}",
            ]
        ),
        TEXT,
    )

    def body(change):
        event = mostly(
            st.just(f"muc-occupant-{change}"),
            st.sampled_from(["muc-occupant-joined", "muc-room-created"]),
            TEXT,
        )
        return st.fixed_dictionaries(
            {"event_name": event, "room_name": room, "occupant": mostly(occupant, NOT_A_DICT)}
        )

    def request(change):
        url = mostly(
            st.just(change),
            st.sampled_from(["joined", "left"]),
            TEXT.filter(lambda t: t and "/" not in t),
        )
        raw = mostly(
            body(change).map(lambda data: json.dumps(data).encode()),
            st.binary(max_size=40),
            JSON.map(lambda data: json.dumps(data, allow_nan=True).encode()),
            weight=8,
        )
        return st.tuples(url, raw)

    return change.flatmap(request)


def _occupant_event(change: str, raw: bytes):
    return Client().post(
        reverse("mentoring:jitsi-occupant-event", args=[change]),
        raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {BEARER}",
    )


@FUZZ
@given(data=st.data())
def test_the_jitsi_webhook_answers_200_or_400(tandem, settings, data):
    from mentoring.sessions import services

    settings.TANDEM_VIDEO_JITSI_API_TOKEN = BEARER
    with savepoint():
        session = _book(tandem)
        participants = [
            services.participant_id(session, user.pk) for user in (session.mentor, session.mentee)
        ]
        change, raw = data.draw(occupant_events(session, participants))
        response = _occupant_event(change, raw)
    assert response.status_code in (200, 400), response.content


@pytest.mark.parametrize(
    "reported",
    [float("nan"), float("inf"), 10**20, -(10**15), "9999-12-31T00:00:00Z", {"at": 1}, True],
    ids=["nan", "infinity", "far-future", "far-past", "year-9999", "object", "boolean"],
)
def test_the_jitsi_webhook_believes_only_times_near_now(tandem, settings, reported):
    """An event time that is unreadable or far from now is replaced by the time of arrival."""
    from mentoring.models import SessionAttendance
    from mentoring.sessions import services

    settings.TANDEM_VIDEO_JITSI_API_TOKEN = BEARER
    session = _book(tandem)
    occupant = {"id": services.participant_id(session, session.mentee_id), "joined_at": reported}
    body = {
        "event_name": "muc-occupant-joined",
        "room_name": session.room_name,
        "occupant": occupant,
    }
    before = datetime.now(UTC)
    response = _occupant_event("joined", json.dumps(body, allow_nan=True).encode())
    assert response.json() == {"recorded": True}
    visit = SessionAttendance.objects.get(session=session, user_id=session.mentee_id)
    assert before <= visit.joined_at <= datetime.now(UTC)


def test_the_jitsi_webhook_ignores_an_unknown_non_ascii_occupant(tandem, settings):
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = BEARER
    session = _book(tandem)
    body = {
        "event_name": "muc-occupant-joined",
        "room_name": session.room_name,
        "occupant": {"id": "mentée", "joined_at": 1},
    }
    response = _occupant_event("joined", json.dumps(body).encode())
    assert response.status_code == 200 and response.json() == {"recorded": False}
