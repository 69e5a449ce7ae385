"""What the API answers when a request is well formed but cannot be carried out: 404 for an object
named in the body that does not exist, 409 when the object is not in the state the action needs,
422 when a rule refuses the input (lms.api_support.exception_handler, cms.errors). Clients can tell
"reload and decide again" from "change the input" from "fix your request"."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mentoring import services
from mentoring.models import Session, Tandem
from tests.factories import UserFactory

from .conftest import apply, make_active_tandem

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def test_applying_to_a_programme_that_does_not_exist_is_404_naming_the_field(programme):
    payload = {"programme": programme.pk + 1000, "role": "mentee", "consent": True, "answers": {}}
    body = error(
        client_for(UserFactory()).post("/api/v1/applications/", payload, format="json"),
        404,
        "not_found",
    )
    assert list(body["fields"]) == ["programme"]


def test_applying_takes_json_only(programme):
    form = {"programme": programme.pk, "role": "mentee", "consent": "true"}
    assert client_for(UserFactory()).post("/api/v1/applications/", form).status_code == 415


def test_answering_a_tandem_twice_is_a_conflict(programme):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    tandem = Tandem.objects.get()
    url = f"/api/v1/tandems/{tandem.pk}/answer/"
    client = client_for(mentee.user)
    assert client.post(url, {"accept": True}, format="json").status_code == 200
    body = error(client.post(url, {"accept": False}, format="json"), 409, "answered")
    assert body["detail"]  # the reason, for people
    tandem.refresh_from_db()
    assert tandem.mentee_response == "accepted"  # the first answer stands


@pytest.fixture
def booked():
    tandem = make_active_tandem()
    slot = (  # of the length booked: the first 30-minute slot may end a window
        client_for(tandem.mentee.user)
        .get(f"/api/v1/tandems/{tandem.pk}/slots/", {"length": 60})
        .json()
    )
    start = slot["slots"][0]["start"]
    response = client_for(tandem.mentee.user).post(
        "/api/v1/sessions/", {"tandem": tandem.pk, "start": start, "length": 60}, format="json"
    )
    assert response.status_code == 201, response.content
    return tandem, Session.objects.get()


def test_confirming_a_session_that_needs_no_confirmation_is_a_conflict(booked):
    tandem, session = booked
    response = client_for(tandem.mentor.user).post(f"/api/v1/sessions/{session.uuid}/confirm/")
    error(response, 409, "not_proposed")


def test_moving_a_session_outside_the_booking_period_is_refused_by_rule(booked):
    tandem, session = booked
    past = (timezone.now() - timedelta(days=3)).isoformat()
    response = client_for(tandem.mentee.user).post(
        f"/api/v1/sessions/{session.uuid}/reschedule/",
        {"start": past, "reason": "Terminkonflikt"},
        format="json",
    )
    body = error(response, 422, "out_of_range")
    assert list(body["fields"]) == ["start"]
    session.refresh_from_db()
    assert session.start > timezone.now()  # nothing moved


def test_slots_over_a_too_long_period_or_in_an_unknown_zone_are_refused_by_rule():
    tandem = make_active_tandem()
    client = client_for(tandem.mentee.user)
    url = f"/api/v1/tandems/{tandem.pk}/slots/"
    start = timezone.now()
    too_long = {"start": start.isoformat(), "end": (start + timedelta(days=63)).isoformat()}
    assert list(error(client.get(url, too_long), 422, "out_of_range")["fields"]) == ["end"]
    assert list(
        error(client.get(url, {"tz": "Mond/Krater"}), 422, "unknown_time_zone")["fields"]
    ) == ["tz"]
    assert client.get(url, {"tz": "Europe/Berlin"}).status_code == 200


def test_the_schema_documents_conflicts_and_refused_rules():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/tandems/{id}/answer/"]["post"]["responses"]
    assert {"404", "409", "422"} <= set(answer)
    slots = schema["paths"]["/api/v1/tandems/{tandem_id}/slots/"]["get"]["responses"]
    assert "422" in slots
