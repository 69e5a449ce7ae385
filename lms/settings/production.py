"""Production. SECRET_KEY and ALLOWED_HOSTS must come from the environment: without them a
system check error (lms.E001, lms.E002) stops the server and says what to set."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_int

DEBUG = False
TANDEM_REQUIRE_PRODUCTION_SETTINGS = True

MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a deliberate, hard-to-undo decision per domain; the warning is
    # silenced until an operator opts in with SECURE_HSTS_PRELOAD=true.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a reverse proxy, declare it (TRUSTED_PROXIES, TRUSTED_PROXY_COUNT; see base.py): by default
# no X-Forwarded-For is believed, so no client can choose the address its limits count under.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
TASK_BACKEND = env("TASK_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASK_BACKEND]
    }
}
