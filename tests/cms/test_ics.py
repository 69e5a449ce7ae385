import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from cms.ics import CalendarEvent, feed, invitation

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)
TRICKY = "Termin: Müller, Böhm; Zeile\nzwei"


def make_event(**changes) -> CalendarEvent:
    event = CalendarEvent(
        uid="session-3f2a9c1e-0000-4000-8000-000000000001@tandem.example",
        sequence=0,
        start=datetime(2027, 2, 3, 18, 0, tzinfo=BERLIN),
        end=datetime(2027, 2, 3, 19, 0, tzinfo=BERLIN),
        summary="Tandem-Treffen",
        stamp=STAMP,
        organizer=("mentorin@example.org", "Anna Mentorin"),
        attendees=(("mentee@example.org", "Jörg Müller"),),
    )
    return replace(event, **changes)


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def utc_line(name: str, value: datetime) -> bytes:
    assert value.utcoffset() == timedelta(0)
    return f"{name}:{value:%Y%m%dT%H%M%S}Z\r\n".encode()


def test_request_has_calendar_headers_and_one_confirmed_event():
    calendar = parse(invitation(make_event(), method="REQUEST"))

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Tandem//Mentoring//DE"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    event = only_event(calendar)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Tandem-Treffen"
    assert calendar.walk("VALARM") == []


def test_custom_product_id():
    calendar = parse(invitation(make_event(), method="REQUEST", product="-//Tandem//Kurse//DE"))
    assert str(calendar["PRODID"]) == "-//Tandem//Kurse//DE"


def test_cancel_keeps_uid_and_sets_cancelled_status_and_sequence():
    original = make_event(sequence=0)
    cancelled = make_event(sequence=2, cancelled=True)

    first = only_event(parse(invitation(original, method="REQUEST")))
    calendar = parse(invitation(cancelled, method="CANCEL"))
    second = only_event(calendar)

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(second["STATUS"]) == "CANCELLED"
    assert str(first["UID"]) == str(second["UID"]) == original.uid
    assert int(first["SEQUENCE"]) == 0
    assert int(second["SEQUENCE"]) == 2


def test_sequence_increments_on_update():
    event = only_event(parse(invitation(make_event(sequence=5), method="REQUEST")))
    assert int(event["SEQUENCE"]) == 5
    assert str(event["UID"]) == make_event().uid


def test_organizer_and_attendees_are_mailto_with_cn():
    event = make_event(
        attendees=(("mentee@example.org", "Jörg Müller"), ("zweite@example.org", "Böhm, Eva"))
    )
    vevent = only_event(parse(invitation(event, method="REQUEST")))

    organizer = vevent["ORGANIZER"]
    assert str(organizer) == "mailto:mentorin@example.org"
    assert organizer.params["CN"] == "Anna Mentorin"

    attendees = vevent["ATTENDEE"]
    assert [str(a) for a in attendees] == [
        "mailto:mentee@example.org",
        "mailto:zweite@example.org",
    ]
    assert [a.params["CN"] for a in attendees] == ["Jörg Müller", "Böhm, Eva"]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "FALSE"


def test_cancel_lists_attendees_without_partstat():
    vevent = only_event(parse(invitation(make_event(), method="CANCEL")))
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:mentee@example.org"
    assert "PARTSTAT" not in attendee.params


def test_no_organizer_or_attendees_when_not_given():
    vevent = only_event(
        parse(invitation(make_event(organizer=None, attendees=()), method="REQUEST"))
    )
    assert "ORGANIZER" not in vevent
    assert "ATTENDEE" not in vevent


