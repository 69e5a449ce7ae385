"""What every page needs and hardly ever changes, read once and kept in the shared cache: the site
for a host (with its home page), the site settings with the main navigation, the view
restrictions of the page tree, and whether a person may open the admin.

Entries are keyed by the page cache's generation (``cms.page_cache``), which every publish and
every change to sites, settings, snippets, images or view restrictions renews, so they are never
older than the content. Permissions have a generation of their own, renewed when groups,
permissions or a person's groups change. With a shared cache (Redis) every process sees a new
generation at once; with each process's own local-memory cache only the process that made the
change does, and the others within ``LOCAL_TIMEOUT`` seconds."""

from __future__ import annotations

import hashlib
import logging
import pickle
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port

from . import page_cache

logger = logging.getLogger(__name__)
TIMEOUT = 3600
#: With a cache of each process's own (no REDIS_URL), a change made through one process reaches
#: the others only when their entry expires: keep it short there.
LOCAL_TIMEOUT = 60
PERMISSIONS_KEY = "tandem:site-cache:permissions-generation"
page_cache.register_generation(PERMISSIONS_KEY)


def timeout() -> int:
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    return LOCAL_TIMEOUT if isinstance(caches["default"], LocMemCache) else TIMEOUT


class _NearCache:
    """This process's copies of the shared entries of the current generation, as pickled bytes:
    each request gets objects of its own (nothing one request sets on a page or a site reaches the
    next), without a round trip to Redis. Emptied as soon as a request sees a new generation (which
    every request reads from the shared cache first), so it is never older than the shared cache."""

    LIMIT = 2000  # entries; beyond it the copies start again (a site has far fewer)

    def __init__(self) -> None:
        self.generation: str | None = None
        self.entries: dict[str, bytes] = {}

    def get(self, current: str, name: str) -> Any:
        if current != self.generation:
            self.generation, self.entries = current, {}
            return None
        data = self.entries.get(name)
        return None if data is None else pickle.loads(data)  # noqa: S301 - our own bytes

    def put(self, current: str, name: str, value: Any) -> None:
        if current != self.generation or len(self.entries) >= self.LIMIT:
            self.generation, self.entries = current, {}
        try:
            self.entries[name] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            logger.warning("Not kept in this process: %s cannot be pickled", name)


_near = _NearCache()


def _near_cache_in_use() -> bool:
    """Only in front of a shared cache: a local-memory cache is this process's own already."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    return not isinstance(caches["default"], LocMemCache)


def _read(near: _NearCache, prefix: str, current: str, name: str) -> Any:
    """A value kept under ``name`` for generation ``current``: this process's copy, else the
    shared cache's (then copied here); None when neither has it or the cache is away."""
    in_use = _near_cache_in_use()
    if in_use:
        value = near.get(current, name)
        if value is not None:
            return value
    try:
        value = cache.get(f"{prefix}:{current}:{name}")
    except Exception:  # the cache went away during the request
        return None
    if value is not None and in_use:
        near.put(current, name, value)
    return value


def _write(near: _NearCache, prefix: str, current: str, name: str, value: Any, seconds: int):
    try:
        cache.set(f"{prefix}:{current}:{name}", value, seconds)
    except Exception:
        logger.warning("Cache unavailable: %s is built again next time", name)
    if _near_cache_in_use():
        near.put(current, name, value)


PREFIX = "tandem:site-cache"


def lookup(request: HttpRequest | None, name: str) -> Any:
    """The value kept under ``name`` for the current generation (see ``cached``), or None."""
    current = page_cache.generation(request)
    return None if current is None else _read(_near, PREFIX, current, name)


def store(request: HttpRequest | None, name: str, value: Any) -> None:
    current = page_cache.generation(request)
    if current is not None:
        _write(_near, PREFIX, current, name, value, timeout())


def cached(request: HttpRequest | None, name: str, build) -> Any:
    """``build()``, kept for the current generation of the page cache: in this process (see
    ``_NearCache``) and in the shared cache. For data every visitor sees alike that only changes
    with content (pages, snippets, settings, restrictions); never for anything about a person.
    ``build`` must not return None."""
    if page_cache.generation(request) is None:
        return build()
    value = lookup(request, name)
    if value is None:
        value = build()
        store(request, name, value)
    return value


# --- Scopes: values kept until something in their scope changes ---------------------------------


