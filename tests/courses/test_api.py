"""The courses API under /api/v1/: what apps and integrations rely on."""

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import override
from rest_framework.test import APIClient
from wagtail.models import PageViewRestriction

from courses import services
from courses.models import (
    Audience,
    Certificate,
    CoursePage,
    CourseRun,
    Enrolment,
    EnrolmentMode,
    LessonProgress,
    QuizAttempt,
    Topic,
    VideoProgress,
)
from tests.factories import UserFactory

from .conftest import correct_answers, lessons_of, publish
from .test_learning import open_visit

pytestmark = pytest.mark.django_db

COURSE_LIST_FIELDS = {
    "id",
    "title",
    "slug",
    "url",
    "summary",
    "format",
    "language",
    "duration_hours",
    "topics",
    "audiences",
    "enrolment_mode",
    "is_multiplier_course",
    "certificate_enabled",
}
COURSE_DETAIL_FIELDS = COURSE_LIST_FIELDS | {
    "learning_objectives",
    "prerequisites",
    "runs",
    "lessons",
    "enrolment",
}
ENROLMENT_FIELDS = {"id", "course", "course_title", "run", "status", "created_at", "completed_at"}

# Measured: session-less anonymous request; the view-restriction lookup of .public(), count, page,
# and the two prefetches of topics and audiences.
CATALOGUE_QUERIES = 5


@pytest.fixture
def api():
    return APIClient()


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def german(message) -> str:
    with override("de"):
        return str(message)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Every API error answers {"status", "code", "detail"[, "fields"]}."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) - {"fields"} == {"status", "code", "detail"}
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code
    return body


def assert_refuses_anonymous(response) -> None:
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "not_authenticated")


def second_course(catalogue, **fields) -> CoursePage:
    defaults = {
        "title": "Datenschutz kompakt",
        "slug": "datenschutz-kompakt",
        "summary": "Das Wichtigste zur DSGVO.",
        "duration_hours": Decimal("2.0"),
    }
    return publish(catalogue, CoursePage(**{**defaults, **fields}))


def enrol(user, course) -> Enrolment:
    return services.enrolment_request(user=user, course=course)


# --- Catalogue ------------------------------------------------------------------------------


def test_catalogue_lists_live_public_courses_with_the_documented_fields(api, catalogue, course):
    draft = CoursePage(
        title="Entwurf", slug="entwurf", summary="Noch nicht fertig.", duration_hours=1, live=False
    )
    catalogue.add_child(instance=draft)
    draft.save_revision()
    members_only = second_course(catalogue, title="Nur für Mitglieder", slug="nur-mitglieder")
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )

    response = api.get("/api/v1/courses/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    assert set(item) == COURSE_LIST_FIELDS
    assert item == {
        "id": course.pk,
        "title": "Digitale Beratung",
        "slug": "digitale-beratung",
        "url": course.url,
        "summary": "Beratung per Video.",
        "format": "self_paced",
        "language": "de",
        "duration_hours": "6.0",
        "topics": [],
        "audiences": [],
        "enrolment_mode": "open",
        "is_multiplier_course": True,
        "certificate_enabled": True,
    }


def test_catalogue_filters_by_topic_audience_language_and_search(api, catalogue, course):
    law = Topic.objects.create(name="Recht", slug="recht")
    Topic.objects.create(name="Methoden", slug="methoden")
    volunteers = Audience.objects.create(name="Ehrenamtliche", slug="ehrenamtliche")
    other = second_course(catalogue, format="live_online", language="en")
    other.topics.set([law])
    other.audiences.set([volunteers])
    other.save_revision().publish()

    def listed(**params) -> list[int]:
        response = api.get("/api/v1/courses/", params)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["results"]]

    assert listed() == [
        other.pk,
        course.pk,
    ]  # ordered by title: "Datenschutz …" before "Digitale …"
    assert listed(topic="recht") == [other.pk]
    assert listed(topic="methoden") == []
    assert listed(audience="ehrenamtliche") == [other.pk]
    assert listed(language="en") == [other.pk]
    assert listed(language="de") == [course.pk]
    assert listed(q="DSGVO") == [other.pk]
    assert listed(q="Beratung") == [course.pk]
    assert listed(topic="recht", language="de") == []
    assert listed(language="fr") == [other.pk, course.pk]  # unknown choices are ignored
    detail = api.get(f"/api/v1/courses/{other.pk}/").json()
    assert (detail["topics"], detail["audiences"]) == (["recht"], ["ehrenamtliche"])


