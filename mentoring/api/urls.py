from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import sessions, views

app_name = "mentoring-api"

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("matching-runs", views.MatchingRunViewSet, basename="run")
router.register("tandems", views.TandemViewSet, basename="tandem")
router.register("sessions", sessions.SessionViewSet, basename="session")

urlpatterns = [
    path("", include(router.urls)),
    path("tandems/<int:tandem_id>/slots/", sessions.TandemSlotsView.as_view(), name="tandem-slots"),
    path("calendar-token/", sessions.CalendarTokenView.as_view(), name="calendar-token"),
]