class Scope:
    """Values derived from one kind of data (a mentor's availability, say), kept in the shared
    cache and in this process until anything of that kind changes: ``renew_on_commit()`` (from the
    app's signal receivers) starts a new generation of the scope, which every process reads from
    the shared cache before it uses a value. Without a reachable cache every value is built."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.key = f"tandem:scope:{name}:generation"
        self._near = _NearCache()
        page_cache.register_generation(self.key)

    def generation(self) -> str | None:
        return page_cache.read_generation(self.key)

    def renew(self) -> None:
        page_cache.forget_generations()
        try:
            cache.set(self.key, uuid.uuid4().hex, None)
        except Exception:
            logger.warning("Cache unavailable: %s kept until it expires", self.name)

    def renew_on_commit(self, **kwargs) -> None:
        """At once and again after the commit (a value built from the data before the change,
        while it was not yet committed, is kept under the generation in between)."""
        self.renew()
        transaction.on_commit(self.renew)

    def cached(self, name: str, build, *, seconds: int = TIMEOUT) -> Any:
        """``build()`` for the scope's current generation; ``build`` must not return None."""
        current = self.generation()
        if current is None:
            return build()
        prefix = f"tandem:scope:{self.name}"
        value = _read(self._near, prefix, current, name)
        if value is None:
            value = build()
            _write(self._near, prefix, current, name, value, min(seconds, timeout()))
        return value


