"""The course and lesson pages cost a fixed number of queries, at most 15, whatever the number of
lessons, runs and learners: for anonymous visitors, enrolled learners and signed-in people who
are not enrolled (they see the runs with their free places). The page cache is off here
(settings.test), so every request renders the page; a request is measured after a first one has
filled the shared site cache (site, settings, menu, view restrictions), as on a running site."""

from datetime import timedelta
from decimal import Decimal

import pytest

from courses.models import ChapterPage, CoursePage, LessonPage, LessonProgress
from tests.courses.conftest import publish
from tests.courses.live_support import enrol, learners, make_run
from tests.factories import UserFactory

MAX_QUERIES = 15


@pytest.fixture(params=[1, 20], ids=["1-lesson", "20-lessons"])
def lessons(request, catalogue, trainer, video, quiz, site_settings):
    """A public-lesson course with n lessons (the first with a video and a quiz, half of them
    in a chapter), three runs and learners in them."""
    course = publish(
        catalogue,
        CoursePage(
            title="Große Schulung",
            slug="grosse-schulung",
            summary="Viele Lektionen.",
            duration_hours=Decimal("20.0"),
            is_multiplier_course=True,
            lessons_public=True,
        ),
    )
    course.trainers.set([trainer])
    chapter = publish(course, ChapterPage(title="Teil eins", slug="teil-eins"))
    made = []
    for number in range(request.param):
        parent = chapter if number % 2 == 0 else course
        body = (
            [("video", {"video": video, "required": True}), ("quiz", {"quiz": quiz})]
            if number == 0
            else [("paragraph", "<p>Text.</p>")]
        )
        lesson = LessonPage(title=f"Lektion {number + 1}", slug=f"lektion-{number + 1}", body=body)
        parent.add_child(instance=lesson)  # live at once, without revisions: quicker to build
        made.append(lesson)
    runs = [make_run(course, capacity=30), make_run(course, capacity=5), make_run(course)]
    for run in runs:
        learners(run, 3)
    return CoursePage.objects.get(pk=course.pk), made


@pytest.fixture
def enrolled(lessons, learner):
    course, made = lessons
    enrol(course.runs.first(), learner)
    LessonProgress.objects.create(user=learner, lesson=made[0], course=course)
    return learner


def measured(client, url, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_course_page_for_an_anonymous_visitor(client, lessons, django_assert_max_num_queries):
    course, made = lessons
    html = measured(client, course.url, django_assert_max_num_queries)
    assert all(lesson.title in html for lesson in made)
    assert f"/accounts/login/?next={course.url}" in html  # log in to enrol


def test_course_page_for_an_enrolled_learner(
    client, lessons, enrolled, django_assert_max_num_queries
):
    course, made = lessons
    client.force_login(enrolled)
    html = measured(client, course.url, django_assert_max_num_queries)
    assert all(lesson.title in html for lesson in made)
    assert '<progress max="100"' in html


def test_course_page_for_someone_choosing_a_run(client, lessons, django_assert_max_num_queries):
    course, _made = lessons
    client.force_login(UserFactory())
    html = measured(client, course.url, django_assert_max_num_queries)
    assert html.count('name="run"') == 3


def test_lesson_page_for_an_anonymous_visitor(client, lessons, django_assert_max_num_queries):
    _course, made = lessons
    html = measured(client, made[-1].url, django_assert_max_num_queries)
    assert made[-1].title in html


@pytest.mark.parametrize("which", ["first", "last"])
def test_lesson_page_for_an_enrolled_learner(
    client, lessons, enrolled, which, django_assert_max_num_queries
):
    _course, made = lessons
    lesson = made[0] if which == "first" else made[-1]
    client.force_login(enrolled)
    html = measured(client, lesson.url, django_assert_max_num_queries)
    assert lesson.title in html
    if which == "first":  # the video with its captions, the quiz
        assert "<video" in html and "<track" in html and 'id="quiz-' in html
    assert LessonProgress.objects.get(user=enrolled, lesson=lesson).last_visited_at is not None


def test_a_visit_is_recorded_again_after_ten_minutes_not_on_every_page_view(
    client, lessons, enrolled
):
    """The time of the last visit is kept to ten minutes: moving between lessons writes nothing,
    while the course still shows each lesson visited from the first view on."""
    _course, made = lessons
    lesson = made[0]
    client.force_login(enrolled)
    client.get(lesson.url)
    first = LessonProgress.objects.get(user=enrolled, lesson=lesson).last_visited_at
    assert first is not None

    client.get(lesson.url)  # a minute later, say: nothing written
    assert LessonProgress.objects.get(user=enrolled, lesson=lesson).last_visited_at == first

    LessonProgress.objects.filter(user=enrolled, lesson=lesson).update(
        last_visited_at=first - timedelta(minutes=11)
    )
    client.get(lesson.url)
    assert LessonProgress.objects.get(user=enrolled, lesson=lesson).last_visited_at > first
