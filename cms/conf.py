"""Settings of cms, the shared base of Tandem's plugins; read when used, with these defaults.

TANDEM_BASE_TEMPLATE            the site's base template that Tandem's pages extend, through
                                tandem/base.html and the context processor
                                cms.context_processors.tandem (default "base.html")
TANDEM_RETENTION                retention periods in days by rule name, overriding each app's
                                defaults (see the PRIVACY.md files; default {})
TANDEM_RATE_LIMITS              per-view rate limits by scope, e.g. {"booking": "30/hour"}
                                (default {}: no limits)
TANDEM_TRUSTED_PROXY_COUNT      reverse proxies in front of the site whose X-Forwarded-For is
                                believed (default 0)
TANDEM_TRUSTED_PROXIES          addresses or networks of those proxies; X-Forwarded-For is
                                believed only on connections from them (default [])
TANDEM_FILE_DELIVERY            how protected files are sent: "django", "x-accel-redirect" or
                                "x-sendfile" (default "django")
TANDEM_FILE_INTERNAL_PREFIX     the internal location for X-Accel-Redirect
                                (default "/protected-media/")
"""

from django.conf import settings

DEFAULTS = {
    "BASE_TEMPLATE": "base.html",
    "RETENTION": {},
    "RATE_LIMITS": {},
    "TRUSTED_PROXY_COUNT": 0,
    "TRUSTED_PROXIES": [],
    "FILE_DELIVERY": "django",
    "FILE_INTERNAL_PREFIX": "/protected-media/",
}


def get(name: str):
    """``settings.TANDEM_<name>``, or its default when unset or empty."""
    value = getattr(settings, f"TANDEM_{name}", None)
    return DEFAULTS[name] if value in (None, "") else value


def is_set(name: str) -> bool:
    return getattr(settings, f"TANDEM_{name}", None) not in (None, "")
