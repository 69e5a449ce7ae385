"""Booking and moving through the API as a token client: every slot the API offers can be booked,
also on the nights the clocks change, and a token client gets its own language and time zone."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from mentoring.models import Session, SessionChange

from .conftest import make_active_tandem

pytestmark = pytest.mark.django_db

#: Sunday 05:30–07:30 in Kolkata is 00:00–02:00 UTC: on 31 October 2027 Berlin's clocks go back
#: at 01:00 UTC, so seen from Berlin these slots start or end in (or span) the repeated hour.
KOLKATA_SUNDAY_MORNING = [(6, "05:30", "07:30")]
CHANGE_NIGHT = datetime(2027, 10, 31, 0, 0, tzinfo=UTC)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def kolkata_tandem(db):
    tandem = make_active_tandem(
        mentor_zone="Asia/Kolkata", mentee_zone="Europe/Berlin", windows=KOLKATA_SUNDAY_MORNING
    )
    schedule = tandem.mentor.user.mentor_schedule
    schedule.own_rules = True
    schedule.horizon_days = 365  # the change night is less than a year away from now (2026)
    schedule.min_notice_hours = 0
    schedule.save()
    assert timezone.now() + timedelta(days=365) > CHANGE_NIGHT, "move the change night on"
    return tandem


def offered(client, tandem, length: int = 60) -> list[dict]:
    response = client.get(
        f"/api/v1/tandems/{tandem.pk}/slots/",
        {
            "start": (CHANGE_NIGHT - timedelta(hours=12)).isoformat(),
            "end": (CHANGE_NIGHT + timedelta(hours=12)).isoformat(),
            "length": length,
            "tz": "Europe/Berlin",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["slots"]


@pytest.mark.parametrize("written_as", ["utc", "offered"])
def test_every_slot_offered_on_the_night_the_clocks_go_back_can_be_booked(
    kolkata_tandem, written_as
):
    client = token_client(kolkata_tandem.mentee.user)
    slots = offered(client, kolkata_tandem)
    assert [datetime.fromisoformat(slot["start"]).astimezone(UTC) for slot in slots] == [
        CHANGE_NIGHT,
        CHANGE_NIGHT + timedelta(minutes=30),
        CHANGE_NIGHT + timedelta(hours=1),
    ]
    for slot in slots:
        start = datetime.fromisoformat(slot["start"])
        sent = start.astimezone(UTC).isoformat() if written_as == "utc" else slot["start"]
        response = client.post(
            "/api/v1/sessions/", {"tandem": kolkata_tandem.pk, "start": sent, "length": 60}
        )
        assert response.status_code == 201, (sent, response.json())
        assert Session.objects.get().start == start
        Session.objects.all().delete()


def test_a_retry_with_the_same_key_on_the_change_night_returns_the_booking(kolkata_tandem):
    client = token_client(kolkata_tandem.mentee.user)
    body = {"tandem": kolkata_tandem.pk, "start": "2027-10-31T00:00:00Z", "length": 60}
    first = client.post("/api/v1/sessions/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/sessions/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200), again.json()
    assert first.json()["id"] == again.json()["id"]


def test_a_taken_slot_on_the_change_night_offers_only_other_free_slots(kolkata_tandem):
    client = token_client(kolkata_tandem.mentee.user)
    start = "2027-10-31T00:00:00Z"
    body = {"tandem": kolkata_tandem.pk, "start": start, "length": 30}
    assert client.post("/api/v1/sessions/", body).status_code == 201
    response = client.post("/api/v1/sessions/", body)
    assert response.status_code == 409
    alternatives = [
        datetime.fromisoformat(slot["start"]) for slot in response.json()["alternatives"]
    ]
    assert alternatives and CHANGE_NIGHT not in alternatives


def test_a_session_moves_to_every_slot_offered_on_the_change_night(kolkata_tandem):
    client = token_client(kolkata_tandem.mentee.user)
    week_before = CHANGE_NIGHT - timedelta(days=7)
    created = client.post(
        "/api/v1/sessions/",
        {"tandem": kolkata_tandem.pk, "start": week_before.isoformat(), "length": 60},
    )
    assert created.status_code == 201, created.json()
    uuid = created.json()["id"]
    starts = [slot["start"] for slot in offered(client, kolkata_tandem)]
    for start in reversed(starts):  # each move frees the earlier time, no overlap with itself
        response = client.post(
            f"/api/v1/sessions/{uuid}/reschedule/", {"start": start, "reason": "Zeitumstellung"}
        )
        assert response.status_code == 200, (start, response.json())
        assert Session.objects.get().start == datetime.fromisoformat(start)
    assert SessionChange.objects.filter(kind=SessionChange.Kind.RESCHEDULED).count() == len(starts)


# --- A token client's own language and time zone -------------------------------------------------


def test_a_token_client_gets_its_own_language_and_time_zone(db):
    tandem = make_active_tandem(mentee_zone="America/New_York")
    mentee = tandem.mentee.user
    mentee.language = "en"
    mentee.save()
    client = token_client(mentee)
    # slots of the length booked: the first 30-minute slot may be the last half hour of a window
    slots = client.get(f"/api/v1/tandems/{tandem.pk}/slots/", {"length": 60}).json()["slots"]
    body = {"tandem": tandem.pk, "start": slots[0]["start"], "length": 60}
    created = client.post("/api/v1/sessions/", body)
    assert created.status_code == 201
    session = Session.objects.get()
    new_york = session.start.astimezone(ZoneInfo("America/New_York")).isoformat()
    assert created.json()["start"] == new_york
    assert client.get("/api/v1/sessions/").json()["results"][0]["start"] == new_york
    taken = client.post("/api/v1/sessions/", body)
    assert taken.status_code == 409
    assert taken.json()["detail"] == "This time is no longer available. Please choose another one."
    assert taken["Content-Language"] == "en"
    missing = client.post("/api/v1/sessions/", {"tandem": tandem.pk})
    assert missing.json()["fields"]["start"] == ["This field is required."]


def test_a_token_client_of_a_german_person_in_berlin_gets_german_and_berlin_time(db):
    tandem = make_active_tandem()
    client = token_client(tandem.mentee.user)
    missing = client.post("/api/v1/sessions/", {"tandem": tandem.pk})
    assert missing.json()["fields"]["start"] == ["Dieses Feld muss ausgefüllt werden."]
    assert missing["Content-Language"] == "de"


# --- The schema ------------------------------------------------------------------------------------


def test_the_schema_states_the_bounds_of_the_slot_length(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    schema = json.loads(target.read_text())
    operation = schema["paths"]["/api/v1/tandems/{tandem_id}/slots/"]["get"]
    (length,) = [p for p in operation["parameters"] if p["name"] == "length"]
    assert (length["schema"]["minimum"], length["schema"]["maximum"]) == (15, 240)
