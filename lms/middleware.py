from django.utils.cache import patch_cache_control, patch_vary_headers

from . import preferences, security


class UserLanguageMiddleware:
    """The visitor's language (lms.preferences.activate_language); API requests with a token are
    authenticated only later, by DRF, whose token authentication activates the person's own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        preferences.activate_language(request, getattr(request, "user", None))
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class UserTimezoneMiddleware:
    """Show dates and times in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        preferences.activate_time_zone(getattr(request, "user", None))
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