def test_catalogue_filters_by_format(api, catalogue, course):
    other = second_course(catalogue, format="live_online")
    for value, expected in (("live_online", [other.pk]), ("self_paced", [course.pk])):
        response = api.get("/api/v1/courses/", {"format": value})
        assert response.status_code == 200, (value, response.content)
        assert [item["id"] for item in response.json()["results"]] == expected


def test_catalogue_is_paginated(api, catalogue, course):
    other = second_course(catalogue)
    first = api.get("/api/v1/courses/", {"page_size": 1}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 2 and first["previous"] is None
    assert [item["id"] for item in first["results"]] == [
        other.pk
    ]  # "Datenschutz …" before "Digitale …"
    assert "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == [course.pk]
    assert second["next"] is None and second["previous"] is not None


@pytest.mark.parametrize("number_of_courses", [1, 6])
def test_catalogue_runs_a_fixed_number_of_queries(
    api, catalogue, django_assert_num_queries, number_of_courses
):
    topics = [Topic.objects.create(name=f"Thema {i}", slug=f"thema-{i}") for i in range(3)]
    audiences = [Audience.objects.create(name=f"Gruppe {i}", slug=f"gruppe-{i}") for i in range(3)]
    for number in range(number_of_courses):
        page = second_course(catalogue, title=f"Kurs {number}", slug=f"kurs-{number}")
        page.topics.set(topics[: 1 + number % 3])
        page.audiences.set(audiences[: 1 + (number + 1) % 3])
        page.save_revision().publish()
    cache.clear()
    api.get("/api/v1/courses/")  # warm Wagtail's cached site root paths (used for the course urls)

    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = api.get("/api/v1/courses/")

    results = response.json()["results"]
    assert len(results) == number_of_courses
    assert all(item["topics"] and item["audiences"] for item in results)


# --- Course detail --------------------------------------------------------------------------


def test_course_detail_shows_the_outline_with_the_learners_progress(api, course, learner):
    enrol(learner, course)
    video_lesson, reading, quiz_lesson = lessons_of(course)
    services.lesson_mark_done(user=learner, lesson=reading)

    body = signed_in(learner).get(f"/api/v1/courses/{course.pk}/").json()

    assert set(body) == COURSE_DETAIL_FIELDS
    assert body["lessons"] == [
        {
            "id": video_lesson.pk,
            "title": "Video",
            "chapter": "Grundlagen",
            "url": video_lesson.url,
            "completed": False,
        },
        {
            "id": reading.pk,
            "title": "Lesen",
            "chapter": "Grundlagen",
            "url": reading.url,
            "completed": True,
        },
        {
            "id": quiz_lesson.pk,
            "title": "Quiz",
            "chapter": None,
            "url": quiz_lesson.url,
            "completed": False,
        },
    ]
    assert body["enrolment"]["status"] == "active" and body["enrolment"]["course"] == course.pk

    anonymous = api.get(f"/api/v1/courses/{course.pk}/").json()
    assert anonymous["enrolment"] is None
    assert [lesson["completed"] for lesson in anonymous["lessons"]] == [False, False, False]


def test_course_detail_lists_only_runs_open_for_enrolment(api, course):
    spring = CourseRun.objects.create(
        course=course,
        title="Frühjahr",
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 6, 30),
        capacity=12,
    )
    CourseRun.objects.create(
        course=course,
        title="Alt",
        starts_on=date(2024, 3, 1),
        ends_on=date(2024, 6, 30),
        enrolment_open=False,
    )
    runs = api.get(f"/api/v1/courses/{course.pk}/").json()["runs"]
    assert runs == [
        {
            "id": spring.pk,
            "title": "Frühjahr",
            "starts_on": "2027-03-01",
            "ends_on": "2027-06-30",
            "capacity": 12,
            "enrolment_open": True,
        }
    ]


