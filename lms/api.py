"""The /api/v1/ router. Each app contributes its viewsets here; the site decides what is mounted."""

from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import api_views

router = DefaultRouter()

urlpatterns = [
    path("", include(router.urls)),
    path("", include("courses.api.urls")),
    path("", include("mentoring.api.urls")),
    path("", include("video.api.urls")),
    path("", include("knowledge.api.urls")),
    path("me/", api_views.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Anything else under /api/v1/ is a JSON 404 for every method (not Wagtail's page serving, which
    # would answer a POST with an HTML CSRF error). It reads and changes nothing, so no CSRF check.
    re_path(r"", csrf_exempt(api_views.unknown_endpoint), name="api-unknown"),
]
