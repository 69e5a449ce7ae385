import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import security

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """German first: the language is the visitor's explicit choice (cookie), else the signed-in
    user's preference, else LANGUAGE_CODE. The browser's Accept-Language is deliberately not
    consulted, so staff with an English browser still see the organisation's German site
    until they choose otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED_LANGUAGES:
            user = getattr(request, "user", None)
            language = getattr(user, "language", None) if user and user.is_authenticated else None
        if language not in SUPPORTED_LANGUAGES:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class UserTimezoneMiddleware:
    """Show dates and times in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", None) if user and user.is_authenticated else None
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Staff (superusers, is_staff, the groups in TANDEM_MFA_STAFF_GROUPS) without a second factor
    are sent to the set-up pages (allauth.mfa) until they have one; the API answers 403. Only the
    set-up pages, logging out, the language switch and static files stay open
    (lms.security.second_factor_exempt). TANDEM_REQUIRE_MFA_FOR_STAFF=False switches this off.

    Logging in with a second factor is allauth's part: whoever has one is asked for it at login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and security.second_factor_missing(user):
            request.tandem_second_factor_required = True
            if not security.second_factor_exempt(request):
                return security.second_factor_response(request)
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in person (a session or an
    API token: DRF hands its user to the request) and on personal addresses reached by a secret in
    the URL (calendar feeds), unless a view marked its answer ``public`` on purpose. Browsers and
    shared caches then keep no copy of personal pages, files, API data or the video room's token."""

    PERSONAL_BY_SECRET = {"mentoring:calendar-feed"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._personal(request) and not self._public(response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _personal(self, request) -> bool:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            return True
        match = getattr(request, "resolver_match", None)
        return match is not None and match.view_name in self.PERSONAL_BY_SECRET

    @staticmethod
    def _public(response) -> bool:
        return "public" in {
            part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")
        }
