import pytest
from rest_framework.test import APIClient

from mentoring import services
from mentoring.models import Application, Programme, Tandem
from tests.factories import UserFactory

from .conftest import apply

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_programmes_are_public(programme):
    body = client_for().get("/api/v1/programmes/").json()
    assert [item["slug"] for item in body["results"]] == ["fuehrung"]


def test_apply_through_the_api_with_field_errors(programme):
    user = UserFactory()
    payload = {
        "programme": programme.pk,
        "role": "mentee",
        "consent": True,
        "answers": {"organisation": "KV Mond", "topics": ["Führung"], "languages": ["Deutsch"]},
    }
    response = client_for(user).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 400 and "organisation" in response.json()["fields"]
    payload["answers"]["organisation"] = "KV Nord"
    response = client_for(user).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    other = UserFactory()
    assert client_for(other).get("/api/v1/applications/").json()["count"] == 0  # only one's own
    assert (
        client_for(other).get(f"/api/v1/applications/{Application.objects.get().pk}/").status_code
        == 404
    )


def test_runs_only_for_the_programmes_managers(programme):
    manager, stranger = UserFactory(), UserFactory()
    programme.managers.add(manager)
    programme.save()
    other = Programme.objects.create(
        title="B",
        slug="b",
        applications_open=programme.applications_open,
        applications_close=programme.applications_close,
        matching_on=programme.matching_on,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )
    other.managers.add(stranger)
    other.save()
    apply(programme, "mentee", "KV Nord", ["Führung"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    assert client_for(stranger).post(f"/api/v1/programmes/{programme.pk}/run/").status_code == 404
    response = client_for(manager).post(f"/api/v1/programmes/{programme.pk}/run/")
    assert response.status_code == 201 and response.json()["matched_count"] == 1
    run_id = response.json()["id"]
    assert client_for(stranger).get(f"/api/v1/matching-runs/{run_id}/").status_code == 404
    assert (
        client_for(manager)
        .get(f"/api/v1/matching-runs/{run_id}/")
        .json()["proposals"][0]["breakdown"]
    )
    published = client_for(manager).post(f"/api/v1/matching-runs/{run_id}/publish/")
    assert published.status_code == 200 and len(published.json()) == 1


def test_tandems_visible_to_members_and_managers_only(programme):
    manager = UserFactory()
    programme.managers.add(manager)
    programme.save()
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    tandem = Tandem.objects.get()
    for user in (mentee.user, mentor.user, manager):
        assert client_for(user).get(f"/api/v1/tandems/{tandem.pk}/").status_code == 200
    assert client_for(UserFactory()).get(f"/api/v1/tandems/{tandem.pk}/").status_code == 404
    assert (
        client_for(mentee.user)
        .post(f"/api/v1/tandems/{tandem.pk}/answer/", {"accept": True}, format="json")
        .json()["mentee_response"]
        == "accepted"
    )
    response = client_for(manager).post(
        f"/api/v1/tandems/{tandem.pk}/answer/", {"accept": True}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "not_a_member"
