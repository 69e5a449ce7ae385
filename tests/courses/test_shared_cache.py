"""What signed-in pages take from the shared cache (cms.site_cache on Redis, as in production):
the route to a page, a lesson's course and outline, its videos and quizzes, and fragments that are
the same for everyone. Never anything about a person: two learners and a person who is not
enrolled take turns on the same lesson and each sees only what is theirs; what another app server
publishes shows on the next request; a fragment with a form token is never kept."""

import pickle
import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.crypto import get_random_string

from cms import page_cache
from courses.models import Enrolment, LessonPage, VideoProgress
from tests.conftest import production_cache
from tests.courses.conftest import lessons_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The production cache backend on the machine's Redis (a database of its own, emptied)."""
    with production_cache(settings, 12) as connection:
        yield connection


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lena(course, learner, video):
    """Enrolled; watched 42 s of the video."""
    Enrolment.objects.create(user=learner, course=course, status=Enrolment.Status.ACTIVE)
    VideoProgress.objects.create(
        user=learner, video=video, position=42.0, watched_seconds=42.0, intervals=[[0, 42]]
    )
    return learner


@pytest.fixture
def otto(course, video):
    """Enrolled; watched the whole video."""
    person = UserFactory(first_name="Otto", last_name="Zweitmann")
    Enrolment.objects.create(user=person, course=course, status=Enrolment.Status.ACTIVE)
    VideoProgress.objects.create(
        user=person,
        video=video,
        position=100.0,
        intervals=[[0, 100]],
        completed_at=timezone.now(),
    )
    return person


def test_each_person_sees_only_their_own_lesson_page_from_the_shared_cache(
    course, lena, otto, outsider
):
    video_lesson = lessons_of(course)[0]
    lena_client, otto_client, outsider_client = (
        signed_in(lena),
        signed_in(otto),
        signed_in(outsider),
    )
    for _round in range(3):  # the first round fills the caches, the others read them
        lena_page = lena_client.get(video_lesson.url)
        otto_page = otto_client.get(video_lesson.url)
        refused = outsider_client.get(video_lesson.url)

        lena_html, otto_html = lena_page.content.decode(), otto_page.content.decode()
        assert lena_page.status_code == otto_page.status_code == 200
        assert 'data-position="42.000000"' in lena_html
        assert 'data-position="100.000000"' in otto_html
        assert status(lena_html) == "42 % angesehen" and status(otto_html) == "Angesehen"
        assert "Zweitmann" not in lena_html
        # the same shared parts (captions, keyboard help) for both
        assert "Hallo" not in lena_html  # captions are served as files, not inline
        assert lena_html.count('kind="captions"') == otto_html.count('kind="captions"') == 1
        # a lesson object from the cache carries nobody's enrolment to the next request
        assert refused.status_code == 403
        assert 'data-position="' not in refused.content.decode()


def status(html: str) -> str:
    found = re.search(r"data-status[^>]*>\s*([^<]*?)\s*</span>", html)
    return found.group(1) if found else ""


def test_a_publish_on_another_app_server_shows_on_the_next_request(course, lena, shared_cache):
    lesson = lessons_of(course)[1]
    client = signed_in(lena)
    assert "Lesen" in client.get(lesson.url).content.decode()
    client.get(lesson.url)  # the route, course and outline now come from the caches

    # Another app server changes the page and starts a new generation; this process hears of it
    # only through the shared cache.
    LessonPage.objects.filter(pk=lesson.pk).update(title="Lesen und Verstehen")
    assert "Lesen und Verstehen" not in client.get(lesson.url).content.decode()  # still cached
    key = next(key for key in shared_cache.scan_iter("*") if b"page-cache:generation" in key)
    shared_cache.set(key, pickle.dumps("another-server"))  # as Django's Redis cache stores it
    assert page_cache.generation() == "another-server"

    assert "Lesen und Verstehen" in client.get(lesson.url).content.decode()


def test_a_fragment_showing_a_form_token_is_not_shared(rf: RequestFactory, home_page):
    template = Template(
        "{% load cms_tags %}{% shared_fragment 'form' %}{% csrf_token %}{% endshared_fragment %}"
    )

    def render() -> str:
        request = rf.get("/")
        return template.render(Context({"request": request, "csrf_token": _token()}))

    first, second = render(), render()
    assert first != second  # each visitor her own token, never the first one's


def _token() -> str:
    return get_random_string(64)


def test_a_fragment_is_rendered_once_per_generation(rf: RequestFactory, home_page):
    template = Template(
        "{% load cms_tags %}{% shared_fragment 'count' %}{{ n }}{% endshared_fragment %}"
    )
    request = rf.get("/")
    assert template.render(Context({"request": request, "n": 1})) == "1"
    assert template.render(Context({"request": rf.get("/"), "n": 2})) == "1"  # kept
    page_cache.invalidate()
    assert template.render(Context({"request": rf.get("/"), "n": 3})) == "3"  # content changed
