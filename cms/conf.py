"""Settings of cms, the shared base of Tandem's plugins; read when used, with these defaults
(unset, ``None`` or ``""``: the default; see ``AppSettings``, which every app's ``conf`` uses).

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
TANDEM_FILE_OBJECT_STORE_PREFIX the internal location that proxies the object store, for files
                                in object storage (default "/protected-object-store/")
TANDEM_OUTBOX_MAX_PENDING_AGE   seconds the oldest unsent e-mail may wait before /healthz/ answers
                                503 (default 3600)
TANDEM_OUTBOX_MAX_ATTEMPTS      sending attempts before an e-mail counts as failed for good while
                                the mail server keeps failing temporarily (default 12)
TANDEM_OUTBOX_RETRY_SECONDS     the first wait after a temporary failure; it doubles with every
                                attempt, up to six hours (default 60)
TANDEM_OUTBOX_STALE_SECONDS     an e-mail still "being sent" after this long (its worker died) is
                                sent again by the next sweep (default 300)
TANDEM_PAGE_CACHE               keep Wagtail pages for anonymous visitors in the shared cache,
                                emptied by every publish (cms.page_cache; default True)
TANDEM_PAGE_CACHE_SECONDS       the longest time such a page is kept (default 600)
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings


class AppSettings:
    """An app's settings ``<prefix><NAME>``, read from Django's settings when asked (so
    ``override_settings`` works), with documented defaults.

    A setting that is absent, ``None`` or the empty string ``""`` counts as unset and gives its
    default: an environment variable left empty in a deployment means "use the default", never "turn
    this off". To turn something off, use its documented off value (``False``, ``0``, ``{}``).
    A default may be a function without arguments, called when the default is needed (e.g. one made
    from another setting)."""

    def __init__(self, prefix: str, defaults: Mapping[str, Any]):
        self.prefix = prefix
        self.defaults = dict(defaults)

    def is_set(self, name: str) -> bool:
        if name not in self.defaults:
            raise KeyError(f"{self.prefix}{name} is not a setting of this app")
        return getattr(settings, f"{self.prefix}{name}", None) not in (None, "")

    def get(self, name: str) -> Any:
        if self.is_set(name):
            return getattr(settings, f"{self.prefix}{name}")
        default = self.defaults[name]
        return default() if callable(default) else default


DEFAULTS = {
    "BASE_TEMPLATE": "base.html",
    "RETENTION": {},
    "RATE_LIMITS": {},
    "TRUSTED_PROXY_COUNT": 0,
    "TRUSTED_PROXIES": [],
    "FILE_DELIVERY": "django",
    "FILE_INTERNAL_PREFIX": "/protected-media/",
    "FILE_OBJECT_STORE_PREFIX": "/protected-object-store/",
    "OUTBOX_MAX_PENDING_AGE": 3600,
    "OUTBOX_MAX_ATTEMPTS": 12,
    "OUTBOX_RETRY_SECONDS": 60,
    "OUTBOX_STALE_SECONDS": 300,
    "PAGE_CACHE": True,
    "PAGE_CACHE_SECONDS": 600,
}

cms_settings = AppSettings("TANDEM_", DEFAULTS)
get = cms_settings.get
is_set = cms_settings.is_set
