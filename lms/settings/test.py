"""Settings for the test suite (pytest). DATABASE_URL picks SQLite or PostgreSQL."""

from .base import *  # noqa: F403
from .base import ACCOUNT_RATE_LIMITS, REST_FRAMEWORK, TASKS, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-length-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {**TASKS, "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests see every page rendered; tests/cms/test_page_cache.py and the query tests switch it on.
TANDEM_PAGE_CACHE = False
# CI runs passes side by side (.ci/run): each may keep its files apart.
MEDIA_ROOT = env("TANDEM_TEST_MEDIA_ROOT", "") or BASE_DIR / ".test-media"  # noqa: F405
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# The suite shares one local-memory cache: rates high enough never to disturb other tests.
# tests/lms/test_security.py lowers them where it tests the limits themselves.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: "100000/hour" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    },
}
TANDEM_RATE_LIMITS = {"booking": "100000/hour"}
ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "signup": "1000/m/ip",
    "reset_password": "1000/m/ip,1000/m/key",
    "reset_password_from_key": "1000/m/ip",
}
TANDEM_REQUIRE_MFA_FOR_STAFF = True
