from django.utils.cache import patch_vary_headers

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
