from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views
from .live import LiveSessionViewSet

app_name = "courses-api"

router = SimpleRouter()
router.register("courses", views.CourseViewSet, basename="course")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("live-sessions", LiveSessionViewSet, basename="live-session")

urlpatterns = [
    path("", include(router.urls)),
    path("lessons/<int:pk>/", views.LessonView.as_view(), name="lesson"),
    path("videos/<int:pk>/progress/", views.VideoProgressView.as_view(), name="video-progress"),
    path("quizzes/<int:pk>/attempts/", views.QuizAttemptView.as_view(), name="quiz-attempt"),
]
