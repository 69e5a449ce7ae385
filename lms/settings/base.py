"""Settings shared by every environment. Everything that differs between machines comes
from environment variables; see the configuration table in README.md."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lms",
    "cms",
    "courses",
    "mentoring",
    "video",
    "knowledge",
    "wagtail.contrib.forms",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "schedule",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # the template of /sitemap.xml (wagtail.contrib.sitemaps)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.site_cache.CachedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.PrivateResponsesMiddleware",
    "lms.middleware.UserLanguageMiddleware",
    "lms.middleware.UserTimezoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that every middleware above adds its headers to a page served from the cache.
    "cms.page_cache.AnonymousPageCacheMiddleware",
]

# `make bench-load` (bench/load): TANDEM_BENCH=true adds /_bench/trivial/ (the stack's limit) and
# the X-Tandem-Queries header (queries per request); lms/bench_views.py. Never on a site people use.
TANDEM_BENCH = env_bool("TANDEM_BENCH")
if TANDEM_BENCH:
    MIDDLEWARE.insert(0, "lms.bench_views.QueryCountMiddleware")

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.tandem",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# Behind a pooler in transaction mode (PgBouncer), a server-side cursor (QuerySet.iterator()) would
# outlive the transaction whose server connection it lives on: turn them off there
# (docs/deployment.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and an immediate transaction mode make SQLite behave under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tandem",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "lms.security.LockoutBackend",  # django-axes: refuses locked-out logins before any password check
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "me"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: e-mail address is the login, verified before first use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "lms.forms.SignupForm"
ACCOUNT_FORMS = {"login": "lms.security.LoginForm"}
# allauth's own limits, on top of the lockout below ("m" minutes, "h" hours; "ip" per address,
# "key" per e-mail address). Site-wide numbers allow a whole training group behind one address.
# Failed logins count per address only: a limit per e-mail address alone would let anyone lock a
# person out from everywhere; per e-mail address and address the lockout (django-axes) counts.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip",
    "signup": "30/h/ip",
    "reset_password": "20/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env("SITE_NAME", "Tandem")
MFA_PASSKEY_LOGIN_ENABLED = (
    False  # a security key is a second factor after the password, not a login of its own
)

# Staff (superusers, is_staff and the groups below) must have a second factor (an authenticator app
# or a security key) before they can use the site; lms.middleware.StaffSecondFactorMiddleware.
TANDEM_REQUIRE_MFA_FOR_STAFF = env_bool("REQUIRE_MFA_FOR_STAFF", True)
TANDEM_MFA_STAFF_GROUPS = ["Redaktion", "Trainer:innen", "Programmleitung"]

# Client addresses: the lockout, allauth's and the API's limits all count per address, and all read
# it through cms.ratelimit.client_ip. X-Forwarded-For is believed only for a connection from one of
# the declared reverse proxies (TRUSTED_PROXIES: addresses or networks) and only as far as
# TRUSTED_PROXY_COUNT proxies append to it; otherwise the connection's address (REMOTE_ADDR) counts.
TANDEM_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TANDEM_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
ACCOUNT_ADAPTER = "lms.security.AccountAdapter"

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one e-mail address from one client
# address, logins for that combination are refused for the cool-off time (every login path goes
# through django.contrib.auth.authenticate and so through lms.security.LockoutBackend).
# The failures are counted in the database, which every app server shares (tests/topology).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "lms.security.login_identifier"
AXES_CLIENT_IP_CALLABLE = "lms.security.client_ip"
AXES_LOCKOUT_CALLABLE = "lms.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins (data minimisation)
AXES_VERBOSE = False

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# locale/ holds the site's own catalogues (makemessages writes there). locale_overrides/ replaces
# third-party German texts that address users informally ("du") with the formal "Sie".
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
LANGUAGE_COOKIE_NAME = "tandem_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tandem <noreply@localhost>")
# The outbox (cms.outbox): /healthz/ answers 503 when the oldest unsent e-mail waits longer than
# OUTBOX_MAX_PENDING_AGE seconds; temporary failures are retried after OUTBOX_RETRY_SECONDS,
# doubled each time, OUTBOX_MAX_ATTEMPTS times; a mail left "being sent" by a dead worker is sent
# again after OUTBOX_STALE_SECONDS.
TANDEM_OUTBOX_MAX_PENDING_AGE = env_int("OUTBOX_MAX_PENDING_AGE", 3600)
TANDEM_OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
TANDEM_OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
TANDEM_OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 300)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (django-tasks): "immediate" runs a task at once in the request (development),
# "database" queues it in the database for `manage.py db_worker` (one machine), "rq" queues it in
# Redis (REDIS_URL) for RQ workers: `manage.py rqworker --job-class django_tasks_rq.Job
# --with-scheduler` (several machines; docs/deployment.md).
TASK_BACKEND = env("TASK_BACKEND", "immediate")
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    RQ_SHOW_ADMIN_LINK = False

# Media on S3-compatible object storage (django-storages) when S3_BUCKET is set: public media
# (images, public documents) in S3_BUCKET, served by the web server's /media/ location; the private
# files (videos, captions, trainer kits) in S3_PRIVATE_BUCKET, never public: Django checks access,
# then nginx fetches the object with a short-lived signed URL (X-Accel-Redirect, cms/files.py).
# How access-checked files are sent (cms/files.py): "django", "x-accel-redirect" (nginx) or
# "x-sendfile".
TANDEM_FILE_DELIVERY = env("FILE_DELIVERY", "django")
S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    _s3 = {
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "access_key": env("S3_ACCESS_KEY_ID"),
        "secret_key": env("S3_SECRET_ACCESS_KEY"),
        "region_name": env("S3_REGION", "us-east-1"),
        "signature_version": "s3v4",
        "addressing_style": "path",
        "file_overwrite": False,
    }
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": S3_BUCKET,
                "querystring_auth": False,
                # Public media reach the browser through the site's own /media/ location.
                "custom_domain": env("S3_MEDIA_DOMAIN") or None,
                "url_protocol": env("S3_MEDIA_PROTOCOL", "https:"),
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": env("S3_PRIVATE_BUCKET", f"{S3_BUCKET}-private"),
                "querystring_auth": True,
                "querystring_expire": 60,
                "default_acl": None,
            },
        },
    }

# The knowledge base (knowledge/conf.py, docs/knowledge.md).
TANDEM_KNOWLEDGE_REVIEW_INTERVAL_DAYS = env_int("KNOWLEDGE_REVIEW_INTERVAL_DAYS", 365)
TANDEM_KNOWLEDGE_REVIEW_SOON_DAYS = env_int("KNOWLEDGE_REVIEW_SOON_DAYS", 30)

# Video rooms (mentoring sessions, team meetings, counselling) on the organisation's own Jitsi
# server (docs/jitsi.md); the TANDEM_VIDEO_* settings belong to the video app (video/conf.py).
TANDEM_MENTORING_SESSIONS_ENABLED = env_bool("SESSIONS_ENABLED", True)
TANDEM_VIDEO_JITSI_DOMAIN = env("JITSI_DOMAIN")
TANDEM_VIDEO_JITSI_APP_ID = env("JITSI_APP_ID")
TANDEM_VIDEO_JITSI_APP_SECRET = env("JITSI_APP_SECRET")
TANDEM_VIDEO_JITSI_AUDIENCE = env("JITSI_AUDIENCE", "jitsi")
TANDEM_VIDEO_JITSI_SCHEME = env("JITSI_SCHEME", "https")
TANDEM_VIDEO_JITSI_API_TOKEN = env("JITSI_API_TOKEN")
TANDEM_VIDEO_JITSI_HEALTH_URL = env("JITSI_HEALTH_URL")
TANDEM_VIDEO_JITSI_JAAS_KEY_ID = env("JITSI_JAAS_KEY_ID")
TANDEM_VIDEO_JITSI_JAAS_PRIVATE_KEY = env("JITSI_JAAS_PRIVATE_KEY")

# Wagtail pages for anonymous visitors from the shared cache (cms/page_cache.py): every publish,
# snippet or settings change empties it; PAGE_CACHE_SECONDS bounds anything else.
TANDEM_PAGE_CACHE = env_bool("PAGE_CACHE", True)
TANDEM_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

WAGTAIL_SITE_NAME = env("SITE_NAME", "Tandem")
# The public address of the site: links in e-mails and the admin start with it. Without SITE_URL
# it is the address `make run PORT=...` serves (runserver on 127.0.0.1, PORT default 8000).
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odt",
    "ods",
    "odp",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
# Documents are always served by Django, which checks the collection's view restriction (the
# knowledge spaces' files), never by a redirect to the storage's address.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("DOCUMENT_MAX_UPLOAD_MB", 20) * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_MB", 10) * 1024 * 1024
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatar requests to a third party
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# Pages restricted to signed-in people or groups (knowledge spaces) send visitors to the one
# login, not to Wagtail's own form.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # password reset runs through allauth for everyone

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "lms.security.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "lms.api_support.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "lms.api_support.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "lms.api_support.AutoSchema",
    "EXCEPTION_HANDLER": "lms.api_support.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "lms.security.AnonThrottle",
        "lms.security.UserThrottle",
        "lms.security.WriteScopeThrottle",
    ],
    # "booking": booking and changing sessions (views with throttle_scope = "booking");
    # "calendar_token": new calendar subscription addresses. Scoped rates count writes only.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_RATE_ANON", "120/minute"),
        "user": env("API_RATE_USER", "600/minute"),
        "booking": env("RATE_BOOKING", "30/hour"),
        "calendar_token": env("RATE_CALENDAR_TOKEN", "10/hour"),
    },
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": "Courses, mentoring and sessions of a Tandem site.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["lms.api_support.only_public_api"],
    "ENUM_NAME_OVERRIDES": {"TandemResponseEnum": "mentoring.models.matching.TandemResponse"},
    # Without deep links the operation summaries hold no nested links (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": False,
        "persistAuthorization": False,
        "tryItOutEnabled": False,
    },
}

# The same limits for pages outside the API (cms.ratelimit), e.g. the booking form.
TANDEM_RATE_LIMITS = {"booking": REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["booking"]}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# "Remember me" keeps a login for a day; without it the login ends when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 24 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): nothing from other origins, no inline scripts except those
# carrying the per-request nonce ({{ request.csp_nonce }}). lms.security.SecurityHeadersMiddleware
# relaxes it where needed, per path: the Wagtail admin, Redoc and the browsable API, the video room
# (the organisation's Jitsi server); it also sends Permissions-Policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # Two-click embeds in lessons: loaded only after the viewer agrees (courses/embeds.py).
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
