"""The video app's URLs: the endpoints the video server calls (``/video/jitsi/...``; prosody's
``reservations_api_prefix`` and the occupant-event URLs point here, docs/jitsi.md)."""

from django.urls import path

from . import webhooks

app_name = "video"

urlpatterns = [
    path("video/jitsi/conference", webhooks.reservation, name="jitsi-reservation"),
    path(
        "video/jitsi/conference/<str:reservation_id>",
        webhooks.reservation_delete,
        name="jitsi-reservation-delete",
    ),
    path(
        "video/jitsi/events/occupant/<str:change>",
        webhooks.occupant_event,
        name="jitsi-occupant-event",
    ),
    path("video/jitsi/events/room/<str:change>", webhooks.room_event, name="jitsi-room-event"),
]