class Generations:
    """A generation for each item of one kind (each person's sessions, say), so that values built
    from a few items are kept until one of those items changes, whatever happens to the others:
    put ``current(items)`` into the value's name, and call ``renew_on_commit(items)`` from the
    receivers of every change. None while the cache cannot be reached (then build everything)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _key(self, item: object) -> str:
        return f"tandem:generations:{self.name}:{item}"

    def current(self, items: list) -> tuple[str, ...] | None:
        keys = [self._key(item) for item in items]
        try:
            found = cache.get_many(keys)
            missing = [key for key in keys if key not in found]
            if missing:
                for key in missing:
                    cache.add(key, uuid.uuid4().hex, None)
                found.update(cache.get_many(missing))
        except Exception:
            logger.warning("Cache unavailable: %s generations not read", self.name)
            return None
        values = tuple(found.get(key) for key in keys)
        return None if None in values else values  # type: ignore[return-value]

    def renew(self, items: list) -> None:
        try:
            cache.set_many({self._key(item): uuid.uuid4().hex for item in items}, None)
        except Exception:
            logger.warning("Cache unavailable: %s kept until they expire", self.name)

    def renew_on_commit(self, items: list) -> None:
        """At once and again after the commit (see ``Scope.renew_on_commit``)."""
        items = list(items)
        self.renew(items)
        transaction.on_commit(lambda: self.renew(items))


# --- Shared fragments of pages ({% shared_fragment %}) --------------------------------------------


def fragment_name(request: HttpRequest, name: str, vary_on: list[str]) -> str:
    """The cache name of a fragment: its name and values, the site, language and time zone."""
    from django.utils import timezone, translation

    site = getattr(request, "_wagtail_site", None)
    parts = [
        name,
        str(getattr(site, "pk", "-")),
        translation.get_language() or "-",
        timezone.get_current_timezone_name(),
        *vary_on,
    ]
    return "fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def shareable_fragment(request: HttpRequest, html: str) -> bool:
    """Whether a rendered fragment may be kept for everyone: not when it shows anything shaped
    like a CSRF token (a form of the person's), nor the person's session key."""
    content = html.encode()
    if page_cache.TOKEN_LIKE.search(content):
        return False
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    return not (key and key.encode() in content)


# --- The site of a request ----------------------------------------------------------------------


def find_site(request: HttpRequest):
    """``Site.find_for_request`` from the cache, its root page already in its specific form (so
    routing starts without a query). Stored on the request as Wagtail does."""
    from wagtail.models import Site

    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    hostname = split_domain_port(request.get_host())[0]
    port = request.get_port()

    def build():
        site = Site._find_for_request(request)
        if site is None:
            return False  # cached as "no site"
        site.root_page = site.root_page.specific
        return site

    site = cached(request, f"site:{hostname}:{port}", build) or None
    request._wagtail_site = site  # type: ignore[attr-defined]
    return site


def page_url(request: HttpRequest | None, page) -> str:
    """The page's address as Wagtail's ``pageurl`` writes it, without Wagtail's table of every
    site's root (one read of the shared cache per request, and a walk over it per link): a page
    under the request's site root is linked relative to it, as Wagtail does for the site a request
    is on; any other page (another site, no site, no request), a page type that makes its own
    addresses and every page of a site with Wagtail's localisation are asked of Wagtail."""
    from django.conf import settings
    from django.urls import reverse
    from wagtail.models import Page

    site = find_site(request) if request is not None else None
    root = site.root_page.url_path if site is not None else None
    url_path = getattr(page, "url_path", None) or ""
    if (
        root is None
        or not url_path.startswith(root)
        or type(page).get_url_parts is not Page.get_url_parts
        or getattr(settings, "WAGTAIL_I18N_ENABLED", False)
    ):
        return page.get_url(request=request) or ""
    address = reverse("wagtail_serve", args=(url_path[len(root) :],))
    if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and address != "/":
        address = address.rstrip("/")
    return address


class CachedSiteMiddleware:
    """Looks up the site of every page request in the cache (see ``find_site``); the admin and
    the API, which serve no Wagtail pages, look it up themselves when they need it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        from django.urls import reverse

        path = request.path_info
        if not path.startswith((reverse("wagtailadmin_home"), "/api/")):
            find_site(request)
        return self.get_response(request)


# --- Site settings and navigation ---------------------------------------------------------------


def site_settings(request: HttpRequest):
    """The request's site settings with logo (and its renditions), legal pages and main
    navigation (``navigation_entries``: title, URL, page id) loaded."""
    from django.apps import apps
    from django.db.models import prefetch_related_objects

    SiteSettings = apps.get_model("cms", "SiteSettings")  # cms.models builds on this module

    site = find_site(request)
    if site is None:
        return SiteSettings(organisation_name="Tandem")

    def build():
        settings = SiteSettings.for_site(site)
        if settings.logo is not None:
            prefetch_related_objects([settings.logo], "renditions")
        entries = []
        if settings.pk:
            for item in settings.navigation_items.select_related("page").order_by("sort_order"):
                url = item.page.get_url(request=request) if item.page_id else item.url
                if url:
                    entries.append({"title": item.title, "url": url})
        settings.navigation_entries = entries
        return settings

    return cached(request, f"settings:{site.pk}", build)


# --- View restrictions --------------------------------------------------------------------------


def view_restriction_ids(page) -> list[int]:
    """The ids of the view restrictions on ``page`` and its ancestors (an alias counts with its
    source page, as in ``Page.get_view_restrictions``), from a map of the whole tree's
    restrictions: no query while the map is cached."""
    from wagtail.models import PageViewRestriction

    from .pages import get_base_page_model

    Page = get_base_page_model()  # the site's page model (Wagtail's, or a swapped one)

    def build():
        restricted: dict[str, list[int]] = {}
        for restriction_id, path in PageViewRestriction.objects.values_list("pk", "page__path"):
            restricted.setdefault(path, []).append(restriction_id)
        aliases = dict(
            Page.objects.filter(alias_of__isnull=False).values_list("path", "alias_of__path")
        )
        return {"restricted": restricted, "aliases": aliases}

    tree = cached(None, "view-restrictions", build)
    restricted, aliases = tree["restricted"], tree["aliases"]
    step = Page.steplen
    ids: list[int] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        while path in aliases and path not in seen:
            seen.add(path)
            path = aliases[path]
        ids.extend(restricted.get(path, ()))

    for length in range(step, len(page.path) + 1, step):
        add(page.path[:length])
    return ids


class CachedViewRestrictionsMixin:
    """A page whose ``get_view_restrictions`` reads the cached map above: Wagtail's check before
    serving (and ``.exists()`` on it) costs no query on an unrestricted page."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        return PageViewRestriction.objects.filter(pk__in=view_restriction_ids(self))


# --- Access to the admin ------------------------------------------------------------------------


def _permissions_generation() -> str | None:
    """None while the cache cannot be reached: then the database is asked."""
    return page_cache.read_generation(PERMISSIONS_KEY)


def forget_permissions(*args, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a login changes nobody's permissions
    page_cache.forget_generations()
    try:
        cache.set(PERMISSIONS_KEY, uuid.uuid4().hex, None)
    except Exception:  # entries expire after timeout()
        logger.warning("Cache unavailable: cached admin access kept until it expires")


_admin_access = _NearCache()


def can_access_admin(user) -> bool:
    """``user.has_perm("wagtailadmin.access_admin")``, cached per person until groups,
    permissions or the account change (in this process too, for the permissions' generation)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    current = _permissions_generation()
    if current is None:
        return user.has_perm("wagtailadmin.access_admin")
    name = f"admin-access:{user.pk}"
    allowed = _admin_access.get(current, name)
    if allowed is not None:
        return allowed
    key = f"tandem:site-cache:admin-access:{current}:{user.pk}"
    allowed = cache.get(key)
    if allowed is None:
        allowed = user.has_perm("wagtailadmin.access_admin")
        cache.set(key, allowed, timeout())
    _admin_access.put(current, name, allowed)
    return allowed


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    User = get_user_model()
    for sender in (Group, Permission, User):
        post_save.connect(forget_permissions, sender=sender, dispatch_uid=f"tandem_perm_{sender}")
        post_delete.connect(
            forget_permissions, sender=sender, dispatch_uid=f"tandem_perm_del_{sender}"
        )
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            forget_permissions, sender=through, dispatch_uid=f"tandem_m2m_{through}"
        )
