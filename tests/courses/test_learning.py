"""The learner's path: enrol, watch, pass, complete, certificate."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import (
    Certificate,
    Enrolment,
    LessonProgress,
    MultiplierQualification,
    VideoProgress,
    VideoVisit,
)

from .conftest import correct_answers, lessons_of

pytestmark = pytest.mark.django_db


def open_visit(user, video, *, seconds_ago: float) -> uuid.UUID:
    """A viewing that started ``seconds_ago`` (wall-clock time bounds what it may credit)."""
    visit_id = uuid.uuid4()
    VideoVisit.objects.create(
        user=user, video=video, visit_id=visit_id, last_report_at=timezone.now()
    )
    VideoVisit.objects.filter(visit_id=visit_id).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return visit_id


def report(user, video, visit, intervals, position, lesson=None):
    return services.video_progress_report(
        user=user,
        video=video,
        visit_id=visit,
        intervals=intervals,
        position=position,
        lesson=lesson,
    )


def test_seeking_to_the_end_does_not_count_as_watched(learner, course, video):
    services.enrolment_request(user=learner, course=course)
    visit = open_visit(learner, video, seconds_ago=20)
    progress = report(learner, video, visit, [[0, 5], [95, 100]], position=100)
    assert progress.watched_seconds == pytest.approx(10)
    assert progress.completed_at is None


def test_watching_ninety_percent_completes_the_video_and_lesson(learner, course, video):
    services.enrolment_request(user=learner, course=course)
    video_lesson = lessons_of(course)[0]
    visit = open_visit(learner, video, seconds_ago=120)
    report(learner, video, visit, [[0, 50]], position=50, lesson=video_lesson)
    progress = report(learner, video, visit, [[0, 50], [50, 89]], position=89, lesson=video_lesson)
    assert progress.completed_at is None  # 89 % is not yet 90 %
    progress = report(learner, video, visit, [[0, 91]], position=91, lesson=video_lesson)
    assert progress.completed_at is not None
    assert LessonProgress.objects.get(user=learner, lesson=video_lesson).completed_at is not None


def test_a_visit_cannot_credit_more_than_wall_clock_time(learner, course, video, settings):
    settings.TANDEM_COURSES_MAX_PLAYBACK_RATE = 2.0
    visit = open_visit(learner, video, seconds_ago=10)
    progress = report(learner, video, visit, [[0, 100]], position=100)
    # 10 s at double speed plus a little slack: nowhere near the claimed 100 s.
    assert 20 <= progress.watched_seconds <= 26
    assert progress.completed_at is None


def test_watched_intervals_accumulate_across_visits_and_position_resumes(learner, course, video):
    first = open_visit(learner, video, seconds_ago=60)
    report(learner, video, first, [[0, 40]], position=40)
    second = open_visit(learner, video, seconds_ago=60)
    progress = report(learner, video, second, [[30, 70]], position=70)
    assert progress.intervals == [[0.0, 70.0]]
    assert progress.watched_seconds == pytest.approx(70)
    assert VideoProgress.objects.get(user=learner, video=video).position == pytest.approx(70)


@pytest.mark.parametrize(
    "intervals", [[[10, 5]], [[-1, 5]], [[0, 500]], "0-10", [[0, 1, 2]], [["a", "b"]]]
)
def test_invalid_intervals_are_rejected(learner, video, intervals):
    with pytest.raises(services.CourseError) as error:
        report(learner, video, uuid.uuid4(), intervals, position=0)
    assert error.value.message == services.INVALID_INTERVALS


def test_quiz_grading_is_all_or_nothing_per_question(learner, course, quiz):
    services.enrolment_request(user=learner, course=course)
    answers = correct_answers(quiz)
    single, multiple = list(answers)
    half = {single: answers[single], multiple: answers[multiple][:1]}
    wrong = services.quiz_submit(user=learner, quiz=quiz, answers={})
    assert (wrong.score_percent, wrong.passed, wrong.number) == (0, False, 1)
    attempt = services.quiz_submit(user=learner, quiz=quiz, answers=half)
    assert (attempt.score_percent, attempt.passed, attempt.number) == (50, True, 2)  # mark 50 %
    with pytest.raises(services.CourseError) as error:  # passed is final, as on the page
        services.quiz_submit(user=learner, quiz=quiz, answers=answers)
    assert error.value.message == services.QUIZ_ALREADY_PASSED


def test_quiz_attempts_end_at_the_limit(learner, course, quiz):
    services.enrolment_request(user=learner, course=course)
    numbers = [services.quiz_submit(user=learner, quiz=quiz, answers={}).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    with pytest.raises(services.CourseError) as error:
        services.quiz_submit(user=learner, quiz=quiz, answers=correct_answers(quiz))
    assert error.value.message == services.QUIZ_NO_ATTEMPTS_LEFT


@pytest.mark.parametrize(
    "answers", [{"unknown": ["x"]}, {"SINGLE": ["a", "b"]}, {"SINGLE": ["nope"]}, ["x"]]
)
def test_quiz_rejects_answers_that_do_not_fit(learner, quiz, answers):
    single = next(iter(correct_answers(quiz)))
    if isinstance(answers, dict) and "SINGLE" in answers:
        options = services.quiz_questions(quiz)[0]["options"]
        answers = {
            single: [o["id"] for o in options] if answers["SINGLE"] == ["a", "b"] else ["nope"]
        }
    with pytest.raises(services.CourseError):
        services.quiz_submit(user=learner, quiz=quiz, answers=answers)


def test_completing_every_lesson_completes_the_course_issues_certificate_and_qualification(
    learner, course, video, quiz
):
    services.enrolment_request(user=learner, course=course)
    video_lesson, reading, quiz_lesson = lessons_of(course)
    visit = open_visit(learner, video, seconds_ago=300)
    report(learner, video, visit, [[0, 100]], position=100, lesson=video_lesson)
    services.lesson_mark_done(user=learner, lesson=reading)
    assert not Certificate.objects.filter(user=learner).exists()
    services.quiz_submit(user=learner, quiz=quiz, answers=correct_answers(quiz), lesson=quiz_lesson)
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.holder_name == "Lena Lernende"
    assert certificate.hours == 6 and certificate.trainer_names == "Tanja Trainerin"
    assert MultiplierQualification.objects.filter(
        user=learner, course=course, revoked_at__isnull=True
    ).exists()


def test_a_lesson_with_only_text_needs_marking_done(learner, course):
    services.enrolment_request(user=learner, course=course)
    reading = lessons_of(course)[1]
    assert not services.lesson_evaluate(user=learner, lesson=reading)
    progress = services.lesson_mark_done(user=learner, lesson=reading)
    assert progress.completed_at is not None


def test_marking_done_requires_enrolment(outsider, course):
    with pytest.raises(services.CourseError) as error:
        services.lesson_mark_done(user=outsider, lesson=lessons_of(course)[1])
    assert error.value.code == "not_enrolled"
