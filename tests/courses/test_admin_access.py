"""The trainer boundary in the Wagtail admin: who trains a course decides who reads its learners'
data (CSV, enrolment decisions, certificates), so the trainers list is guarded field by field,
and trainers edit only the courses they train."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import ChapterPage, CoursePage, LessonPage
from tests.courses.conftest import publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(page, *, user, **changes) -> dict:
    """The edit form's POST body (a page's or a snippet's) as the admin would send it unchanged,
    with ``changes``."""
    if hasattr(page, "get_parent"):
        form_class = type(page).get_edit_handler().get_form_class()
        form = form_class(instance=page, parent_page=page.get_parent(), for_user=user)
    else:  # a snippet
        form_class = type(page).snippet_viewset.get_edit_handler().get_form_class()
        form = form_class(instance=page, for_user=user)
    data = {}

    def add(bound_form, prefix=""):
        for name, field in bound_form.fields.items():
            key = f"{prefix}{name}"
            value = bound_form[name].value()
            widget = field.widget
            if type(widget).__name__ == "CheckboxInput":
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(getattr(item, "pk", item)) for item in value]
            elif type(widget).__name__ == "DraftailRichTextArea":
                data[key] = widget.format_value(value)
            else:
                data[key] = "" if value is None else str(getattr(value, "pk", value))

    add(form)
    for formset in form.formsets.values():
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for index, inline in enumerate(formset.forms):
            add(inline, f"{formset.prefix}-{index}-")
    for key, value in changes.items():
        key = key.replace("action_", "action-")
        data[key] = [str(v.pk) for v in value] if isinstance(value, list) else value
    return data


@pytest.fixture
def catalogue(catalogue, rf):
    """As the admin makes it: the hooks that run after creating a page in the admin ran."""
    from wagtail import hooks

    request = rf.get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    for hook in hooks.get_hooks("after_create_page"):
        hook(request, catalogue)
    return catalogue


@pytest.fixture
def people(db):
    return {
        "owner": UserFactory(groups=["Trainer:innen"], first_name="Olga"),
        "co_trainer": UserFactory(groups=["Trainer:innen"], first_name="Cem"),
        "other_trainer": UserFactory(groups=["Trainer:innen"], first_name="Anna"),
        "editor": UserFactory(groups=["Redaktion"], first_name="Eda"),
        "admin": UserFactory(is_superuser=True, is_staff=True),
        "learner": UserFactory(first_name="Lena"),
    }


@pytest.fixture
def course_b(catalogue, people):
    course = CoursePage(
        title="Moderation",
        slug="moderation",
        summary="Gruppen leiten.",
        duration_hours=Decimal("3.0"),
        owner=people["owner"],
    )
    publish(catalogue, course)
    course.trainers.set([people["owner"], people["co_trainer"]])
    course.save_revision(user=people["owner"]).publish()
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def course_a(catalogue, people):
    course = CoursePage(
        title="Digitale Beratung",
        slug="digitale-beratung",
        summary="Beratung per Video.",
        duration_hours=Decimal("6.0"),
        owner=people["other_trainer"],
    )
    publish(catalogue, course)
    course.trainers.set([people["other_trainer"]])
    course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def trainer_ids(course) -> set[int]:
    return set(CoursePage.objects.get(pk=course.pk).trainers.values_list("pk", flat=True))


def edit(client, user, page, **changes):
    client.force_login(user)
    data = form_data(page.specific, user=people_admin(), **changes)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def people_admin():
    return UserFactory(is_superuser=True, is_staff=True)


# --- Who edits which course -------------------------------------------------------------------


def test_a_trainer_edits_the_courses_she_trains_and_no_other(client, course_a, course_b, people):
    chapter = publish(course_b, ChapterPage(title="Grundlagen", slug="grundlagen"))
    lesson = publish(chapter, LessonPage(title="Lesen", slug="lesen"))
    trainer = people["other_trainer"]
    for page in (course_b, chapter, lesson):
        permissions = page.permissions_for_user(trainer)
        assert not permissions.can_edit(), page
        assert not permissions.can_publish() and not permissions.can_add_subpage()
        assert not permissions.can_delete() and not permissions.can_set_view_restrictions()
    assert course_a.permissions_for_user(trainer).can_publish()
    assert course_b.permissions_for_user(people["co_trainer"]).can_publish()
    assert lesson.permissions_for_user(people["co_trainer"]).can_edit()
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course_b.pk]))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_editors_edit_every_course_but_gain_no_learner_data(client, course_b, people):
    editor = people["editor"]
    assert course_b.permissions_for_user(editor).can_publish()
    response = edit(client, editor, course_b, title="Moderation (neu)", action_publish="1")
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=course_b.pk).title == "Moderation (neu)"
    response = client.get(reverse("courses:manage-export", args=[course_b.pk]))
    assert response.status_code == 404


# --- Who changes who trains a course ----------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "co_trainer"])
def test_a_crafted_post_cannot_change_the_trainers(client, course_b, people, role):
    """The field is not in the form of people who may not assign trainers: a POSTed value is
    ignored, the rest of the change is saved."""
    user = people[role]
    before = trainer_ids(course_b)
    response = edit(
        client,
        user,
        course_b,
        trainers=[people["other_trainer"], user],
        summary="Neu.",
        action_publish="1",
    )
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=course_b.pk).summary == "Neu."
    assert trainer_ids(course_b) == before
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course_b.pk]))
    assert "trainers" not in response.context["form"].fields
    assert "Olga" in response.content.decode()  # shown read-only


def test_the_owner_who_trains_the_course_adds_a_co_trainer(client, course_b, people):
    owner = people["owner"]
    response = edit(
        client,
        owner,
        course_b,
        trainers=[owner, people["co_trainer"], people["other_trainer"]],
        action_publish="1",
    )
    assert response.status_code == 302
    assert people["other_trainer"].pk in trainer_ids(course_b)


def test_trainers_change_at_once_and_no_revision_brings_old_ones_back(client, course_b, people):
    admin = people["admin"]
    old_revision = course_b.latest_revision
    edit(client, admin, course_b, trainers=[people["owner"]])  # a draft: still effective
    assert trainer_ids(course_b) == {people["owner"].pk}
    old_revision.publish(user=people["editor"])
    assert trainer_ids(course_b) == {people["owner"].pk}
    client.force_login(people["editor"])
    url = reverse("wagtailadmin_pages:revisions_revert", args=[course_b.pk, old_revision.pk])
    assert client.get(url).status_code == 200
    assert trainer_ids(course_b) == {people["owner"].pk}


def test_the_trainers_chooser_lists_only_active_trainers(course_b, people):
    UserFactory(groups=["Trainer:innen"], is_active=False, first_name="Inaktiv")
    form_class = CoursePage.get_edit_handler().get_form_class()
    form = form_class(
        instance=course_b, parent_page=course_b.get_parent(), for_user=people["admin"]
    )
    choices = set(form.fields["trainers"].queryset)
    assert choices == {people["owner"], people["co_trainer"], people["other_trainer"]}


def test_a_trainer_who_creates_a_course_trains_and_owns_it(client, catalogue, people):
    trainer = people["other_trainer"]
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "Neu",
        "slug": "neu",
        "summary": "Kurz.",
        "duration_hours": "2",
        "format": "self_paced",
        "language": "de",
        "enrolment_mode": "open",
        "live_attendance_rule": "none",
        "live_attendance_percent": "80",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "trainer_kit_items-TOTAL_FORMS": "0",
        "trainer_kit_items-INITIAL_FORMS": "0",
        "action-publish": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(slug="neu")
    assert course.owner == trainer and list(course.trainers.all()) == [trainer]
    assert course.live
    assert course.permissions_for_user(trainer).can_edit()


# --- A trainer of course A gains nothing in course B -------------------------------------------


def test_a_trainer_of_course_a_gains_no_access_to_course_b_by_any_admin_action(
    client, course_a, course_b, people
):
    trainer = people["other_trainer"]
    lesson_b = publish(course_b, LessonPage(title="Lesen", slug="lesen"))
    lesson_a = publish(course_a, LessonPage(title="Start", slug="start"))
    client.force_login(trainer)
    home = reverse("wagtailadmin_home")
    data = form_data(course_b, user=people["admin"], trainers=[trainer], action_publish="1")
    denied = [
        ("get", reverse("wagtailadmin_pages:edit", args=[course_b.pk]), None),
        ("post", reverse("wagtailadmin_pages:edit", args=[course_b.pk]), data),
        ("post", reverse("wagtailadmin_pages:unpublish", args=[course_b.pk]), {}),
        ("post", reverse("wagtailadmin_pages:delete", args=[lesson_b.pk]), {}),
        ("post", reverse("wagtailadmin_pages:set_privacy", args=[course_b.pk]), {}),
        ("post", reverse("wagtailadmin_pages:lock", args=[course_b.pk]), {}),
        ("get", reverse("wagtailadmin_pages:add_subpage", args=[course_b.pk]), None),
        ("get", reverse("wagtailadmin_pages:copy", args=[course_b.pk]), None),
        ("get", reverse("wagtailadmin_pages:move", args=[lesson_b.pk]), None),
        (
            "get",
            reverse(
                "wagtailadmin_pages:revisions_revert",
                args=[course_b.pk, course_b.latest_revision_id],
            ),
            None,
        ),
        ("get", reverse("wagtailadmin_pages:history", args=[course_b.pk]), None),
    ]
    for method, url, body in denied:
        response = getattr(client, method)(url, body or {})
        assert response.status_code in (302, 403, 404), (method, url, response.status_code)
        if response.status_code == 302:
            assert response.url == home, (url, response.url)
    # Moving her own lesson into course B, and copying it there, are refused too.
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[lesson_a.pk, course_b.pk]), {}
    )
    assert response.status_code == 302 and response.url == home
    assert lesson_a.get_parent().pk == course_a.pk
    client.post(
        reverse("wagtailadmin_pages:copy", args=[lesson_a.pk]),
        {"new_title": "Kopie", "new_slug": "kopie", "new_parent_page": course_b.pk},
    )
    assert not course_b.get_children().filter(slug="kopie").exists()
    # The explorer, search and site history do not show course B's pages.
    response = client.get(reverse("wagtailadmin_explore", args=[course_b.get_parent().pk]))
    assert "Moderation" not in response.content.decode()
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert "Moderation" not in response.content.decode()
    # Nothing changed and course B's learner data stays closed.
    course = CoursePage.objects.get(pk=course_b.pk)
    assert course.live and trainer.pk not in trainer_ids(course_b)
    assert not PageViewRestriction.objects.filter(page=course_b).exists()
    assert course.locked is False and LessonPage.objects.filter(pk=lesson_b.pk).exists()
    assert client.get(reverse("courses:manage-export", args=[course_b.pk])).status_code == 404
