"""In the English interface the German content stays German for screen readers (lang="de" on
the content, not on the interface around it), and dates follow the interface's own formats."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone, translation

from courses import services
from tests.factories import UserFactory

from .conftest import lessons_of


def test_german_course_content_is_marked_german_in_the_english_interface(client, course):
    learner = UserFactory(language="en")
    services.enrolment_request(user=learner, course=course)
    client.force_login(learner)
    html = client.get(course.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert f'<h1 lang="de">{course.title}</h1>' in html
    assert "<h2>Lessons</h2>" in html  # the interface stays English
    lesson = lessons_of(course)[1]
    html = client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<h1 lang="de">{lesson.title}</h1>' in html
    assert '<div lang="de">' in html  # the lesson's body
    assert f'lang="de">{course.title}</a>' in html  # the course in the outline


def test_dates_use_the_languages_formats():
    moment = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    template = Template("{% load cms_tags %}{{ moment|long_datetime }} / {{ moment|clock }}")
    with timezone.override("Europe/Berlin"):
        with translation.override("de"):
            german = template.render(Context({"moment": moment}))
        with translation.override("en"):
            english = template.render(Context({"moment": moment}))
    assert german == "Donnerstag, 3. Dezember 2026, 14:00 / 14:00"
    assert english == "Thursday, Dec. 3, 2026, 2 p.m. / 2 p.m."


def test_days_and_short_weekdays_use_the_languages_formats():
    moment = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    template = Template(
        '{% load cms_tags %}{{ moment|long_datetime:"short" }} / {{ day|long_date }}'
        ' / {{ day|long_date:"short" }}'
    )
    context = {"moment": moment, "day": moment.date()}
    with timezone.override("Europe/Berlin"):
        with translation.override("de"):
            german = template.render(Context(context))
        with translation.override("en"):
            english = template.render(Context(context))
    assert (
        german
        == "Do, 3. Dezember 2026, 14:00 / Donnerstag, 3. Dezember 2026 / Do, 3. Dezember 2026"
    )
    assert english == "Thu, Dec. 3, 2026, 2 p.m. / Thursday, Dec. 3, 2026 / Thu, Dec. 3, 2026"
