"""Schemathesis against /api/v1/schema/: every operation, with a bounded number of generated
requests, once anonymously and once with the API token of a person who is the mentee of an
active tandem (with a booked session) and an enrolled learner, so that many answers carry real
data. Checks: all of schemathesis' checks (see CHECKS).

The schema is read in-process from the WSGI application (no network). Generated ids are mixed
with the ids of the world's objects (own and other people's), so that requests reach past the
404 as well. Each generated request runs in a savepoint of its own: nothing one request changes
is seen by the next, and the module's world is rolled back at the end."""

from __future__ import annotations

import shutil
import tempfile
from urllib.parse import unquote

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve
from django.utils.functional import empty
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from tests.conftest import fuzz_examples

# The coverage phase (boundary values, missing and unexpected parameters, other methods) is
# deterministic but not bounded by max_examples; for PUT/PATCH /me/ it would send one request per
# time zone of the time_zone enum (~1600 each), so those two are fuzzed with max_examples only.
CONFIG = schemathesis.Config.from_dict(
    {
        # Tandem's API answers 422 to well-formed input that a rule refuses (lms.api_support:
        # a time outside the booking period, a period over 62 days, intervals beyond the video's
        # end); schemathesis' default list of accepting answers does not name 422.
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        },
        "operations": [
            {
                "include-path": "/api/v1/me/",
                "include-method": ["PUT", "PATCH"],
                "phases": {"coverage": {"enabled": False}},
            },
        ],
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", get_wsgi_application(), config=CONFIG
)

# schemathesis' checks, all of them: no server error; status codes, content types, headers and
# bodies as documented; schema-valid input accepted (2xx, or 404/409/422 where it names a missing
# object, meets an object in another state, or breaks a rule: lms.api_support); invalid input
# refused; missing required headers and unsupported methods refused; authentication not ignored;
# deleted objects gone, created ones there.
CHECKS = [
    not_a_server_error,
    positive_data_acceptance,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    ignored_auth,
    use_after_free,
    ensure_resource_availability,
]
FUZZ = settings(
    max_examples=fuzz_examples(20),
    derandomize=True,
    deadline=None,
    database=None,
    # The world is module-scoped; every example gets a savepoint of its own (see _call).
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)

# The ids of the world's objects, per first path segment of the API (filled by the world fixture;
# the strategies below read it only when they draw, i.e. inside the tests).
IDS: dict[str, list] = {}
BODY_IDS = {"lesson": "lessons", "tandem": "tandems", "programme": "programmes"}


def _segment(operation) -> str:
    return operation.path.removeprefix("/api/v1/").split("/")[0]


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Half of the time, the ids of real objects instead of arbitrary values."""
    segment = _segment(context.operation)
    names = [p.name for p in context.operation.path_parameters]
    if not names:
        return strategy
    known = st.deferred(
        lambda: st.fixed_dictionaries({name: st.sampled_from(IDS[segment]) for name in names})
    )
    return st.one_of(strategy, known)


@schema.hook
def before_generate_body(context, strategy):
    """Bodies that name a lesson, tandem or programme: often a real one."""

    def with_real_ids(body):
        if not isinstance(body, dict):
            return st.just(body)
        keys = [key for key in body if key in BODY_IDS]
        ids = st.fixed_dictionaries({key: st.sampled_from(IDS[BODY_IDS[key]]) for key in keys})
        return ids.map(lambda real: {**body, **real})

    return st.one_of(strategy, strategy.flatmap(with_real_ids))


@pytest.fixture(scope="module", autouse=True)
def connection_kept_open():
    """Django closes the database connection after each request (request_finished ->
    close_old_connections); inside the test's transaction that closes it for good (PostgreSQL:
    "the connection is closed"). Django's test client switches this off while it calls the site;
    schemathesis calls the WSGI application directly, so this module does the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, connection_kept_open):
    from courses.models import Enrolment
    from courses.storage import private_storage
    from mentoring.models import Application
    from tests.access_support import build_world

    media = tempfile.mkdtemp(prefix="api-fuzz-")
    overrides = override_settings(TANDEM_COURSES_PRIVATE_MEDIA_ROOT=media)
    overrides.enable()
    private_storage._wrapped = empty
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            w = build_world()
            w.user = w.users["mentee"]
            enrolment = Enrolment.objects.create(
                user=w.user, course=w.course_a, status=Enrolment.Status.ACTIVE
            )
            w.token = Token.objects.create(user=w.user).key
            IDS.update(
                {
                    "applications": list(Application.objects.values_list("pk", flat=True)),
                    "courses": [w.course_a.pk, w.course_b.pk],
                    "enrolments": [enrolment.pk, w.enrolment_a.pk, w.enrolment_b.pk],
                    "lessons": [w.lesson_video.pk, w.lesson_quiz.pk, w.lesson_b.pk],
                    "matching-runs": [w.r1.pk, w.r2.pk],
                    "programmes": [w.p1.pk, w.p2.pk],
                    "quizzes": [w.quiz.pk],
                    "sessions": [str(w.s1.uuid), str(w.s2.uuid)],
                    "tandems": [w.t1.pk, w.t2.pk],
                    "videos": [w.video.pk],
                    # knowledge/spaces/{id}/, knowledge/articles/{id}/...: pages of both kinds
                    "knowledge": [w.kb_space.pk, w.kb_article.pk],
                    "live-sessions": [str(w.live_a.uuid), str(w.live_b.uuid)],
                    "video-rooms": [str(w.video_room.uuid)],
                }
            )
            yield w
            transaction.set_rollback(True)
    finally:
        IDS.clear()
        cache.clear()
        overrides.disable()
        private_storage._wrapped = empty
        shutil.rmtree(media, ignore_errors=True)


