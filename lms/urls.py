from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views

from . import bench_views, views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("api/v1/", include("lms.api")),
    path("accounts/", include("allauth.urls")),
    path("me/", views.me, name="me"),
    path("me/profile/", views.me_profile, name="me-profile"),
    path("me/api-token/", views.me_api_token, name="me-api-token"),
    path("me/privacy/", views.me_privacy, name="me-privacy"),
    path("me/privacy/export/", views.me_privacy_export, name="me-privacy-export"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("search/", cms_views.search, name="search"),
    path("sitemap.xml", cms_views.sitemap, name="sitemap"),
    path("", include("courses.urls")),
    path("", include("mentoring.urls")),
    path("", include("video.urls")),
    path("", include("knowledge.urls")),
    # One login for everyone (allauth: verification, two factors, lockout); Wagtail's own login
    # form would be a second door.
    path("admin/login/", views.admin_login_redirect, name="wagtailadmin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.TANDEM_BENCH:  # make bench-load only (lms/bench_views.py)
    urlpatterns += [path("_bench/trivial/", bench_views.trivial, name="bench-trivial")]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "lms.views.page_not_found"
handler500 = "lms.views.server_error"
handler403 = "lms.views.permission_denied"