def test_optional_text_fields_only_when_non_empty():
    bare = only_event(parse(invitation(make_event(), method="REQUEST")))
    for name in ("DESCRIPTION", "URL", "LOCATION"):
        assert name not in bare

    full = only_event(
        parse(
            invitation(
                make_event(
                    description="Bitte Unterlagen mitbringen.",
                    url="https://tandem.example/mentoring/termine/1/",
                    location="Raum 3, Hauptstraße 5",
                ),
                method="REQUEST",
            )
        )
    )
    assert str(full["DESCRIPTION"]) == "Bitte Unterlagen mitbringen."
    assert str(full["URL"]) == "https://tandem.example/mentoring/termine/1/"
    assert str(full["LOCATION"]) == "Raum 3, Hauptstraße 5"


def test_text_escaping_survives_round_trip():
    event = make_event(summary=TRICKY, description=TRICKY, location=TRICKY)
    data = invitation(event, method="REQUEST")

    # Escaped on the wire: comma, semicolon and newline, UTF-8 umlauts.
    assert "SUMMARY:Termin: Müller\\, Böhm\\; Zeile\\nzwei\r\n".encode() in data
    vevent = only_event(parse(data))
    assert str(vevent["SUMMARY"]) == TRICKY
    assert str(vevent["DESCRIPTION"]) == TRICKY
    assert str(vevent["LOCATION"]) == TRICKY


@pytest.mark.parametrize(
    ("start", "end", "utc_start", "utc_end"),
    [
        # Berlin winter time (CET, +01:00).
        (
            datetime(2027, 2, 3, 18, 0, tzinfo=BERLIN),
            datetime(2027, 2, 3, 19, 0, tzinfo=BERLIN),
            datetime(2027, 2, 3, 17, 0, tzinfo=UTC),
            datetime(2027, 2, 3, 18, 0, tzinfo=UTC),
        ),
        # Across the spring change 2027-03-28 02:00 CET -> 03:00 CEST: one real hour.
        (
            datetime(2027, 3, 28, 1, 30, tzinfo=BERLIN),
            datetime(2027, 3, 28, 3, 30, tzinfo=BERLIN),
            datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
            datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
        ),
        # Across the autumn change 2027-10-31 03:00 CEST -> 02:00 CET: three real hours.
        (
            datetime(2027, 10, 31, 1, 0, tzinfo=BERLIN),
            datetime(2027, 10, 31, 3, 0, tzinfo=BERLIN),
            datetime(2027, 10, 30, 23, 0, tzinfo=UTC),
            datetime(2027, 10, 31, 2, 0, tzinfo=UTC),
        ),
        # The same wall-clock time a day before and after the autumn change.
        (
            datetime(2027, 10, 30, 10, 0, tzinfo=BERLIN),
            datetime(2027, 10, 31, 10, 0, tzinfo=BERLIN),
            datetime(2027, 10, 30, 8, 0, tzinfo=UTC),
            datetime(2027, 10, 31, 9, 0, tzinfo=UTC),
        ),
        # New York is already on EDT (-04:00) on 2027-03-28 (US change 2027-03-14).
        (
            datetime(2027, 3, 28, 10, 0, tzinfo=NEW_YORK),
            datetime(2027, 3, 28, 11, 0, tzinfo=NEW_YORK),
            datetime(2027, 3, 28, 14, 0, tzinfo=UTC),
            datetime(2027, 3, 28, 15, 0, tzinfo=UTC),
        ),
        # New York still on EDT on 2027-10-31 (US change 2027-11-07), EST afterwards.
        (
            datetime(2027, 10, 31, 10, 0, tzinfo=NEW_YORK),
            datetime(2027, 11, 8, 10, 0, tzinfo=NEW_YORK),
            datetime(2027, 10, 31, 14, 0, tzinfo=UTC),
            datetime(2027, 11, 8, 15, 0, tzinfo=UTC),
        ),
    ],
)
def test_times_are_written_in_utc(start, end, utc_start, utc_end):
    stamp = datetime(2027, 1, 15, 10, 30, tzinfo=BERLIN)
    data = invitation(make_event(start=start, end=end, stamp=stamp), method="REQUEST")

    assert utc_line("DTSTART", utc_start) in data
    assert utc_line("DTEND", utc_end) in data
    assert utc_line("DTSTAMP", datetime(2027, 1, 15, 9, 30, tzinfo=UTC)) in data
    assert b"TZID" not in data
    assert b"VTIMEZONE" not in data

    vevent = only_event(parse(data))
    assert vevent.decoded("DTSTART") == utc_start
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == utc_end
    assert vevent.decoded("DTSTAMP") == datetime(2027, 1, 15, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("field", ["start", "end", "stamp"])
def test_naive_datetimes_are_rejected(field):
    aware = getattr(make_event(), field)
    event = make_event(**{field: aware.replace(tzinfo=None)})
    with pytest.raises(ValueError, match=field):
        invitation(event, method="REQUEST")
    with pytest.raises(ValueError, match=field):
        feed([event], name="Termine")


@pytest.mark.parametrize("minutes", [0, -30])
def test_end_not_after_start_is_rejected(minutes):
    start = datetime(2027, 2, 3, 18, 0, tzinfo=BERLIN)
    event = make_event(start=start, end=start + timedelta(minutes=minutes))
    with pytest.raises(ValueError, match="after start"):
        invitation(event, method="REQUEST")
    with pytest.raises(ValueError, match="after start"):
        feed([event], name="Termine")


def test_end_equal_to_start_in_other_zone_is_rejected():
    start = datetime(2027, 2, 3, 18, 0, tzinfo=BERLIN)
    event = make_event(start=start, end=start.astimezone(NEW_YORK))
    with pytest.raises(ValueError, match="after start"):
        invitation(event, method="REQUEST")


def test_invalid_method_and_cancelled_request_are_rejected():
    with pytest.raises(ValueError, match="method"):
        invitation(make_event(), method="PUBLISH")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="CANCEL"):
        invitation(make_event(cancelled=True), method="REQUEST")


