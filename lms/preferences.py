"""A signed-in person's language and time zone, activated for the request: by the middleware for
visitors of the pages (session login) and by the API's token authentication, which DRF runs only
after every middleware."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


def supported_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def activate_language(request, user) -> str:
    """German first: the language is the visitor's explicit choice (cookie), else the signed-in
    user's preference, else LANGUAGE_CODE. The browser's Accept-Language is deliberately not
    consulted, so staff with an English browser still see the organisation's German site
    until they choose otherwise."""
    supported = supported_languages()
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in supported:
        language = getattr(user, "language", None) if user and user.is_authenticated else None
    if language not in supported:
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def activate_time_zone(user) -> None:
    """Dates and times in the signed-in user's own zone, else the site's (TIME_ZONE)."""
    name = getattr(user, "time_zone", None) if user and user.is_authenticated else None
    try:
        timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