def test_draft_and_unpublished_courses_are_not_found(api, catalogue, course):
    draft = CoursePage(
        title="Entwurf", slug="entwurf", summary="Noch nicht fertig.", duration_hours=1, live=False
    )
    catalogue.add_child(instance=draft)
    draft.save_revision()
    assert_error(api.get(f"/api/v1/courses/{draft.pk}/"), 404, "not_found")
    course.unpublish()
    assert_error(api.get(f"/api/v1/courses/{course.pk}/"), 404, "not_found")


# --- Enrolment ------------------------------------------------------------------------------


def test_enrolling_needs_a_signed_in_person(api, course):
    assert_refuses_anonymous(api.post(f"/api/v1/courses/{course.pk}/enrol/"))
    assert not Enrolment.objects.exists()


def test_enrolling_in_an_open_course_is_immediate_and_idempotent(course, learner):
    client = signed_in(learner)
    first = client.post(f"/api/v1/courses/{course.pk}/enrol/")
    assert first.status_code == 201
    body = first.json()
    assert set(body) == ENROLMENT_FIELDS
    assert (body["status"], body["course"], body["course_title"], body["run"]) == (
        "active",
        course.pk,
        "Digitale Beratung",
        None,
    )
    again = client.post(f"/api/v1/courses/{course.pk}/enrol/")
    assert again.status_code in (200, 201)
    assert again.json()["id"] == body["id"]
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_enrolling_in_an_approval_course_asks_for_a_place(course, learner):
    course.enrolment_mode = EnrolmentMode.APPROVAL
    course.save()
    response = signed_in(learner).post(f"/api/v1/courses/{course.pk}/enrol/")
    assert response.status_code == 201
    assert response.json()["status"] == "requested"


def test_a_closed_course_refuses_with_the_german_message(course, learner):
    course.enrolment_mode = EnrolmentMode.CLOSED
    course.save()
    response = signed_in(learner).post(f"/api/v1/courses/{course.pk}/enrol/")
    # The course's state refuses it (409), with the service's own code and its German message.
    body = assert_error(response, 409, "closed")
    message = german(services.ENROLMENT_CLOSED)
    assert message != "This course does not take new enrolments."  # really translated
    assert body["detail"] == message
    assert not Enrolment.objects.filter(user=learner).exists()


def test_a_run_of_another_course_is_refused(catalogue, course, learner):
    other = second_course(catalogue)
    foreign_run = CourseRun.objects.create(
        course=other, title="Herbst", starts_on=date(2027, 9, 1), ends_on=date(2027, 12, 1)
    )
    response = signed_in(learner).post(
        f"/api/v1/courses/{course.pk}/enrol/", {"run": foreign_run.pk}, format="json"
    )
    # A run of another course is no run of this one: 404, naming the field.
    body = assert_error(response, 404, "not_found")
    assert body["fields"] == {"run": [german(services.RUN_NOT_OF_COURSE)]}
    assert not Enrolment.objects.filter(user=learner).exists()


def test_leaving_a_course(course, learner):
    client = signed_in(learner)
    assert_error(client.post(f"/api/v1/courses/{course.pk}/leave/"), 404, "not_found")
    enrolment = enrol(learner, course)
    response = client.post(f"/api/v1/courses/{course.pk}/leave/")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (enrolment.pk, "left")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.LEFT
    assert_error(client.post(f"/api/v1/courses/{course.pk}/leave/"), 404, "not_found")


def test_enrolments_are_only_my_own(api, catalogue, course, learner, outsider):
    mine = [enrol(learner, course), enrol(learner, second_course(catalogue))]
    theirs = enrol(outsider, course)
    client = signed_in(learner)

    body = client.get("/api/v1/enrolments/").json()
    assert body["count"] == 2
    assert {item["id"] for item in body["results"]} == {enrolment.pk for enrolment in mine}
    assert (
        client.get(f"/api/v1/enrolments/{mine[0].pk}/").json()["course_title"]
        == "Digitale Beratung"
    )
    assert_error(client.get(f"/api/v1/enrolments/{theirs.pk}/"), 404, "not_found")
    assert_refuses_anonymous(api.get("/api/v1/enrolments/"))


# --- Lessons --------------------------------------------------------------------------------


