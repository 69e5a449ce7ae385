"""Business rules of the courses app. Views, API and admin call these; each function owns its
transaction. Error messages are translatable constants tests can assert on."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import ManyToManyField
from django.utils.translation import gettext_lazy as _

from cms import audit
from cms.rows import upsert_row

from . import conf
from .errors import INVALID_INTERVALS, CourseError
from .intervals import (
    clean_intervals,
    intervals_length,
    merge_intervals,
    truncate_new_watching,
)
from .models import (
    Certificate,
    CoursePage,
    CourseRun,
    Enrolment,
    EnrolmentMode,
    LearningVideo,
    LessonPage,
    LessonProgress,
    MultiplierQualification,
    NameCorrectionRequest,
    Quiz,
    QuizAttempt,
    VideoProgress,
    VideoVisit,
)
from .selectors import course_of, lesson_progress_records, live_standing
from .signals import enrolment_left

ENROLMENT_CLOSED = _("This course does not take new enrolments.")
RUN_REQUIRED = _("Please choose a course run.")
RUN_NOT_OF_COURSE = _("This run does not belong to the course.")
RUN_CLOSED = _("Enrolment for this run is closed.")
NOT_ENROLLED = _("You are not enrolled in this course.")
NOT_A_REQUEST = _("This enrolment is not waiting for a decision.")
QUIZ_NO_ATTEMPTS_LEFT = _("You have used all attempts for this quiz.")
QUIZ_ALREADY_PASSED = _("You have passed this quiz; it cannot be submitted again.")
QUIZ_INVALID_ANSWERS = _("The answers do not fit the questions of this quiz.")
CERTIFICATE_ALREADY_REVOKED = _("This certificate has already been revoked.")
NAME_REQUIRED = _("Please enter the name as it should appear.")

CREDIT_SLACK_SECONDS = 5.0


# --- Enrolment ---------------------------------------------------------------------------


def _occupied_places(run: CourseRun) -> int:
    return run.enrolments.filter(status__in=Enrolment.LEARNING_STATUSES).count()


def _has_free_place(run: CourseRun | None) -> bool:
    return run is None or run.capacity is None or _occupied_places(run) < run.capacity


@transaction.atomic
def enrolment_request(*, user, course: CoursePage, run: CourseRun | None = None) -> Enrolment:
    """Enrol (open course), ask to be enrolled (by approval) or join the waiting list when the
    run is full. Asking again returns the existing enrolment."""
    existing = Enrolment.objects.filter(
        user=user, course=course, status__in=Enrolment.OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    if course.enrolment_mode == EnrolmentMode.CLOSED:
        raise CourseError(ENROLMENT_CLOSED, code="closed")
    open_runs = course.runs.filter(enrolment_open=True)
    if run is None and open_runs.exists():
        raise CourseError(RUN_REQUIRED, code="run_required")
    if run is not None:
        run = CourseRun.objects.select_for_update().get(
            pk=run.pk
        )  # serialise seat counting per run
        if run.course_id != course.pk:
            raise CourseError(RUN_NOT_OF_COURSE)
        if not run.enrolment_open:
            raise CourseError(RUN_CLOSED, code="closed")
    if course.enrolment_mode == EnrolmentMode.APPROVAL:
        status = Enrolment.Status.REQUESTED
    else:
        status = Enrolment.Status.ACTIVE if _has_free_place(run) else Enrolment.Status.WAITLISTED
    return Enrolment.objects.create(user=user, course=course, run=run, status=status)


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, by, accept: bool) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.REQUESTED:
        raise CourseError(NOT_A_REQUEST)
    if accept:
        run = (
            CourseRun.objects.select_for_update().get(pk=enrolment.run_id)
            if enrolment.run_id
            else None
        )
        enrolment.status = (
            Enrolment.Status.ACTIVE if _has_free_place(run) else Enrolment.Status.WAITLISTED
        )
    else:
        enrolment.status = Enrolment.Status.DECLINED
    enrolment.decided_by = by
    enrolment.save(update_fields=["status", "decided_by", "updated_at"])
    return enrolment


@transaction.atomic
def enrolment_leave(*, enrolment: Enrolment) -> Enrolment:
    """Leave a course; a place freed in a run goes to the longest-waiting person, and so do the
    seats the person held in the run's upcoming live sessions."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in (
        Enrolment.Status.ACTIVE,
        Enrolment.Status.WAITLISTED,
        Enrolment.Status.REQUESTED,
    ):
        raise CourseError(NOT_ENROLLED, code="not_enrolled")
    held_place = enrolment.status == Enrolment.Status.ACTIVE
    enrolment.status = Enrolment.Status.LEFT
    enrolment.save(update_fields=["status", "updated_at"])
    if enrolment.run is not None:
        # Seats in the run's upcoming live sessions go to the people waiting for them (who are
        # told): courses.live listens (the live services build on this module).
        enrolment_left.send(sender=Enrolment, enrolment=enrolment)
    if held_place and enrolment.run is not None:
        waitlist_promote(run=enrolment.run)
    return enrolment


