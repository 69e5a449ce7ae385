"""Local development: `make run`. Debug on, e-mails printed to the console."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# `make run PORT=8811` passes PORT on: e-mailed links then lead to the port the site runs on.
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
# The demo accounts' password is public (README), so a second factor for them would protect
# nothing; staff may still add one at /accounts/2fa/. REQUIRE_MFA_FOR_STAFF=true tries the rule.
TANDEM_REQUIRE_MFA_FOR_STAFF = env_bool("REQUIRE_MFA_FOR_STAFF", False)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # security keys on http://127.0.0.1 during development
