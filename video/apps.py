from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "video"
    verbose_name = _("Video")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401
        from .meetings import MeetingRooms
        from .rooms import register_room_kind
        from .security import register_video_room_view

        register_room_kind(MeetingRooms())
        register_video_room_view("video:room-join")
        register_video_room_view("video:guest-join")
