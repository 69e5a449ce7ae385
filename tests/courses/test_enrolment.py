from datetime import date

import pytest

from courses import services
from courses.models import CourseRun, Enrolment, EnrolmentMode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_open_course_enrols_at_once_and_twice_is_once(learner, course):
    first = services.enrolment_request(user=learner, course=course)
    again = services.enrolment_request(user=learner, course=course)
    assert first.status == Enrolment.Status.ACTIVE and again.pk == first.pk


def test_approval_course_waits_for_a_trainer(learner, trainer, course):
    course.enrolment_mode = EnrolmentMode.APPROVAL
    course.save()
    enrolment = services.enrolment_request(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.REQUESTED
    services.enrolment_decide(enrolment=enrolment, by=trainer, accept=True)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE and enrolment.decided_by == trainer
    with pytest.raises(services.CourseError):
        services.enrolment_decide(enrolment=enrolment, by=trainer, accept=False)


def test_closed_course_takes_nobody(learner, course):
    course.enrolment_mode = EnrolmentMode.CLOSED
    course.save()
    with pytest.raises(services.CourseError) as error:
        services.enrolment_request(user=learner, course=course)
    assert error.value.message == services.ENROLMENT_CLOSED


def test_full_run_puts_people_on_the_waiting_list_who_move_up_in_order(course):
    run = CourseRun.objects.create(
        course=course,
        title="Frühjahr",
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 6, 30),
        capacity=2,
    )
    people = [UserFactory() for _ in range(4)]
    enrolments = [
        services.enrolment_request(user=person, course=course, run=run) for person in people
    ]
    assert [e.status for e in enrolments] == ["active", "active", "waitlisted", "waitlisted"]
    services.enrolment_leave(enrolment=enrolments[0])
    states = {e.pk: e.status for e in Enrolment.objects.filter(run=run)}
    assert states[enrolments[2].pk] == "active"  # the longest-waiting person
    assert states[enrolments[3].pk] == "waitlisted"
    assert Enrolment.objects.filter(run=run, status="active").count() == 2


def test_a_run_must_be_chosen_when_runs_are_open(learner, course):
    CourseRun.objects.create(
        course=course, title="Herbst", starts_on=date(2027, 9, 1), ends_on=date(2027, 12, 1)
    )
    with pytest.raises(services.CourseError) as error:
        services.enrolment_request(user=learner, course=course)
    assert error.value.code == "run_required"


def test_leaving_and_coming_back_keeps_history(learner, course):
    first = services.enrolment_request(user=learner, course=course)
    services.enrolment_leave(enrolment=first)
    second = services.enrolment_request(user=learner, course=course)
    assert second.pk != first.pk
    assert list(
        Enrolment.objects.filter(user=learner).values_list("status", flat=True).order_by("pk")
    ) == ["left", "active"]


def test_database_refuses_two_open_enrolments(learner, course):
    from django.db import IntegrityError, transaction

    services.enrolment_request(user=learner, course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(user=learner, course=course, status=Enrolment.Status.REQUESTED)


def test_trainers_may_publish_courses_in_catalogues_but_not_other_pages(
    home_page, catalogue, trainer
):
    from courses.models import CoursePage

    permissions = catalogue.permissions_for_user(trainer)
    assert permissions.can_add_subpage() and permissions.can_publish_subpage()
    assert not permissions.can_edit() and not permissions.can_unpublish()
    assert CoursePage in [model for model in catalogue.specific_class.allowed_subpage_models()]
    assert not home_page.permissions_for_user(trainer).can_edit()
    assert trainer.has_perm("courses.add_learningvideo") and trainer.has_perm("courses.add_quiz")