def test_restricted_lessons_are_not_found_for_anonymous_and_outsiders(api, course, outsider):
    for lesson in lessons_of(course):
        assert_error(api.get(f"/api/v1/lessons/{lesson.pk}/"), 404, "not_found")
        assert_error(signed_in(outsider).get(f"/api/v1/lessons/{lesson.pk}/"), 404, "not_found")


def test_public_lessons_are_open_to_everyone(api, course):
    course.lessons_public = True
    course.save_revision().publish()
    reading = lessons_of(course)[1]
    response = api.get(f"/api/v1/lessons/{reading.pk}/")
    assert response.status_code == 200
    assert response.json()["completed"] is False


def test_page_privacy_of_the_course_also_protects_its_lessons_in_the_api(api, client, course):
    course.lessons_public = True
    course.save_revision().publish()
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    reading = lessons_of(course)[1]
    assert (
        client.get(reading.url).status_code == 302
    )  # the web page sends anonymous visitors to log in
    assert_error(api.get(f"/api/v1/lessons/{reading.pk}/"), 404, "not_found")


def test_enrolled_learners_and_trainers_get_the_lesson(course, learner, trainer):
    enrol(learner, course)
    reading = lessons_of(course)[1]
    services.lesson_mark_done(user=learner, lesson=reading)
    body = signed_in(learner).get(f"/api/v1/lessons/{reading.pk}/").json()
    assert set(body) == {
        "id",
        "title",
        "intro",
        "course",
        "estimated_minutes",
        "completed",
        "blocks",
    }
    assert (body["id"], body["course"], body["completed"]) == (reading.pk, course.pk, True)
    assert [(block["type"], block["html"]) for block in body["blocks"]] == [
        ("paragraph", "<p>Text.</p>")
    ]
    response = signed_in(trainer).get(f"/api/v1/lessons/{reading.pk}/")
    assert response.status_code == 200
    assert response.json()["completed"] is False


def test_a_requested_enrolment_does_not_open_the_lessons(course, learner):
    course.enrolment_mode = EnrolmentMode.APPROVAL
    course.save()
    enrol(learner, course)
    assert_error(
        signed_in(learner).get(f"/api/v1/lessons/{lessons_of(course)[1].pk}/"), 404, "not_found"
    )


def test_quiz_blocks_never_reveal_the_answers(course, learner, quiz):
    enrol(learner, course)
    quiz_lesson = lessons_of(course)[2]
    response = signed_in(learner).get(f"/api/v1/lessons/{quiz_lesson.pk}/")
    assert response.status_code == 200
    [block] = response.json()["blocks"]
    assert (block["type"], block["quiz"], block["max_attempts"], block["pass_mark"]) == (
        "quiz",
        quiz.pk,
        3,
        50,
    )
    expected = [
        {
            "id": q["id"],
            "text": q["text"],
            "kind": q["kind"],
            "options": [{"id": o["id"], "text": o["text"]} for o in q["options"]],
        }
        for q in services.quiz_questions(quiz)
    ]
    assert block["questions"] == expected
    text = response.content.decode()
    for secret in (
        "is_correct",
        "feedback",
        "Richtig.",
        "Leider falsch.",
        "C nicht.",
        "Daten bleiben bei uns.",
    ):
        assert secret not in text, secret


def test_video_blocks_link_to_the_access_checked_file(client, course, learner, outsider, video):
    enrol(learner, course)
    video_lesson = lessons_of(course)[0]
    [block] = signed_in(learner).get(f"/api/v1/lessons/{video_lesson.pk}/").json()["blocks"]
    file_url = reverse("courses:video-file", kwargs={"video_id": video.pk})
    assert (block["type"], block["video"], block["file_url"], block["required"]) == (
        "video",
        video.pk,
        file_url,
        True,
    )
    assert block["duration_seconds"] == 100 and block["mime_type"] == "video/mp4"
    [track] = block["tracks"]
    assert track["language"] == "de" and track["url"].endswith(".vtt")
    client.force_login(outsider)
    assert client.get(file_url).status_code == 404
    client.force_login(learner)
    assert client.get(file_url).status_code == 200


# --- Video progress -------------------------------------------------------------------------


def progress_url(video) -> str:
    return f"/api/v1/videos/{video.pk}/progress/"


