"""Personal answers are never stored by browsers or shared caches: every answer to a signed-in
person (session or API token) and to a personal address reached by a secret token (the calendar
feed) says ``Cache-Control: private, no-store``; the public pages of anonymous visitors do not."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from mentoring.sessions import services as session_services
from tests.access_support import _book
from tests.factories import UserFactory
from tests.mentoring.conftest import make_active_tandem

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def plain_routes(resolver=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the site without path parameters, as a path."""
    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(" in route or "^" in route or "\\" in route:
            continue
        if isinstance(pattern, URLResolver):
            routes += plain_routes(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            routes.append("/" + prefix + route)
    return sorted(set(routes))


def test_every_plain_url_answers_a_signed_in_person_with_no_store(client, site_settings):
    client.force_login(UserFactory())
    routes = [route for route in plain_routes() if not route.startswith("/accounts/logout")]
    assert {"/me/", "/me/privacy/export/", "/courses/mine/", "/mentoring/mine/"} <= set(routes)
    missing = [route for route in routes if not no_store(client.get(route))]
    assert missing == []


def test_personal_pages_with_ids_and_the_join_page(client, site_settings):
    tandem = make_active_tandem()
    session = _book(tandem, tandem.mentee.user)
    client.force_login(tandem.mentee.user)
    for url in (
        f"/mentoring/tandems/{tandem.pk}/",
        f"/mentoring/tandems/{tandem.pk}/book/",
        f"/mentoring/sessions/{session.uuid}/",
        f"/mentoring/sessions/{session.uuid}/join/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        assert no_store(response), url


def test_the_calendar_feed_and_the_api_with_a_token(client, site_settings):
    tandem = make_active_tandem()
    user = tandem.mentee.user
    feed = session_services.calendar_token_rotate(user=user).token
    response = client.get(f"/mentoring/calendar/{feed}.ics")
    assert response.status_code == 200 and no_store(response)
    token = Token.objects.create(user=user)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and no_store(response)


def test_public_pages_for_anonymous_visitors_may_be_cached(client, site_settings, home_page):
    response = client.get("/")
    assert response.status_code == 200 and not no_store(response)
    assert not no_store(client.get("/api/v1/courses/"))
