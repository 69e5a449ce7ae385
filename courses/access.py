"""Who may see what in the courses app: trainers, enrolments, lessons, videos and the trainer kit
(reads; ``courses.selectors`` re-exports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .models import (
    CoursePage,
    Enrolment,
    LearningVideo,
    LessonPage,
    MultiplierQualification,
)

if TYPE_CHECKING:
    pass


def is_course_trainer(user, course: CoursePage) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return course.trainers.filter(pk=user.pk).exists()


def eligible_trainers(course: CoursePage | None = None) -> QuerySet:
    """Who may be chosen as a course's trainer: the active members of the trainers' group (and,
    so that saving changes nothing unasked, whoever trains the course already)."""
    from django.contrib.auth import get_user_model

    from . import conf

    eligible = Q(is_active=True, groups__name=conf.get("TRAINER_GROUP"))
    if course is not None and course.pk:
        eligible |= Q(pk__in=[trainer.pk for trainer in course.trainers.all()])
    return (
        get_user_model()
        .objects.filter(pk__in=get_user_model().objects.filter(eligible).values("pk"))
        .order_by("last_name", "first_name", "email")
    )


def can_assign_trainers(user, course: CoursePage) -> bool:
    """Who trains a course reads its learners' data, so choosing them stays with superusers,
    course administrators (permission ``courses.assign_course_trainers``) and the course's owner
    while she trains it. A new course's first trainers are chosen by whoever adds it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("courses.assign_course_trainers"):
        return True
    if course.pk is None:
        return True
    return course.owner_id == user.pk and any(
        trainer.pk == user.pk for trainer in course.trainers.all()
    )


def enrolment_for(user, course: CoursePage, *, with_run: bool = True) -> Enrolment | None:
    """The person's open enrolment in the course (at most one), with its run unless the caller
    shows none (a lesson reads only the enrolment's status: one join less on every lesson)."""
    if not user.is_authenticated:
        return None
    enrolments = Enrolment.objects.filter(
        user_id=user.pk, course_id=course.pk, status__in=Enrolment.OPEN_STATUSES
    )
    if with_run:
        enrolments = enrolments.select_related("run")
    # At most one is open (a unique index), so no ordering: sorting by the model's default costs
    # a quarter of this query's time in the ORM.
    return next(iter(enrolments.order_by()[:1]), None)


def lessons_open_to_everyone(course: CoursePage) -> bool:
    """Public lessons only when Wagtail's page privacy does not restrict the course either."""
    return course.lessons_public and not course.get_view_restrictions().exists()


def can_view_lessons(
    user, course: CoursePage, enrolment: Enrolment | None = None, *, is_trainer: bool | None = None
) -> bool:
    if lessons_open_to_everyone(course):
        return True
    if not user.is_authenticated:
        return False
    if enrolment is None:
        enrolment = enrolment_for(user, course)
    if enrolment is not None and enrolment.status in Enrolment.LEARNING_STATUSES:
        return True
    if is_trainer if is_trainer is not None else is_course_trainer(user, course):
        return True
    return course.permissions_for_user(user).can_edit()


def can_use_trainer_kit(user, course: CoursePage, *, is_trainer: bool | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if is_trainer if is_trainer is not None else is_course_trainer(user, course):
        return True
    return MultiplierQualification.objects.filter(
        user=user, course=course, revoked_at__isnull=True
    ).exists()


def lessons_showing_video(video: LearningVideo) -> list[LessonPage]:
    """Live lessons whose content shows the video, read from the lessons' own content (never from
    Wagtail's reference index, which the worker rebuilds later: a learner can watch a video the
    moment its lesson is published). PostgreSQL: JSON containment on the stream; elsewhere the
    live lessons' streams are read (a small site on one machine)."""
    from django.db import connection
    from django.db.models import JSONField
    from django.db.models.functions import Cast

    lessons = LessonPage.objects.live()
    if connection.vendor == "postgresql":
        wanted = [{"type": "video", "value": {"video": video.pk}}]
        return list(
            lessons.annotate(stream=Cast("body", JSONField()))
            .filter(stream__contains=wanted)
            .only("path")
        )
    return [lesson for lesson in lessons.only("path", "body") if video.pk in lesson.video_ids()]


def courses_using_video(video: LearningVideo) -> QuerySet[CoursePage]:
    """Courses whose live lessons show the video."""
    ancestor_paths = {
        lesson.path[:length]
        for lesson in lessons_showing_video(video)
        for length in range(4, len(lesson.path), 4)
    }
    return CoursePage.objects.filter(path__in=ancestor_paths)


def can_watch_video(user, video: LearningVideo) -> bool:
    if user.is_authenticated and (
        user.is_superuser or user.has_perm("courses.change_learningvideo")
    ):
        return True
    courses = list(courses_using_video(video))
    if any(lessons_open_to_everyone(course) for course in courses):
        return True
    if not user.is_authenticated or not courses:
        return False
    course_ids = [course.pk for course in courses]
    if Enrolment.objects.filter(
        user=user, course_id__in=course_ids, status__in=Enrolment.LEARNING_STATUSES
    ).exists():
        return True
    if CoursePage.trainers.through.objects.filter(
        coursepage_id__in=course_ids, user_id=user.pk
    ).exists():
        return True
    # Editors of a course see its lessons (can_view_lessons), so they see its videos too.
    return any(course.permissions_for_user(user).can_edit() for course in courses)