def test_video_progress_needs_sign_in_and_access(api, course, outsider, video):
    payload = {"visit": str(uuid.uuid4()), "intervals": [[0, 5]], "position": 5}
    assert_refuses_anonymous(api.post(progress_url(video), payload, format="json"))
    assert_error(
        signed_in(outsider).post(progress_url(video), payload, format="json"), 404, "not_found"
    )
    assert not VideoProgress.objects.exists()


def test_seeking_to_the_end_is_not_watching(course, learner, video):
    enrol(learner, course)
    visit = open_visit(learner, video, seconds_ago=300)
    response = signed_in(learner).post(
        progress_url(video),
        {"visit": str(visit), "intervals": [[0, 5], [95, 100]], "position": 100},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "watched_seconds": 10.0,
        "watched_percent": 10,
        "position": 100.0,
        "completed": False,
        "lesson_completed": None,
        "course_completed": None,
    }


def test_watching_the_video_completes_it_and_its_lesson(course, learner, video):
    enrol(learner, course)
    video_lesson = lessons_of(course)[0]
    visit = open_visit(learner, video, seconds_ago=300)
    response = signed_in(learner).post(
        progress_url(video),
        {"visit": str(visit), "intervals": [[0, 95]], "position": 95, "lesson": video_lesson.pk},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["watched_percent"], body["completed"], body["lesson_completed"]) == (
        95,
        True,
        True,
    )
    assert LessonProgress.objects.get(user=learner, lesson=video_lesson).completed_at is not None


