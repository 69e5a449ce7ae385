"""The shared page cache (cms.page_cache) never serves one person's page to another: two signed-in
learners and an anonymous visitor take turns on the same pages with the cache on, and each sees
only their own name, progress and enrolment. Pages for anonymous visitors come from the cache
(without a query), every publish shows at once, and each visitor gets a CSRF token of their own."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import CourseCataloguePage, Enrolment, LessonProgress
from tests.courses.conftest import lessons_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "X-Tandem-Page-Cache"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.TANDEM_PAGE_CACHE = True


@pytest.fixture
def open_course(course):
    course.lessons_public = True  # anonymous visitors read the lessons too
    course.save_revision().publish()
    return course


@pytest.fixture
def lena(open_course, learner):
    """Enrolled, one of three lessons done (33 %)."""
    Enrolment.objects.create(user=learner, course=open_course, status=Enrolment.Status.ACTIVE)
    LessonProgress.objects.create(
        user=learner,
        lesson=lessons_of(open_course)[1],
        course=open_course,
        completed_at=timezone.now(),
    )
    return learner


@pytest.fixture
def otto(open_course):
    """Enrolled, nothing done yet."""
    person = UserFactory(first_name="Otto", last_name="Zweitmann")
    Enrolment.objects.create(user=person, course=open_course, status=Enrolment.Status.ACTIVE)
    return person


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_nobody_sees_another_persons_page_from_any_cache(open_course, lena, otto, site_settings):
    lesson = lessons_of(open_course)[1]
    catalogue = CourseCataloguePage.objects.get()
    wagtail_pages = [
        "/",
        catalogue.url,
        open_course.url,
        lesson.url,
    ]
    personal_pages = ["/me/", "/courses/mine/"]
    visitors = {"lena": signed_in(lena), "otto": signed_in(otto), "anonymous": Client()}
    names = {"lena": "Lena", "otto": "Otto"}
    progress = {"lena": 'value="33"', "otto": 'value="0"'}
    seen_first = set()
    # The signed-in people go first: had their pages been stored, the visitor would get them.
    for _round in range(2):
        for who in ("lena", "otto", "anonymous", "otto", "lena", "anonymous"):
            client = visitors[who]
            for url in wagtail_pages + personal_pages:
                response = client.get(url)
                html = response.content.decode()
                for other, name in names.items():
                    if other != who:
                        assert name not in html, (who, url, other)
                if who == "anonymous":
                    if url in personal_pages:
                        assert response.status_code == 302  # to the login
                        continue
                    assert response.status_code == 200
                    assert "/me/" not in html  # no personal navigation
                    assert "<progress" not in html
                    # Stored on the first visit (after the two learners'), served from then on.
                    expected = "hit" if url in seen_first else "miss"
                    assert response[HEADER] == expected, (url, response[HEADER])
                    seen_first.add(url)
                    continue
                assert response.status_code == 200, (who, url)
                assert HEADER not in response  # never from the cache, never into it
                cache_control = response["Cache-Control"]
                assert "no-store" in cache_control and "private" in cache_control
                if url in (open_course.url, "/courses/mine/"):
                    assert progress[who] in html, (who, url)
                if url == "/me/":
                    assert names[who] in html
                if url == lesson.url:  # Lena has done this lesson, Otto has not
                    assert ("Mark lesson as done" in html or "Lektion als erledigt" in html) == (
                        who == "otto"
                    )


def test_a_cached_page_costs_no_query(client, site_settings, django_assert_num_queries):
    assert client.get("/")[HEADER] == "miss"
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response[HEADER] == "hit" and "Willkommen" in response.content.decode()


def test_publishing_shows_at_once(
    client, open_course, home_page, site_settings, django_capture_on_commit_callbacks
):
    catalogue = CourseCataloguePage.objects.get()
    for url in ("/", catalogue.url, open_course.url):
        client.get(url)
        assert client.get(url)[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        open_course.title = "Beratung im Netz"
        open_course.save_revision().publish()
        home_page.title = "Herzlich willkommen"
        home_page.save_revision().publish()
    for url, expected in (
        (catalogue.url, "Beratung im Netz"),
        ("/", "Herzlich willkommen"),
    ):
        response = client.get(url)
        assert response[HEADER] == "miss" and expected in response.content.decode()
    assert "Beratung im Netz" in client.get(open_course.url).content.decode()


def test_every_visitor_gets_a_csrf_token_of_their_own(site_settings):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/")  # stored
    tokens = []
    for client in (first, second):
        response = client.get("/")
        assert response[HEADER] == "hit"
        assert "csrftoken" in response.cookies  # the visitor's own CSRF cookie
        (token,) = set(TOKEN.findall(response.content.decode()))
        tokens.append(token)
        switched = client.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302  # the language switch on a cached page works
    assert tokens[0] != tokens[1]
    refused = Client(enforce_csrf_checks=True)
    refused.get("/")
    assert (
        refused.post(
            "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": tokens[0]}
        ).status_code
        == 403
    )


def test_each_language_has_its_own_copy(client, site_settings):
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    english = Client()
    english.cookies["tandem_language"] = "en"
    response = english.get("/")
    assert response[HEADER] == "miss" and '<html lang="en">' in response.content.decode()
    assert '<html lang="de">' in client.get("/").content.decode()


def test_a_visitor_with_a_session_or_a_query_is_served_afresh(client, home_page):
    client.get("/")
    with_session = Client()
    with_session.cookies["sessionid"] = "something"
    assert HEADER not in with_session.get("/")
    assert HEADER not in client.get("/?page=2")


def test_switched_off_it_neither_stores_nor_serves(client, home_page, settings):
    settings.TANDEM_PAGE_CACHE = False
    client.get("/")
    assert HEADER not in client.get("/")


def test_pages_are_served_while_the_cache_cannot_be_reached(client, home_page, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # a closed local port
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/")
    assert response.status_code == 200 and HEADER not in response
    assert "Willkommen" in response.content.decode()