@transaction.atomic
def waitlist_promote(*, run: CourseRun) -> list[Enrolment]:
    """Move people up from the waiting list while the run has free places."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    promoted = []
    while _has_free_place(run):
        next_in_line = (
            run.enrolments.select_for_update()
            .filter(status=Enrolment.Status.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if next_in_line is None:
            break
        next_in_line.status = Enrolment.Status.ACTIVE
        next_in_line.save(update_fields=["status", "updated_at"])
        promoted.append(next_in_line)
    return promoted


# --- Video progress ------------------------------------------------------------------------


@transaction.atomic
def video_progress_report(
    *,
    user,
    video: LearningVideo,
    visit_id: uuid.UUID,
    intervals,
    position: float,
    lesson: LessonPage | None = None,
) -> VideoProgress:
    """Record what the learner actually watched. Only the union of watched intervals counts:
    seeking to the end does not, and a visit cannot credit more than the wall-clock time it
    has been open (at the fastest playback rate)."""
    duration = float(video.duration_seconds)
    claimed = clean_intervals(intervals, duration)
    if (
        not isinstance(position, (int, float))
        or isinstance(position, bool)
        or not 0 <= position <= duration + 1
    ):
        raise CourseError(INVALID_INTERVALS, code="out_of_range")
    now = timezone.now()
    visit, _created = VideoVisit.objects.select_for_update().get_or_create(
        user=user,
        visit_id=visit_id,
        defaults={"video": video, "last_report_at": now},
    )
    if visit.video_id != video.pk:
        raise CourseError(INVALID_INTERVALS)
    progress, _created = VideoProgress.objects.select_for_update().get_or_create(
        user=user, video=video
    )
    elapsed = (now - visit.started_at).total_seconds()
    allowed = max(
        0.0,
        elapsed * float(conf.get("MAX_PLAYBACK_RATE"))
        + CREDIT_SLACK_SECONDS
        - visit.credited_seconds,
    )
    before = intervals_length(progress.intervals)
    progress.intervals = truncate_new_watching(
        merge_intervals(progress.intervals), claimed, allowed
    )
    progress.watched_seconds = min(duration, intervals_length(progress.intervals))
    gained = max(0.0, progress.watched_seconds - before)
    progress.position = min(float(position), duration)
    newly_completed = (
        progress.completed_at is None
        and progress.watched_seconds >= float(conf.get("WATCHED_THRESHOLD")) * duration
    )
    if newly_completed:
        progress.completed_at = now
    progress.save()
    visit.credited_seconds += gained
    visit.last_report_at = now
    visit.save(update_fields=["credited_seconds", "last_report_at"])
    if newly_completed and lesson is not None:
        lesson_evaluate(user=user, lesson=lesson)
    return progress


# --- Lessons and courses ------------------------------------------------------------------


def _progress_for(user, lesson: LessonPage, course: CoursePage) -> LessonProgress:
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        user=user,
        lesson=lesson,
        defaults={"course": course},
    )
    return progress


#: A visit is recorded again only after this long: the time of the last visit is kept to this
#: precision (the pages show only whether a lesson was visited), and reading a lesson costs no
#: write while the learner moves between lessons.
VISIT_PRECISION = timedelta(minutes=10)


def lesson_visit(*, user, lesson: LessonPage) -> None:
    """Records the learner's visit: no write when it was recorded less than ``VISIT_PRECISION``
    ago, else one statement (an insert that updates the existing row)."""
    now = timezone.now()
    records = lesson_progress_records(lesson=lesson, user=user)
    record = records.get(lesson.pk)
    if record and record.last_visited_at and now - record.last_visited_at < VISIT_PRECISION:
        return
    course = course_of(lesson)
    if record is None:  # the page shows the progress read before this visit, with it
        records[lesson.pk] = LessonProgress(user=user, lesson=lesson, course=course)
    records[lesson.pk].last_visited_at = now
    upsert_row(
        LessonProgress,
        {
            "user": user.pk,
            "lesson": lesson.pk,
            "course": course.pk,
            "last_visited_at": now,
        },
        unique=["user", "lesson"],
        update=["course", "last_visited_at"],
    )


@transaction.atomic
def lesson_mark_done(*, user, lesson: LessonPage) -> LessonProgress:
    course = course_of(lesson)
    if not Enrolment.objects.filter(
        user=user, course=course, status__in=Enrolment.LEARNING_STATUSES
    ).exists():
        raise CourseError(NOT_ENROLLED, code="not_enrolled")
    progress = _progress_for(user, lesson, course)
    if progress.marked_done_at is None:
        progress.marked_done_at = timezone.now()
        progress.save(update_fields=["marked_done_at"])
    lesson_evaluate(user=user, lesson=lesson)
    progress.refresh_from_db()
    return progress


def lesson_requirements_met(*, user, lesson: LessonPage, marked_done: bool) -> bool:
    videos = lesson.required_videos()
    quizzes = lesson.required_quizzes()
    if videos and VideoProgress.objects.filter(
        user=user, video_id__in=videos, completed_at__isnull=False
    ).count() < len(set(videos)):
        return False
    if quizzes and (
        QuizAttempt.objects.filter(user=user, quiz_id__in=quizzes, passed=True)
        .values("quiz_id")
        .distinct()
        .count()
        < len(set(quizzes))
    ):
        return False
    return marked_done or not lesson.needs_mark_done()


@transaction.atomic
def lesson_evaluate(*, user, lesson: LessonPage) -> bool:
    """Mark the lesson complete when its required parts are; then look at the course."""
    course = course_of(lesson)
    if not Enrolment.objects.filter(
        user=user, course=course, status__in=Enrolment.LEARNING_STATUSES
    ).exists():
        return False
    progress = _progress_for(user, lesson, course)
    if progress.completed_at is None and lesson_requirements_met(
        user=user, lesson=lesson, marked_done=progress.marked_done_at is not None
    ):
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
        course_evaluate(user=user, course=course)
    return progress.completed_at is not None


@transaction.atomic
def course_evaluate(*, user, course: CoursePage) -> Enrolment | None:
    """Complete the enrolment when every live lesson is done; issue the certificate and, for a
    multiplier course, the qualification."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user=user, course=course, status__in=Enrolment.LEARNING_STATUSES)
        .first()
    )
    if enrolment is None:
        return None
    lesson_ids = set(LessonPage.objects.live().descendant_of(course).values_list("pk", flat=True))
    done = set(
        LessonProgress.objects.filter(
            user=user, lesson_id__in=lesson_ids, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    if not lesson_ids or done != lesson_ids:
        return enrolment
    standing = live_standing(enrolment=enrolment, course=course)
    if not standing.met:
        return enrolment
    newly_completed = enrolment.status != Enrolment.Status.COMPLETED
    if newly_completed:
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    certificate = (
        certificate_issue(user=user, course=course, live_hours=standing.hours)
        if course.certificate_enabled
        else None
    )
    if course.is_multiplier_course:
        MultiplierQualification.objects.get_or_create(
            user=user,
            course=course,
            defaults={"granted_at": timezone.now(), "certificate": certificate},
        )
    if newly_completed:
        # Recorded in the outbox in this transaction (cms.mail): sent by the worker after the
        # commit, retried while the mail server is down, never lost with the completion.
        course_completed_notify(enrolment_id=enrolment.pk)
    return enrolment


def _absolute(url: str | None) -> str:
    from cms.mail import site_url

    if not url:
        return ""
    return url if url.startswith(("http://", "https://")) else site_url(url)


def course_completed_notify(*, enrolment_id: int) -> int:
    """The "course complete" e-mail: congratulations, the certificate's download and verification
    links and the course to take next. Recorded in the outbox with the completion (once per
    completion)."""
    from django.urls import reverse

    from cms.mail import send_templated_mail, site_url

    from .selectors import next_course_for, organisation_name

    enrolment = (
        Enrolment.objects.select_related("user", "course")
        .filter(pk=enrolment_id, status=Enrolment.Status.COMPLETED)
        .first()
    )
    if enrolment is None:
        return 0
    course = enrolment.course
    certificate = Certificate.objects.filter(
        user=enrolment.user, course=course, revoked_at__isnull=True
    ).first()
    next_course = next_course_for(user=enrolment.user, course=course)
    return send_templated_mail(
        template="courses/emails/course_completed",
        to=enrolment.user,
        context={
            "name": enrolment.user.get_full_name() or enrolment.user.email,
            "course_title": course.title,
            "complete_url": site_url(reverse("courses:complete", kwargs={"course_id": course.pk})),
            "certificate": certificate,
            "certificate_url": site_url(
                reverse("courses:certificate-pdf", kwargs={"code": certificate.code})
            )
            if certificate
            else "",
            "verify_url": site_url(
                reverse("courses:certificate-verify", kwargs={"code": certificate.code})
            )
            if certificate
            else "",
            "next_course_title": next_course.title if next_course else "",
            "next_course_url": _absolute(next_course.url) if next_course else "",
            "organisation": organisation_name(),
        },
        key=f"course-completed:{enrolment.pk}:{enrolment.completed_at:%Y%m%d%H%M%S}",
    )


# --- Quizzes --------------------------------------------------------------------------------


def quiz_questions(quiz: Quiz) -> list[dict]:
    """Questions with stable ids from the stream; options carry their ids and correctness."""
    questions = []
    for block in quiz.questions.raw_data:
        value = block["value"]
        questions.append(
            {
                "id": block["id"],
                "text": value["text"],
                "kind": value.get("kind", "single"),
                "explanation": value.get("explanation", ""),
                "options": [
                    {
                        "id": item["id"],
                        "text": item["value"]["text"],
                        "is_correct": bool(item["value"].get("is_correct")),
                        "feedback": item["value"].get("feedback", ""),
                    }
                    for item in value["options"]
                ],
            }
        )
    return questions


@transaction.atomic
def quiz_submit(
    *, user, quiz: Quiz, answers: dict, lesson: LessonPage | None = None
) -> QuizAttempt:
    """Grade on the server. A question counts when exactly the correct options are chosen."""
    questions = quiz_questions(quiz)
    if not isinstance(answers, dict):
        raise CourseError(QUIZ_INVALID_ANSWERS)
    known = {question["id"]: question for question in questions}
    if set(answers) - set(known):
        raise CourseError(QUIZ_INVALID_ANSWERS)
    chosen_by_question: dict[str, list[str]] = {}
    for question_id, question in known.items():
        chosen = answers.get(question_id, [])
        if isinstance(chosen, str):
            chosen = [chosen]
        if not isinstance(chosen, list) or not all(isinstance(option, str) for option in chosen):
            raise CourseError(QUIZ_INVALID_ANSWERS)
        option_ids = {option["id"] for option in question["options"]}
        if set(chosen) - option_ids or (question["kind"] == "single" and len(chosen) > 1):
            raise CourseError(QUIZ_INVALID_ANSWERS)
        chosen_by_question[question_id] = sorted(set(chosen))
    previous = QuizAttempt.objects.select_for_update().filter(user=user, quiz=quiz)
    count = previous.count()
    if previous.filter(passed=True).exists():  # as on the lesson page: passed is final
        raise CourseError(QUIZ_ALREADY_PASSED, code="already_passed")
    if quiz.max_attempts and count >= quiz.max_attempts:
        raise CourseError(QUIZ_NO_ATTEMPTS_LEFT, code="no_attempts_left")
    correct = sum(
        1
        for question_id, question in known.items()
        if set(chosen_by_question[question_id])
        == {o["id"] for o in question["options"] if o["is_correct"]}
    )
    score = round(100 * correct / len(known)) if known else 0
    attempt = QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        lesson=lesson,
        number=count + 1,
        answers=chosen_by_question,
        score_percent=score,
        passed=score >= quiz.pass_mark,
    )
    if attempt.passed and lesson is not None:
        lesson_evaluate(user=user, lesson=lesson)
    return attempt


# --- Certificates ---------------------------------------------------------------------------


def _trainer_names(course: CoursePage) -> str:
    return ", ".join(trainer.get_full_name() or trainer.email for trainer in course.trainers.all())


@transaction.atomic
def certificate_issue(
    *,
    user,
    course: CoursePage,
    holder_name: str | None = None,
    replaces: Certificate | None = None,
    live_hours: Decimal | None = None,
) -> Certificate:
    existing = Certificate.objects.filter(user=user, course=course, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    return Certificate.objects.create(
        user=user,
        course=course,
        holder_name=holder_name or user.get_full_name() or user.email,
        course_title=course.title,
        hours=Decimal(course.duration_hours),
        live_hours=live_hours or None,
        trainer_names=_trainer_names(course),
        issued_at=timezone.now(),
        replaces=replaces,
    )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise CourseError(CERTIFICATE_ALREADY_REVOKED)
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoked_reason = reason[:500]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    MultiplierQualification.objects.filter(certificate=certificate, revoked_at__isnull=True).update(
        revoked_at=certificate.revoked_at
    )
    audit.record(
        action="certificate.revoked",
        by=by,
        subject=certificate.user,
        target=f"certificate {certificate.pk}",
    )
    return certificate


@transaction.atomic
def certificate_request_name_correction(
    *, certificate: Certificate, name: str
) -> NameCorrectionRequest:
    name = " ".join(name.split())
    if not name:
        raise CourseError(NAME_REQUIRED)
    certificate.name_corrections.filter(status=NameCorrectionRequest.Status.OPEN).update(
        status=NameCorrectionRequest.Status.DECLINED
    )
    return NameCorrectionRequest.objects.create(certificate=certificate, requested_name=name[:300])


@transaction.atomic
def certificate_correct_name(*, request: NameCorrectionRequest, by) -> Certificate:
    """Reissue with the corrected name; the old certificate stays verifiable as replaced."""
    old = request.certificate
    certificate_revoke(certificate=old, by=by, reason=str(_("Reissued with a corrected name.")))
    new = certificate_issue(
        user=old.user,
        course=old.course,
        holder_name=request.requested_name,
        replaces=old,
        live_hours=old.live_hours,
    )
    MultiplierQualification.objects.filter(user=old.user, course=old.course).update(
        certificate=new, revoked_at=None
    )
    request.status = NameCorrectionRequest.Status.DONE
    request.decided_by = by
    request.save(update_fields=["status", "decided_by"])
    return new


# --- Who trains a course --------------------------------------------------------------------


@transaction.atomic
def course_trainers_set(*, course: CoursePage, trainers: list, by) -> None:
    """Make ``trainers`` the course's trainers, at once and outside its revisions (see
    ``CoursePageMixin.with_content_json``). Callers check ``selectors.can_assign_trainers``."""
    through = type(course).trainers.through
    field = cast("ManyToManyField", type(course)._meta.get_field("trainers"))
    course_column = field.m2m_field_name() + "_id"
    user_column = field.m2m_reverse_field_name() + "_id"
    current = set(
        through.objects.filter(**{course_column: course.pk}).values_list(user_column, flat=True)
    )
    wanted = {trainer.pk for trainer in trainers}
    removed, added = current - wanted, wanted - current
    if removed:
        through.objects.filter(**{course_column: course.pk, f"{user_column}__in": removed}).delete()
    through.objects.bulk_create(
        [through(**{course_column: course.pk, user_column: pk}) for pk in sorted(added)]
    )
    for kind, people in (("course.trainer_added", added), ("course.trainer_removed", removed)):
        for pk in sorted(people):
            audit.record(
                action=kind, by=by, subject=get_user_model()(pk=pk), target=f"course {course.pk}"
            )
