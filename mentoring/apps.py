from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from video.rooms import register_room_kind
        from video.security import register_video_room_view

        from . import checks, install_checks  # noqa: F401
        from .sessions import availability_cache
        from .sessions.rooms import SessionRooms

        availability_cache.connect()
        register_room_kind(SessionRooms())
        register_video_room_view("mentoring:session-join")
