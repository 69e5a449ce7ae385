from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "video-api"

router = SimpleRouter()
router.register("video-rooms", views.VideoRoomViewSet, basename="room")

urlpatterns = [path("", include(router.urls))]
