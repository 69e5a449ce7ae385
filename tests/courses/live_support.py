"""Shared set-up for the live session tests: a course run with learners and a live session."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from courses.models import CourseRun, Enrolment, LiveSession
from tests.factories import UserFactory


def make_run(course, *, capacity=None, trainer=None) -> CourseRun:
    today = timezone.localdate()
    return CourseRun.objects.create(
        course=course,
        title="Frühjahr",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=60),
        capacity=capacity,
        trainer=trainer,
    )


def enrol(run, *users) -> list:
    for user in users:
        Enrolment.objects.create(
            user=user, course=run.course, run=run, status=Enrolment.Status.ACTIVE
        )
    return list(users)


def learners(run, count: int) -> list:
    return enrol(run, *[UserFactory(first_name=f"L{i}", last_name="Lernend") for i in range(count)])


def make_session(run, *, start=None, minutes=60, seats=None, title="Auftakt") -> LiveSession:
    return LiveSession.objects.create(
        run=run,
        title=title,
        start=start or timezone.now() + timedelta(days=2),
        duration_minutes=minutes,
        seats=seats,
    )
