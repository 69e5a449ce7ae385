"""The /api/v1/ router. Each app contributes its viewsets here; the site decides what is mounted."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import api_views

router = DefaultRouter()

urlpatterns = [
    path("", include(router.urls)),
    path("", include("courses.api.urls")),
    path("", include("mentoring.api.urls")),
    path("me/", api_views.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
