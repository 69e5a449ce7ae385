"""A shared cache of whole pages for anonymous visitors, emptied by every publish.

Wagtail pages look the same to every visitor who is not signed in, so their rendered HTML is kept
in Django's cache (Redis in production: shared by every app server) and served without touching
the database. The rules, in the order they are checked:

- **What is served from the cache**: a GET or HEAD of a Wagtail page (the ``wagtail_serve`` URL)
  without a query string, from a visitor who is not signed in, sends no ``Authorization`` header
  and carries no cookie except the CSRF and language cookies (a session or a messages cookie, and
  any cookie we do not know, mean: render the page for this visitor). The key holds the address
  (scheme, host, path), the active language and the cache's *generation*.
- **What is stored**: a 200 answer to such a GET that sets no cookie, changed no session, queued no
  message, is not ``private``, ``no-store``, ``no-cache`` or ``max-age=0`` and varies on nothing
  but ``Cookie``. Answers to signed-in people are never stored (nor served from here), so a
  person's page cannot reach anyone else.
- **CSRF tokens**: every page carries the language switch, a POST form. Its token is replaced by
  a placeholder before the page is stored, and each visitor served from the cache gets a fresh
  token of their own (Django's ``get_token``, which also sets their CSRF cookie). A page that shows
  its token anywhere else is not stored.
- **Invalidation**: a new generation (a random value in the cache) after the commit of every change
  that can show on a public page: any page saved, published, unpublished, moved or deleted, view
  restrictions, sites, snippets, settings, images, documents, collections, users' names, and the
  models apps add with the ``register_page_cache_models`` hook. Entries of older generations are
  never read again and expire after ``TANDEM_PAGE_CACHE_SECONDS``. The generation is read once per
  request before the page is rendered, and renewed again after the change's commit, so a page
  rendered from data older than a change is never stored under the generation that follows it.

Settings: ``TANDEM_PAGE_CACHE`` (default ``True``; ``False`` turns it off) and
``TANDEM_PAGE_CACHE_SECONDS`` (default 600), the longest time a page is kept: the bound for
anything an invalidation does not cover (dates that pass, a Redis outage during a publish).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import conf

logger = logging.getLogger(__name__)
GENERATION_KEY = "tandem:page-cache:generation"
KEY_PREFIX = "tandem:page-cache:page"
HEADER = "X-Tandem-Page-Cache"
#: Answer headers the page cache keeps; everything else is added afresh by the middleware around
#: it (CSP with a new nonce, Vary, Content-Language, cookies).
KEPT_HEADERS = frozenset({"content-type", "x-frame-options", "link"})
REFUSED_CACHE_CONTROL = frozenset({"private", "no-store", "no-cache"})
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
CSRF_PLACEHOLDER = b"@@tandem-page-cache-csrf-token@@"
TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def enabled() -> bool:
    return bool(conf.get("PAGE_CACHE"))


def timeout() -> int:
    return int(conf.get("PAGE_CACHE_SECONDS"))


# --- Generation ---------------------------------------------------------------------------------


#: The generations as this request first read them ({key: generation}), for the code that asks
#: without the request at hand; forgotten when a request starts and ends and whenever this process
#: starts a new one.
_read_in_this_request: ContextVar[dict[str, str] | None] = ContextVar(
    "tandem_generations", default=None
)
#: Every generation key of the site (the page cache's, the permissions', each ``Scope``'s): a
#: request reads them together, in one round trip, the first time it needs any of them.
_generation_keys: dict[str, None] = {GENERATION_KEY: None}


def register_generation(key: str) -> None:
    _generation_keys[key] = None


def generation(request: HttpRequest | None = None) -> str | None:
    """The current generation, or None while the cache cannot be reached (then nothing is cached).
    With a request: read once, the first time it is asked for (before anything is rendered);
    without one, once per request as well."""
    if request is not None:
        if not hasattr(request, "_tandem_generation"):
            request._tandem_generation = generation()  # type: ignore[attr-defined]
        return request._tandem_generation  # type: ignore[attr-defined]
    return read_generation(GENERATION_KEY)


#: Set while a request is served (request_started … request_finished): outside requests (tasks,
#: commands, the shell) nothing is remembered and every call reads the shared cache.
_in_request: ContextVar[bool] = ContextVar("tandem_in_request", default=False)


def _request_started(**kwargs) -> None:
    _in_request.set(True)
    _read_in_this_request.set(None)


def _request_finished(**kwargs) -> None:
    _in_request.set(False)
    _read_in_this_request.set(None)


def forget_generations() -> None:
    """This request reads the generations afresh (after it has started a new one itself)."""
    _read_in_this_request.set(None)


def read_generation(key: str) -> str | None:
    """The generation kept under ``key`` (a first one is made when there is none), or None while
    the cache cannot be reached: then nothing is kept, everything is built or rendered. In a
    request, every registered generation is read with the first one asked for, and remembered
    until the request ends."""
    known = _read_in_this_request.get()
    if known is not None and key in known:
        return known[key]
    if not _in_request.get():
        found = _read_generations([key])
        return None if found is None else found[key]
    found = _read_generations(list({**_generation_keys, key: None}))
    if found is None:
        return None
    _read_in_this_request.set({**(known or {}), **found})
    return found[key]


def _read_generations(keys: list[str]) -> dict[str, str] | None:
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if found.get(key) is None]
        if missing:
            for key in missing:
                cache.add(key, uuid.uuid4().hex, None)
            found.update(cache.get_many(missing))
    except Exception:  # a cache that cannot be reached: pages are rendered, the site stays up
        logger.warning("Cache unavailable: generations not read", exc_info=True)
        return None
    if any(found.get(key) is None for key in keys):
        return None
    return found


def invalidate() -> None:
    """Start a new generation: every page stored so far is rendered again on its next visit."""
    _read_in_this_request.set(None)
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the entries expire after PAGE_CACHE_SECONDS
        logger.warning("Cache unavailable: the page cache could not be emptied", exc_info=True)


def invalidate_on_commit() -> None:
    """At once (this process sees the change) and again after the commit: a page rendered by
    another request while the change was not yet committed is stored under the generation in
    between, which is never read again."""
    invalidate()
    transaction.on_commit(invalidate)


# --- Requests and answers -----------------------------------------------------------------------


def _allowed_cookies() -> frozenset[str]:
    return frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    if "HTTP_AUTHORIZATION" in request.META or getattr(request, "is_preview", False):
        return False
    if not set(request.COOKIES) <= _allowed_cookies():
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "wagtail_serve":
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def page_key(request: HttpRequest, current_generation: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{KEY_PREFIX}:{current_generation}:{translation.get_language()}:{digest}"


def _cache_control(response: HttpResponse) -> dict[str, str]:
    parts = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _sep, value = part.strip().partition("=")
        if name:
            parts[name.lower()] = value
    return parts


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    control = _cache_control(response)
    if REFUSED_CACHE_CONTROL & set(control) or control.get("max-age") == "0":
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if vary - {"cookie"}:
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or (session.accessed and not session.is_empty())):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "_queued_messages", None):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _without_csrf_tokens(request: HttpRequest, content: bytes) -> tuple[bytes, bool] | None:
    """The page with its CSRF form fields emptied, whether it had any; None when something that
    may be the visitor's token shows elsewhere in it (then the page is not stored). Any other
    string shaped like a masked token counts: Django offers no public way to unmask one, and a
    page not stored costs only speed."""
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return content, False
    content, count = CSRF_FIELD.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\2", content)
    secret = request.META.get("CSRF_COOKIE", "")
    if secret and secret.encode() in content:
        return None
    if TOKEN_LIKE.search(content):
        return None
    return content, count > 0


def _entry(request: HttpRequest, response: HttpResponse) -> dict[str, Any] | None:
    if not _storable(request, response):
        return None
    stripped = _without_csrf_tokens(request, response.content)
    if stripped is None:
        return None
    content, has_csrf = stripped
    headers = [(name, value) for name, value in response.items() if name.lower() in KEPT_HEADERS]
    return {"content": content, "headers": headers, "csrf": has_csrf}


def _response(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    content = entry["content"]
    if entry["csrf"]:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in entry["headers"]:
        response[name] = value
    patch_vary_headers(response, ("Cookie",))
    response[HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serves and stores Wagtail pages for anonymous visitors (see the module's docstring).

    Place it after the session, CSRF, authentication, language and messages middleware: it
    answers from ``process_view``, so every middleware before it still adds its headers (a fresh
    CSP nonce, Vary, Content-Language, the visitor's CSRF cookie) to a cached page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_tandem_page_cache_key", None)
        if key is not None:
            entry = _entry(request, response)
            if entry is not None:
                try:
                    cache.set(key, entry, timeout())
                except Exception:  # the cache went away during the request
                    return response
                response[HEADER] = "miss"
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not enabled() or not cacheable_request(request):
            return None
        current = generation(request)
        if current is None:
            return None
        key = page_key(request, current)
        try:
            entry = cache.get(key)
        except Exception:  # the cache went away during the request
            return None
        if entry is None:
            request._tandem_page_cache_key = key  # type: ignore[attr-defined]
            return None
        return _response(request, entry)


# --- What invalidates -------------------------------------------------------------------------

_models: tuple[type, ...] | None = None


def invalidating_models() -> tuple[type, ...]:
    """Models whose changes can show on a public page (classes: subclasses count too)."""
    global _models
    if _models is None:
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from wagtail import hooks
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import (
            Collection,
            CollectionViewRestriction,
            Locale,
            Page,
            PageViewRestriction,
            Site,
        )
        from wagtail.snippets.models import get_snippet_models

        found: list[type] = [
            Page,
            PageViewRestriction,
            CollectionViewRestriction,
            Collection,
            Locale,
            Site,
            BaseSiteSetting,
            BaseGenericSetting,
            get_image_model(),
            get_document_model(),
            get_user_model(),
            apps.get_model("cms", "NavigationItem"),
            *get_snippet_models(),
        ]
        for hook in hooks.get_hooks("register_page_cache_models"):
            found.extend(hook())
        _models = tuple(found)
    return _models


# A login only stamps these fields: no public page shows them.
USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password"})


def _changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    if not isinstance(sender, type) or not issubclass(sender, invalidating_models()):
        return
    from django.contrib.auth import get_user_model

    if (
        issubclass(sender, get_user_model())
        and update_fields
        and set(update_fields) <= USER_FIELDS_NOT_SHOWN
    ):
        return
    invalidate_on_commit()


def _page_event(sender=None, **kwargs) -> None:
    invalidate_on_commit()


def connect() -> None:
    """Called from the app's ready(): every change above starts a new generation."""
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    request_started.connect(_request_started, dispatch_uid="tandem_page_cache_request_started")
    request_finished.connect(_request_finished, dispatch_uid="tandem_page_cache_request_finished")
    post_save.connect(_changed, dispatch_uid="tandem_page_cache_save")
    post_delete.connect(_changed, dispatch_uid="tandem_page_cache_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="tandem_page_cache_m2m")
    page_published.connect(_page_event, dispatch_uid="tandem_page_cache_published")
    page_unpublished.connect(_page_event, dispatch_uid="tandem_page_cache_unpublished")
    post_page_move.connect(_page_event, dispatch_uid="tandem_page_cache_moved")


def _m2m_changed(sender, instance=None, action="", **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, invalidating_models()):
        invalidate_on_commit()
