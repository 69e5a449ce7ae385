import pytest
import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_schema_is_openapi_3_and_only_documents_api_v1(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["paths"], "the schema documents at least one path"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "/api/v1/me/" in schema["paths"]


def test_docs_are_self_hosted(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_me_requires_authentication_in_one_error_shape(api):
    response = api.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"status", "code", "detail"}
    assert body["status"] == response.status_code
    assert body["code"] == "not_authenticated"


def test_token_authentication(api, user):
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    api.credentials(HTTP_AUTHORIZATION="Token falsch")
    assert api.get("/api/v1/me/").json()["code"] == "authentication_failed"


def test_validation_errors_answer_400_with_field_errors(api, user):
    api.force_authenticate(user)
    response = api.patch(
        "/api/v1/me/", {"time_zone": "Mars/Olympus", "language": "fr"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"time_zone", "language"}
    assert body["detail"] == "Die Eingabe ist ungültig. Bitte prüfen Sie die markierten Felder."


def test_profile_update_through_api(api, user):
    api.force_authenticate(user)
    response = api.patch(
        "/api/v1/me/", {"time_zone": "Europe/Vienna", "email": "neu@example.org"}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.time_zone == "Europe/Vienna"
    assert user.email != "neu@example.org"  # e-mail changes go through verification, not the API


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/gibt-es-nicht/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_english_error_messages_on_request(api, user):
    api.force_authenticate(user)
    api.cookies["tandem_language"] = "en"
    response = api.patch("/api/v1/me/", {"language": "fr"}, format="json")
    assert response.json()["detail"] == "The input is not valid. Please check the marked fields."


@pytest.mark.parametrize("depth", [100_000, 1_000, 65])
def test_deeply_nested_json_is_refused_in_the_error_shape(api, user, depth):
    api.force_authenticate(user)
    body = "[" * depth + "]" * depth
    response = api.generic("PATCH", "/api/v1/me/", body, content_type="application/json")
    assert response.status_code == 400
    answer = response.json()
    assert set(answer) == {"status", "code", "detail"}
    assert answer["status"] == 400 and answer["code"] == "parse_error"
    assert "verschachtelt" in answer["detail"]


def test_moderately_nested_json_is_still_read(api, user):
    api.force_authenticate(user)
    response = api.patch(
        "/api/v1/me/", {"time_zone": "Europe/Vienna", "x": [[[[1]]]]}, format="json"
    )
    assert response.status_code == 200


def _paginated_paths(api) -> list[str]:
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    return [
        path
        for path, operations in schema["paths"].items()
        if "{" not in path
        and any(p["name"] == "page" for p in operations.get("get", {}).get("parameters", []))
    ]


@pytest.mark.parametrize(
    "query, status, field",
    [
        ("page=abc", 400, "page"),
        ("page=0", 400, "page"),
        ("page=-3", 400, "page"),
        ("page=1.5", 400, "page"),
        ("page=last", 400, "page"),
        ("page=99999999999999999999999", 404, None),
        ("page=2", 404, None),
        ("page_size=-1", 400, "page_size"),
        ("page_size=0", 400, "page_size"),
        ("page_size=abc", 400, "page_size"),
        ("page_size=101", 400, "page_size"),
        ("page_size=99999999999999999999999", 400, "page_size"),
    ],
)
def test_pagination_parameters_are_checked_on_every_list(api, user, query, status, field):
    api.force_authenticate(user)
    paths = _paginated_paths(api)
    assert "/api/v1/courses/" in paths and "/api/v1/enrolments/" in paths
    for path in paths:
        response = api.get(f"{path}?{query}")
        assert response.status_code == status, (path, response.content)
        body = response.json()
        if field:
            assert body["code"] == "invalid" and list(body["fields"]) == [field], path
        else:
            assert body["code"] == "not_found", path


def test_pagination_parameters_are_documented_with_their_bounds(api):
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/courses/"]["get"]["parameters"]
    }
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 100}
    for path in ("/api/v1/courses/", "/api/v1/enrolments/"):
        answer = api.get(f"{path}?page=1&page_size=100")
        assert answer.status_code in (200, 403)