def _reaches_the_api(case) -> bool:
    """Whether the URL conf sends the request to an API view. A value the path converter does not
    take (e.g. "AAA" for ``videos/<int:pk>/``) falls through to Wagtail's pages: that is no request
    to the documented operation, so only "no server error" is asked of it."""
    try:
        return resolve(unquote(case.formatted_path)).route.startswith("api/v1/")
    except Resolver404:
        return False


def _call(case, headers=None):
    checks = CHECKS if _reaches_the_api(case) else [not_a_server_error]
    if headers and case.cookies:
        # The token is the person's credential; a generated session cookie beside it would make
        # schemathesis read the request as signed in by generated (invalid) credentials.
        case.cookies = {}
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=checks)
        transaction.set_rollback(True)


def test_every_operation_documents_the_shared_errors():
    """Every operation documents the errors it may answer, in the shape of lms.api_support; without
    them every 403/404 below is an undocumented status code."""
    undocumented = [
        f"{op.method.upper()} {op.path}"
        for op in (r.ok() for r in schema.get_all_operations())
        if "403" not in op.definition.raw["responses"]
    ]
    assert not undocumented, (
        'REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] must be "lms.api_support.AutoSchema"',
        undocumented,
    )


def test_the_schema_explains_the_second_factor_and_rate_limits():
    """API clients of staff accounts learn why they get 403 without a second factor, and every
    client learns to wait for Retry-After on 429."""
    for operation in (result.ok() for result in schema.get_all_operations()):
        responses = operation.definition.raw["responses"]
        assert "second_factor_required" in responses["403"]["description"], operation.path
        assert "Retry-After" in responses["429"]["headers"], operation.path


# Inputs that fuzzing once answered with a server error or an undocumented answer: asked every time.
EDGE_CASES = [
    ("GET", "/api/v1/courses/{id}/", lambda w: {"path_parameters": {"id": 2**70}}, 404),
    (
        "POST",
        "/api/v1/courses/{id}/enrol/",
        lambda w: {"path_parameters": {"id": "null,null"}, "body": {}},
        404,
    ),
    (
        "POST",
        "/api/v1/courses/{id}/leave/",
        lambda w: {"path_parameters": {"id": "null,null"}},
        404,
    ),
    (
        "POST",
        "/api/v1/programmes/{id}/run/",
        lambda w: {"path_parameters": {"id": "null,null"}},
        404,
    ),
    ("GET", "/api/v1/lessons/{id}/", lambda w: {"path_parameters": {"id": 2**70}}, 404),
    (
        "POST",
        "/api/v1/quizzes/{id}/attempts/",
        lambda w: {"path_parameters": {"id": w.quiz.pk}, "body": {"answers": {}, "lesson": 2**70}},
        404,
    ),
    (
        "POST",
        "/api/v1/quizzes/{id}/attempts/",
        lambda w: {"path_parameters": {"id": w.quiz.pk}, "body": []},
        404,
    ),
    (
        "POST",
        "/api/v1/videos/{id}/progress/",
        lambda w: {
            "path_parameters": {"id": w.video.pk},
            "body": {
                "visit": "0b5b7a62-8f0e-4f7e-9a52-7d9c1b0f4a11",
                "intervals": [],
                "position": 0,
                "lesson": 2**70,
            },
        },
        400,
    ),
    ("GET", "/api/v1/courses/", lambda w: {"query": {"q": "Beratung\x00"}}, 200),
    ("GET", "/api/v1/courses/", lambda w: {"query": {"topic": "a\x00b"}}, 200),
    ("GET", "/api/v1/courses/", lambda w: {"query": {"page": 0}}, 400),
    ("GET", "/api/v1/sessions/", lambda w: {"query": {"when": "AAA"}}, 400),
    ("GET", "/api/v1/courses/", lambda w: {"query": {"q": 'Beratung "Video'}}, 200),
    (
        "GET",
        "/api/v1/tandems/{tandem_id}/slots/",
        lambda w: {
            "path_parameters": {"tandem_id": w.t1.pk},
            "query": {"start": "9999-12-31T00:00:00Z"},
        },
        400,
    ),
    (
        "POST",
        "/api/v1/sessions/",
        lambda w: {"body": {"tandem": w.t1.pk, "start": "0001-01-01T00:00:00Z", "length": 60}},
        400,
    ),
]


@pytest.mark.parametrize(
    "method, path, request_data, status",
    EDGE_CASES,
    ids=[f"{method} {path} {status}" for method, path, _, status in EDGE_CASES],
)
def test_edge_cases_found_by_fuzzing(world, db, method, path, request_data, status):
    data = request_data(world)
    if "body" in data:
        data["media_type"] = "application/json"
    case = schema[path][method].Case(**data)
    with transaction.atomic():
        response = case.call_and_validate(
            headers={"Authorization": f"Token {world.token}"}, checks=CHECKS
        )
        transaction.set_rollback(True)
    assert response.status_code == status, response.text


@schema.parametrize()
@FUZZ
def test_anonymous(case, world, db):
    _call(case)


@schema.parametrize()
@FUZZ
def test_authenticated(case, world, db):
    _call(case, {"Authorization": f"Token {world.token}"})
