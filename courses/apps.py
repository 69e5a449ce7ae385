from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from cms.pages import get_base_page_model

        from . import checks  # noqa: F401
        from .permissions import CoursePagePermissionPolicy

        # Trainers hold page permissions on the courses they train (courses/permissions.py).
        register_permission_policy(get_base_page_model(), CoursePagePermissionPolicy())

        from .forms import CoursePageForm
        from .models.pages import CoursePageMixin

        # The course's admin form limits who may change the trainers. Attached here, before any
        # edit handler is built or checked, because models never import forms (pyproject's
        # import contracts); every course page model, swapped ones too, inherits it.
        CoursePageMixin.base_form_class = CoursePageForm

        from .live.services import release_seats_of_leaver
        from .signals import enrolment_left

        enrolment_left.connect(release_seats_of_leaver, dispatch_uid="courses-live-leaver-seats")

        from django.apps import apps

        if apps.is_installed("video"):  # live sessions get their rooms from the video app
            from video.rooms import register_room_kind
            from video.security import register_video_room_view

            from .live.video import LiveSessionRooms

            register_room_kind(LiveSessionRooms())
            register_video_room_view("courses:live-join")
