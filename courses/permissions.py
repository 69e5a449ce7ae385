"""Who may do what with course pages in the Wagtail admin.

A course's trainers list is the one place that decides who trains it: its trainers hold the
course page permissions (COURSE_PAGE_PERMISSIONS) on the course and its chapters and lessons, and
nobody else gains them from being a trainer. Members of the trainers' group
(TANDEM_COURSES_TRAINER_GROUP) may add new courses to every catalogue; whoever adds one trains it.
Group page permissions (e.g. the editors' on the whole site) apply as Wagtail defines them.

Built on Wagtail's public extension points: a page permission policy registered for the base page
model (``wagtail.permissions.register_permission_policy``) and ``permissions_for_user`` on the
catalogue page (its tester is in ``courses.models.pages``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.permission_policies.pages import PagePermissionPolicy

from .roles import is_trainer_staff

__all__ = ["CoursePagePermissionPolicy", "forget_cached_permissions", "is_trainer_staff"]

COURSE_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")


@dataclass(eq=False)
class CourseGrant:
    """A page permission that follows from the trainers list, shaped like Wagtail's
    ``GroupPagePermission`` (``page``, ``page_id``, ``permission``) for the policy's readers."""

    page: object
    permission: Permission

    @property
    def page_id(self) -> int:
        return self.page.pk


def forget_cached_permissions(user) -> None:
    """After a change of trainers: the rest of the request sees the new page permissions."""
    for name in (
        CoursePagePermissionPolicy.permission_cache_name,
        CoursePagePermissionPolicy._explorable_root_instance_cache_name,
    ):
        if user is not None and hasattr(user, name):
            delattr(user, name)


class CoursePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permissions plus the grants of the courses a person trains."""

    permission_cache_name = "_tandem_page_permission_cache"

    def get_all_permissions_for_user(self, user):
        grants = list(super().get_all_permissions_for_user(user))
        if not user.is_active or user.is_anonymous or user.is_superuser:
            return grants
        from .models import CoursePage

        courses = list(CoursePage.objects.filter(trainers=user))
        if courses:
            page_model = self.auth_model
            permissions = Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(page_model),
                codename__in=[
                    f"{kind}_{page_model._meta.model_name}" for kind in COURSE_PAGE_PERMISSIONS
                ],
            )
            grants += [
                CourseGrant(course, permission) for course in courses for permission in permissions
            ]
        return grants

    # Members of the trainers' group find the catalogues in the explorer (to add a course there)
    # without seeing inside other trainers' courses.

    def _catalogues_for(self, user) -> list:
        if user.is_superuser or not is_trainer_staff(user):
            return []
        from .models import CourseCataloguePage

        return list(self.model.objects.type(CourseCataloguePage))

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, actions) or bool(
            "add" in actions and self._catalogues_for(user)
        )

    def instances_with_direct_explore_permission(self, user):
        pages = super().instances_with_direct_explore_permission(user)
        catalogues = self._catalogues_for(user)
        return [*pages, *catalogues] if catalogues else pages

    def explorable_instances(self, user):
        catalogues = self._catalogues_for(user)
        if not catalogues:
            return super().explorable_instances(user)
        pages = self.model.objects.filter(pk__in=[catalogue.pk for catalogue in catalogues])
        for catalogue in catalogues:
            pages |= self.model.objects.ancestor_of(catalogue)
        if super().instances_with_direct_explore_permission(user):
            pages |= super().explorable_instances(user)
        root = self.explorable_root_instance(user)
        return pages.filter(path__startswith=root.path) if root else pages
