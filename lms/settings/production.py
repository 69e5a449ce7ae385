"""Production. SECRET_KEY and ALLOWED_HOSTS must come from the environment: without them a
system check error (lms.E001, lms.E002) stops the server and says what to set."""

from .base import *  # noqa: F403
from .base import REDIS_URL, env, env_bool, env_int

DEBUG = False
TANDEM_REQUIRE_PRODUCTION_SETTINGS = True

MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

STORAGES = {
    **STORAGES,  # noqa: F405 - media on object storage when S3_BUCKET is set (base.py)
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
# Cookies only over HTTPS. SECURE_COOKIES=false only for the plain-HTTP loopback topology
# (ops/topology.py), never on a server people reach.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", True
)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Whole pages from the cache only where every app process shares it (Redis): a process's own cache
# would not hear of a publish made through another process (cms/page_cache.py).
TANDEM_PAGE_CACHE = env_bool("PAGE_CACHE", bool(REDIS_URL))
TASK_BACKEND = env("TASK_BACKEND", "database")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}  # noqa: F405
if TASK_BACKEND == "rq" and "django_tasks_rq" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # noqa: F405
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    RQ_SHOW_ADMIN_LINK = False
