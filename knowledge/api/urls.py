from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "knowledge-api"

router = SimpleRouter()
router.register("knowledge/spaces", views.SpaceViewSet, basename="space")
router.register("knowledge/articles", views.ArticleViewSet, basename="article")

urlpatterns = [
    path("", include(router.urls)),
    path(
        "knowledge/articles/<str:pk>/confirmation/",
        views.ConfirmationView.as_view(),
        name="confirmation",
    ),
    path(
        "knowledge/confirmations/open/",
        views.OpenConfirmationsView.as_view(),
        name="open-confirmations",
    ),
]
