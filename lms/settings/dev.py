"""Local development: `make run`. Debug on, e-mails printed to the console."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# The demo accounts' password is public (README), so a second factor for them would protect
# nothing; staff may still add one at /accounts/2fa/. REQUIRE_MFA_FOR_STAFF=true tries the rule.
TANDEM_REQUIRE_MFA_FOR_STAFF = env_bool("REQUIRE_MFA_FOR_STAFF", False)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # security keys on http://127.0.0.1 during development
