"""The video app's URLs: the endpoints the video server calls (``/video/jitsi/...``; prosody's
``reservations_api_prefix`` and the occupant-event URLs point here, docs/jitsi.md)."""

from django.apps import apps
from django.urls import path

app_name = "video"

if not apps.is_installed("video"):
    # A site that includes these URLs without the app: nothing to serve, and no model may load
    # before the system check (video.E100 / mentoring.E100) says what is missing.
    urlpatterns: list = []
else:
    from . import views, webhooks

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
        path("video/rooms/", views.room_list, name="rooms"),
        path("video/rooms/new/", views.room_create, name="room-create"),
        path("video/rooms/<uuid:room_uuid>/", views.room_detail, name="room"),
        path("video/rooms/<uuid:room_uuid>/edit/", views.room_edit, name="room-edit"),
        path("video/rooms/<uuid:room_uuid>/join/", views.room_join, name="room-join"),
        path(
            "video/rooms/<uuid:room_uuid>/invitations/<int:invitation_id>/revoke/",
            views.invitation_revoke,
            name="invitation-revoke",
        ),
        path("video/invite/<str:token>/", views.guest_invite, name="invite"),
        path("video/invite/<str:token>/join/", views.guest_join, name="guest-join"),
    ]