def test_feed_with_several_events():
    events = [
        make_event(uid="session-1@tandem.example", summary="Erstes Treffen"),
        make_event(
            uid="session-2@tandem.example",
            sequence=3,
            start=datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN),
            end=datetime(2027, 3, 28, 11, 0, tzinfo=BERLIN),
            summary=TRICKY,
            url="https://tandem.example/termine/2/",
            cancelled=True,
        ),
        make_event(uid="session-3@tandem.example", summary="Drittes Treffen"),
    ]
    data = feed(events, name="Meine Tandem-Termine (Müller)")
    calendar = parse(data)

    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "Meine Tandem-Termine (Müller)"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    assert b"ORGANIZER" not in data
    assert b"ATTENDEE" not in data
    assert b"BEGIN:VALARM" not in data

    vevents = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in vevents] == [
        "session-1@tandem.example",
        "session-2@tandem.example",
        "session-3@tandem.example",
    ]
    assert [str(e["STATUS"]) for e in vevents] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert [int(e["SEQUENCE"]) for e in vevents] == [0, 3, 0]
    assert str(vevents[1]["SUMMARY"]) == TRICKY
    assert str(vevents[1]["URL"]) == "https://tandem.example/termine/2/"
    assert vevents[1].decoded("DTSTART") == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)


def test_empty_feed_is_valid():
    calendar = parse(feed([], name="Leer"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.walk("VEVENT") == []


@pytest.mark.parametrize(
    "produce",
    [
        lambda e: invitation(e, method="REQUEST"),
        lambda e: invitation(e, method="CANCEL"),
        lambda e: feed([e, e], name="Termine"),
    ],
)
def test_crlf_line_endings_and_folding(produce):
    long_text = "Sehr lange Beschreibung mit Umlauten äöüß, " * 10 + TRICKY
    data = produce(make_event(description=long_text))

    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert re.search(rb"(?<!\r)\n", data) is None  # no bare LF
    assert b"\r\n " in data  # long description is folded
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
    vevent = parse(data).walk("VEVENT")[0]
    assert str(vevent["DESCRIPTION"]) == long_text
