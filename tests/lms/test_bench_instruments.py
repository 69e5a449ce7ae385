"""The instruments of `make bench-load` (lms/bench_views.py): off by default, and when switched on
(TANDEM_BENCH) a query count on every response and a trivial view behind the same middleware."""

import pytest
from django.conf import settings
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lms import bench_views
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COUNTING = ["lms.bench_views.QueryCountMiddleware", *settings.MIDDLEWARE]


def test_off_by_default_no_header_and_no_trivial_view(client):
    assert settings.TANDEM_BENCH is False
    assert "lms.bench_views.QueryCountMiddleware" not in settings.MIDDLEWARE
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert bench_views.QUERIES_HEADER not in response
    assert client.get("/_bench/trivial/").status_code == 404


def test_listed_but_switched_off_the_middleware_adds_nothing(settings):
    settings.MIDDLEWARE = COUNTING
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert bench_views.QUERIES_HEADER not in response


def test_switched_on_every_response_says_how_many_queries_it_made(settings):
    settings.TANDEM_BENCH = True
    settings.MIDDLEWARE = COUNTING
    client = Client()
    client.get("/healthz/")  # warm: content types and settings are cached afterwards
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert int(response[bench_views.QUERIES_HEADER]) == len(queries.captured_queries) > 0


def test_trivial_view_answers_only_when_switched_on(rf, settings):
    request = rf.get("/_bench/trivial/")
    request.user = UserFactory()
    with pytest.raises(Http404):
        bench_views.trivial(request)
    settings.TANDEM_BENCH = True
    response = bench_views.trivial(request)
    assert response.status_code == 200
    assert response.content == b"ok, signed in: yes\n"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