def test_a_fresh_visit_cannot_claim_the_whole_video(course, learner, video):
    enrol(learner, course)
    response = signed_in(learner).post(
        progress_url(video),
        {"visit": str(uuid.uuid4()), "intervals": [[0, 100]], "position": 100},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["completed"] is False
    assert response.json()["watched_seconds"] < 10


INVALID_PROGRESS_REPORTS = [
    ({"intervals": [[-1, 5]]}, "intervals"),
    ({"position": -3}, "position"),
    ({"intervals": [[0, 1, 2]]}, "intervals"),
    ({"intervals": "0-10"}, "intervals"),
    ({"intervals": [["a", "b"]]}, "intervals"),
    ({"visit": None}, "visit"),
    ({"visit": "keine-uuid"}, "visit"),
]
# Well-formed intervals that are no intervals of this video: refused by the service's rule (422).
OUT_OF_RANGE_PROGRESS_REPORTS = [{"intervals": [[10, 5]]}, {"intervals": [[0, 500]]}]


def test_invalid_progress_reports_are_refused_with_field_errors(course, learner, video):
    # One test for all cases: the course fixture is too slow to build once per payload.
    enrol(learner, course)
    client = signed_in(learner)
    for change, field in INVALID_PROGRESS_REPORTS:
        payload = {"visit": str(uuid.uuid4()), "intervals": [[0, 5]], "position": 5, **change}
        payload = {key: value for key, value in payload.items() if value is not None}
        response = client.post(progress_url(video), payload, format="json")
        assert response.status_code == 400, change
        body = assert_error(response, 400, "invalid")
        assert field in body["fields"], (change, body)
    for change in OUT_OF_RANGE_PROGRESS_REPORTS:
        payload = {"visit": str(uuid.uuid4()), "position": 5, **change}
        body = assert_error(
            client.post(progress_url(video), payload, format="json"), 422, "out_of_range"
        )
        assert body["fields"] == {"non_field_errors": [german(services.INVALID_INTERVALS)]}
    # The intervals are pairs: a form body cannot carry them.
    form = {"visit": str(uuid.uuid4()), "intervals": "0,5", "position": 5}
    assert client.post(progress_url(video), form).status_code == 415
    assert not VideoProgress.objects.filter(user=learner).exists()


# --- Quizzes --------------------------------------------------------------------------------


def attempt_url(quiz) -> str:
    return f"/api/v1/quizzes/{quiz.pk}/attempts/"


def test_quiz_attempts_need_a_lesson_the_person_may_see(api, course, learner, outsider, quiz):
    video_lesson, reading, quiz_lesson = lessons_of(course)
    answers = correct_answers(quiz)
    assert_refuses_anonymous(
        api.post(attempt_url(quiz), {"answers": answers, "lesson": quiz_lesson.pk}, format="json")
    )
    client = signed_in(outsider)
    assert_error(
        client.post(
            attempt_url(quiz), {"answers": answers, "lesson": quiz_lesson.pk}, format="json"
        ),
        404,
        "not_found",
    )
    enrol(learner, course)
    client = signed_in(learner)
    assert_error(
        client.post(attempt_url(quiz), {"answers": answers}, format="json"), 404, "not_found"
    )
    assert_error(
        client.post(attempt_url(quiz), {"answers": answers, "lesson": reading.pk}, format="json"),
        404,
        "not_found",
    )  # the quiz is not part of that lesson
    assert not QuizAttempt.objects.exists()


def test_a_quiz_is_graded_on_the_server(course, learner, quiz):
    enrol(learner, course)
    quiz_lesson = lessons_of(course)[2]
    client = signed_in(learner)
    single, multiple = services.quiz_questions(quiz)
    wrong = {
        single["id"]: [single["options"][1]["id"]],
        multiple["id"]: [multiple["options"][2]["id"]],
    }

    response = client.post(
        attempt_url(quiz), {"answers": wrong, "lesson": quiz_lesson.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["score_percent"], body["passed"]) == (1, 0, False)
    assert [(q["id"], q["correct"], q["feedback"]) for q in body["questions"]] == [
        (single["id"], False, ["Leider falsch."]),
        (multiple["id"], False, ["C nicht."]),
    ]

    response = client.post(
        attempt_url(quiz),
        {"answers": correct_answers(quiz), "lesson": quiz_lesson.pk},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (
        body["quiz"],
        body["lesson"],
        body["number"],
        body["score_percent"],
        body["passed"],
    ) == (quiz.pk, quiz_lesson.pk, 2, 100, True)
    assert [(q["correct"], q["feedback"]) for q in body["questions"]] == [
        (True, ["Richtig."]),
        (True, []),
    ]
    assert "Leider falsch." not in response.content.decode()  # feedback of options not chosen
    assert LessonProgress.objects.get(user=learner, lesson=quiz_lesson).completed_at is not None


def test_answers_that_do_not_fit_the_quiz_are_refused(course, learner, quiz):
    enrol(learner, course)
    quiz_lesson = lessons_of(course)[2]
    client = signed_in(learner)
    response = client.post(
        attempt_url(quiz),
        {"answers": {"unbekannt": ["x"]}, "lesson": quiz_lesson.pk},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert body["fields"] == {"non_field_errors": [german(services.QUIZ_INVALID_ANSWERS)]}
    response = client.post(
        attempt_url(quiz), {"answers": ["x"], "lesson": quiz_lesson.pk}, format="json"
    )
    assert "answers" in assert_error(response, 400, "invalid")["fields"]
    assert not QuizAttempt.objects.exists()


def test_the_attempt_limit_is_enforced(course, learner, quiz):
    enrol(learner, course)
    quiz_lesson = lessons_of(course)[2]
    client = signed_in(learner)
    payload = {"answers": {}, "lesson": quiz_lesson.pk}
    numbers = [
        client.post(attempt_url(quiz), payload, format="json").json()["number"] for _ in range(3)
    ]
    assert numbers == [1, 2, 3]
    body = assert_error(
        client.post(attempt_url(quiz), payload, format="json"), 409, "no_attempts_left"
    )
    assert body["detail"] == german(services.QUIZ_NO_ATTEMPTS_LEFT)
    assert QuizAttempt.objects.filter(user=learner).count() == 3


def test_after_passing_the_api_says_so_and_takes_no_further_attempt(course, learner, quiz):
    """As on the lesson page: each answer states the attempts, passing closes the quiz, and a
    further submission is refused (409) instead of counting as a new attempt."""
    enrol(learner, course)
    quiz_lesson = lessons_of(course)[2]
    client = signed_in(learner)
    failed = client.post(
        attempt_url(quiz), {"answers": {}, "lesson": quiz_lesson.pk}, format="json"
    ).json()
    assert (failed["max_attempts"], failed["attempts_left"], failed["can_submit_again"]) == (
        3,
        2,
        True,
    )
    payload = {"answers": correct_answers(quiz), "lesson": quiz_lesson.pk}
    passed = client.post(attempt_url(quiz), payload, format="json").json()
    assert passed["passed"] is True and passed["number"] == 2
    assert (passed["attempts_left"], passed["can_submit_again"]) == (0, False)
    body = assert_error(
        client.post(attempt_url(quiz), payload, format="json"), 409, "already_passed"
    )
    assert body["detail"] == german(services.QUIZ_ALREADY_PASSED)
    assert QuizAttempt.objects.filter(user=learner).count() == 2

    # Without a limit the attempts left are not a number.
    quiz.max_attempts = 0
    quiz.save()
    QuizAttempt.objects.filter(user=learner).delete()
    unlimited = client.post(
        attempt_url(quiz), {"answers": {}, "lesson": quiz_lesson.pk}, format="json"
    ).json()
    assert (unlimited["max_attempts"], unlimited["attempts_left"]) == (0, None)
    assert unlimited["can_submit_again"] is True


# --- Certificates ---------------------------------------------------------------------------


def test_certificates_are_my_own(api, course, learner, outsider, video, quiz):
    enrol(learner, course)
    video_lesson, reading, quiz_lesson = lessons_of(course)
    visit = open_visit(learner, video, seconds_ago=300)
    services.video_progress_report(
        user=learner,
        video=video,
        visit_id=visit,
        intervals=[[0, 100]],
        position=100,
        lesson=video_lesson,
    )
    services.lesson_mark_done(user=learner, lesson=reading)
    services.quiz_submit(user=learner, quiz=quiz, answers=correct_answers(quiz), lesson=quiz_lesson)
    certificate = Certificate.objects.get(user=learner, course=course)
    UserFactory()  # someone else without certificates

    body = signed_in(learner).get("/api/v1/certificates/").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert (
        item["code"],
        item["course"],
        item["course_title"],
        item["holder_name"],
        item["valid"],
    ) == (certificate.code, course.pk, "Digitale Beratung", "Lena Lernende", True)
    assert item["pdf_url"] == reverse("courses:certificate-pdf", kwargs={"code": certificate.code})
    assert item["verify_url"] == reverse(
        "courses:certificate-verify", kwargs={"code": certificate.code}
    )
    assert api.get(item["verify_url"]).status_code == 200

    assert signed_in(outsider).get("/api/v1/certificates/").json()["count"] == 0
    assert_refuses_anonymous(api.get("/api/v1/certificates/"))


# --- Schema ---------------------------------------------------------------------------------


def test_the_schema_documents_the_courses_api(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    expected = {
        "/api/v1/courses/": "get",
        "/api/v1/courses/{id}/": "get",
        "/api/v1/courses/{id}/enrol/": "post",
        "/api/v1/courses/{id}/leave/": "post",
        "/api/v1/enrolments/": "get",
        "/api/v1/enrolments/{id}/": "get",
        "/api/v1/lessons/{id}/": "get",
        "/api/v1/videos/{id}/progress/": "post",
        "/api/v1/quizzes/{id}/attempts/": "post",
        "/api/v1/certificates/": "get",
    }
    missing = {path for path in expected if path not in paths}
    assert not missing, json.dumps(sorted(paths))
    assert all(method in paths[path] for path, method in expected.items())
    catalogue_parameters = {
        parameter["name"] for parameter in paths["/api/v1/courses/"]["get"]["parameters"]
    }
    assert {
        "topic",
        "audience",
        "format",
        "language",
        "q",
        "page",
        "page_size",
    } <= catalogue_parameters


@pytest.mark.parametrize("name", ["topic", "audience", "q", "format", "language"])
def test_a_nul_byte_in_a_catalogue_filter_finds_nothing_instead_of_failing(
    api, catalogue, course, name
):
    Topic.objects.create(name="Recht", slug="recht")
    response = api.get(f"/api/v1/courses/?{name}=a%00b")
    assert response.status_code == 200, response.content
    if name in ("topic", "audience"):
        assert response.json()["results"] == []  # no slug contains a NUL byte


def test_an_enrolment_in_a_form_body_is_refused(course, learner):
    client = APIClient()
    client.force_authenticate(learner)
    response = client.post(f"/api/v1/courses/{course.pk}/enrol/", {"run": ""}, format="multipart")
    assert response.status_code == 415  # JSON only: a form cannot tell an empty run from none
    assert not Enrolment.objects.filter(user=learner).exists()
