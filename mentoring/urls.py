from django.urls import path

from video import webhooks

from . import views
from .sessions import views as session_views

app_name = "mentoring"

urlpatterns = [
    path("mentoring/mine/", views.my_mentoring, name="mine"),
    path("mentoring/programmes/<int:page_id>/apply/<str:role>/", views.apply, name="apply"),
    path("mentoring/tandems/<int:tandem_id>/", views.tandem_detail, name="tandem"),
    path("mentoring/tandems/<int:tandem_id>/answer/", views.tandem_respond, name="tandem-respond"),
    path(
        "mentoring/tandems/<int:tandem_id>/feedback/<str:phase>/", views.feedback, name="feedback"
    ),
    path(
        "mentoring/applications/<int:application_id>/withdraw/",
        views.application_withdraw,
        name="withdraw",
    ),
    path(
        "mentoring/applications/<int:application_id>/pause/", views.application_pause, name="pause"
    ),
    path(
        "mentoring/applications/<int:application_id>/request/", views.mentee_request, name="request"
    ),
    path("mentoring/sessions/", session_views.my_sessions, name="sessions"),
    path("mentoring/sessions/calendar/", session_views.calendar_rotate, name="calendar-rotate"),
    path("mentoring/calendar/<str:token>.ics", session_views.calendar_feed, name="calendar-feed"),
    path("mentoring/tandems/<int:tandem_id>/book/", session_views.book, name="book"),
    path("mentoring/sessions/<uuid:session_uuid>/", session_views.session_detail, name="session"),
    path(
        "mentoring/sessions/<uuid:session_uuid>/calendar.ics",
        session_views.session_calendar_file,
        name="session-calendar",
    ),
    path(
        "mentoring/sessions/<uuid:session_uuid>/join/",
        session_views.session_join,
        name="session-join",
    ),
    path("mentoring/availability/", session_views.availability, name="availability"),
    # The video server's endpoints under their first addresses, for servers configured before the
    # video app (its own: video.urls, /video/jitsi/...).
    path("mentoring/jitsi/conference", webhooks.reservation, name="jitsi-reservation"),
    path(
        "mentoring/jitsi/conference/<str:reservation_id>",
        webhooks.reservation_delete,
        name="jitsi-reservation-delete",
    ),
    path(
        "mentoring/jitsi/events/occupant/<str:change>",
        webhooks.occupant_event,
        name="jitsi-occupant-event",
    ),
    path("mentoring/jitsi/events/room/<str:change>", webhooks.room_event, name="jitsi-room-event"),
]
