from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "mentoring-api"

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("matching-runs", views.MatchingRunViewSet, basename="run")
router.register("tandems", views.TandemViewSet, basename="tandem")

urlpatterns = [path("", include(router.urls))]
