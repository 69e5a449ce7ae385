"""Hardening of the site.

- Content-Security-Policy (django-csp, ``CONTENT_SECURITY_POLICY`` in the settings) and
  Permissions-Policy, relaxed per path only where a page needs it: the Wagtail admin (inline
  scripts of its own), Redoc and DRF's browsable API (they add styles) and the video room (the
  chosen video provider, by default the organisation's Jitsi server, may load its script and frame
  there, and camera, microphone and screen sharing are allowed for it).
- The brute-force lockout (django-axes) on every login: ``LockoutBackend`` is the first
  authentication backend, the login form says in words what happened, and a new password (reset by
  e-mail) lifts the lockout.
- A second factor for staff: ``second_factor_missing`` with a per-person cache that signals keep
  current; ``lms.middleware.StaffSecondFactorMiddleware`` sends such people to the set-up pages.
- API throttles that read their rates at request time; scoped rates count writes only.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.signals import password_reset
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from axes.backends import AxesStandaloneBackend
from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from cms import outbox, ratelimit
from cms.ratelimit import client_ip as _client_ip
from video.security import VIDEO_ROOM_FEATURES, video_origins, video_room_views

from . import preferences

# --- Content-Security-Policy and Permissions-Policy ---------------------------------------------

# The Wagtail admin runs inline <script>s (listings, inline panels, date choosers, scripts that
# jQuery inserts); a nonce would switch 'unsafe-inline' off, so the admin gets none. Its styles work
# with 'self'. The image uploader previews files as blob: images; page previews are framed by the
# admin itself (and rendered for it: Wagtail marks such requests with is_preview).
ADMIN_POLICY = {
    "script-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-ancestors": [SELF],
}
# Redoc (styled-components) and DRF's browsable API add <style> elements; Redoc's search runs in a
# worker made from a blob. Scripts stay strict there too. Swagger UI needs nothing extra.
REDOC_POLICY = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
BROWSABLE_API_POLICY = {"style-src": [SELF, UNSAFE_INLINE]}
PATH_POLICIES = {"redoc": REDOC_POLICY, "browsable_api": BROWSABLE_API_POLICY}

# Powerful features nobody on the site needs; the video room gets the first group back for itself
# and the organisation's Jitsi server.
DENIED_FEATURES = (
    *VIDEO_ROOM_FEATURES,
    "geolocation",
    "payment",
    "usb",
    "serial",
    "hid",
    "midi",
    "accelerometer",
    "gyroscope",
    "magnetometer",
    "xr-spatial-tracking",
    "browsing-topics",
)


def jitsi_origin() -> str:
    """The first of :func:`video_origins` (the configured Jitsi server with the default provider),
    "" when there is none."""
    origins = video_origins()
    return origins[0] if origins else ""


def page_kind(request: HttpRequest, response: HttpResponse | None = None) -> str:
    """ "admin", "redoc", "browsable_api", "video_room" or "site": which policy a response gets."""
    if request.path_info.startswith(reverse("wagtailadmin_home")) or getattr(
        request, "is_preview", False
    ):
        return "admin"
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else ""
    if name == "api-redoc":
        return "redoc"
    if getattr(getattr(response, "accepted_renderer", None), "format", "") == "api":
        return "browsable_api"
    if name and name in video_room_views():
        return "video_room"
    return "site"


def permissions_policy(kind: str) -> str:
    origins = video_origins() if kind == "video_room" else ()
    directives = []
    for feature in DENIED_FEATURES:
        if kind == "video_room" and feature in VIDEO_ROOM_FEATURES:
            allowed = "self" + "".join(f' "{origin}"' for origin in origins)
            directives.append(f"{feature}=({allowed})")
        else:
            directives.append(f"{feature}=()")
    return ", ".join(directives)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware with the per-path policies above, a nonce in every HTML page's
    policy (for ``<script nonce="{{ request.csp_nonce }}">``) and the Permissions-Policy header."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(page_kind(request, response))
        return response

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        kind = page_kind(request, response)
        if kind == "admin":
            parts.replace = {**ADMIN_POLICY, **(parts.replace or {})}
            parts.nonce = None
            return parts
        if response.get("Content-Type", "").startswith("text/html") and hasattr(
            request, "csp_nonce"
        ):
            parts.nonce = str(request.csp_nonce)
        if kind in PATH_POLICIES:
            parts.replace = {**PATH_POLICIES[kind], **(parts.replace or {})}
        elif kind == "video_room" and (origins := video_origins()):
            update = dict(parts.update or {})
            for directive in ("script-src", "frame-src"):
                update[directive] = [*update.get(directive, []), *origins]
            parts.update = update
        return parts


# --- Lockout after wrong passwords (django-axes) ------------------------------------------------


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter; its rate limits count per client address as the lockout does, and its
    e-mails (sign-up, verification, password reset, security notices) go through the outbox: recorded
    with the account in the same transaction and sent by the worker, so these pages never fail
    because the mail server is down and no account is left without its mail."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        values = {"request": request, "email": email, "current_site": get_current_site(request)}
        values.update(context)
        message = self.render_mail(template_prefix, email, values)
        outbox.record_message(message, template=template_prefix)

    def get_client_ip(self, request: HttpRequest) -> str:
        address = _client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before every password check. Calls without a request (the shell, management
    commands, the test client's ``login``) are no login attempt from a client address and pass to
    the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    return _client_ip(request)


def login_identifier(request: HttpRequest, credentials: dict | None) -> str | None:
    """The e-mail address a login attempt is for, in one spelling (AXES_USERNAME_CALLABLE)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("email")
    return str(value).strip().lower() if value else None


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed login attempts. To protect the account, logging in with this e-mail address "
        "from your connection is blocked for %(minutes)d minute. Please try again later, or set a new "
        "password with “Forgot your password?”.",
        "Too many failed login attempts. To protect the account, logging in with this e-mail address "
        "from your connection is blocked for %(minutes)d minutes. Please try again later, or set a new "
        "password with “Forgot your password?”.",
        minutes,
    ) % {"minutes": minutes}


class LoginForm(AllauthLoginForm):
    """allauth's login form; when axes refuses the attempt it says so instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                self.request.tandem_lockout_shown = True
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login form with its message (429), else a page saying the same."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if original_response is not None and getattr(request, "tandem_lockout_shown", False):
        original_response.status_code = status
        return original_response
    if request.path_info.startswith("/api/"):
        # Imported here, not at the top: DRF imports this module while it starts.
        from .api_support import error_body

        return JsonResponse(
            error_body(status=status, code="locked_out", detail=lockout_message()), status=status
        )
    return render(
        request,
        "allauth/lockout.html",
        {"message": lockout_message(), "minutes": lockout_minutes()},
        status=status,
    )


@receiver(password_reset, dispatch_uid="tandem_reset_lockout_on_new_password")
def _new_password_lifts_the_lockout(sender, request, user, **kwargs) -> None:
    from axes.utils import reset

    if user.email:
        reset(username=user.email.strip().lower())


# --- A second factor for staff ------------------------------------------------------------------

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
FACTS_SECONDS = 300
_NO_SECOND_FACTOR_NEEDED = {"account_logout", "account_reauthenticate", "set_language", "healthz"}


def _facts_key(user_id) -> str:
    return f"tandem:second-factor:{user_id}"


def _facts(user) -> tuple[bool, bool]:
    """(in a staff group, has a second factor), cached per person; signals below forget the
    entry when groups, the account or its authenticators change."""
    key = _facts_key(user.pk)
    facts = cache.get(key)
    if facts is None:
        groups = getattr(settings, "TANDEM_MFA_STAFF_GROUPS", ())
        facts = (
            user.groups.filter(name__in=groups).exists(),
            Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists(),
        )
        cache.set(key, facts, FACTS_SECONDS)
    return facts


def needs_second_factor(user) -> bool:
    """Superusers, is_staff and members of the staff groups (TANDEM_MFA_STAFF_GROUPS)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or _facts(user)[0])


def second_factor_missing(user) -> bool:
    if not getattr(settings, "TANDEM_REQUIRE_MFA_FOR_STAFF", True) or not needs_second_factor(user):
        return False
    return not _facts(user)[1]


def second_factor_exempt(request: HttpRequest) -> bool:
    """What someone still setting up a second factor may use: the set-up pages themselves
    (allauth.mfa), confirming the password for them, logging out, the language switch, static and
    media files and the health check."""
    path = request.path_info
    if path.startswith(
        tuple(
            prefix
            for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
            if prefix and prefix.startswith("/")
        )
    ):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name in _NO_SECOND_FACTOR_NEEDED or match.func.__module__.startswith(
        "allauth.mfa."
    )


def second_factor_message() -> str:
    return _(
        "Your account has staff rights, so it needs a second factor before you can continue: an "
        "authenticator app or a security key."
    )


def second_factor_response(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        from .api_support import error_body

        return JsonResponse(
            error_body(status=403, code="second_factor_required", detail=second_factor_message()),
            status=403,
        )
    return redirect("mfa_index")


def _forget(*user_ids) -> None:
    cache.delete_many([_facts_key(user_id) for user_id in user_ids if user_id is not None])


User = get_user_model()


@receiver(post_save, sender=Authenticator, dispatch_uid="tandem_second_factor_authenticator_saved")
@receiver(
    post_delete, sender=Authenticator, dispatch_uid="tandem_second_factor_authenticator_deleted"
)
def _authenticator_changed(sender, instance, **kwargs) -> None:
    _forget(instance.user_id)


@receiver(post_save, sender=User, dispatch_uid="tandem_second_factor_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="tandem_second_factor_user_deleted")
def _user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _forget(instance.pk)


@receiver(
    m2m_changed, sender=User.groups.through, dispatch_uid="tandem_second_factor_groups_changed"
)
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:
        if action.startswith("post_"):
            _forget(instance.pk)
    elif action == "pre_clear":
        _forget(*instance.user_set.values_list("pk", flat=True))
    elif action.startswith("post_") and pk_set:
        _forget(*pk_set)


@receiver(post_save, sender=Group, dispatch_uid="tandem_second_factor_group_saved")
@receiver(pre_delete, sender=Group, dispatch_uid="tandem_second_factor_group_deleted")
def _group_changed(sender, instance, **kwargs) -> None:
    if instance.pk:
        _forget(*instance.user_set.values_list("pk", flat=True))


# --- API: throttles and token authentication ----------------------------------------------------


class _RatesFromSettings:
    """DRF reads the rates once at import; these read them per request (so settings overrides,
    e.g. in tests, take effect)."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as missing:
            raise ImproperlyConfigured(
                f"No rate for the throttle scope {self.scope!r} in "
                "REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']"
            ) from missing


class _ClientAddress:
    """Anonymous requests count per client address as the lockout sees it (cms.ratelimit.client_ip:
    X-Forwarded-For only from declared proxies), not by DRF's NUM_PROXIES."""

    def get_ident(self, request):
        return _client_ip(request) or "unknown"


class _AtomicCounter:
    """DRF's throttles keep a list of request times and write it back after reading it: concurrent
    requests on several processes overwrite each other's entries and a limit lets through more
    than it says. These count with the cache's atomic increment instead (cms.ratelimit.count)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self._wait = ratelimit.count(self.key, limit=self.num_requests, period=self.duration)
        return self._wait == 0

    def wait(self):
        return getattr(self, "_wait", None) or None


class AnonThrottle(_ClientAddress, _RatesFromSettings, _AtomicCounter, throttling.AnonRateThrottle):
    pass


class UserThrottle(_ClientAddress, _RatesFromSettings, _AtomicCounter, throttling.UserRateThrottle):
    pass


class WriteScopeThrottle(
    _ClientAddress, _RatesFromSettings, _AtomicCounter, throttling.ScopedRateThrottle
):
    """A view's ``throttle_scope`` (e.g. "booking"), counted for writes (POST, PUT, PATCH, DELETE)
    per person or client address; reading is limited by the anon and user rates only."""

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        # ScopedRateThrottle's own set-up (the view's scope and its rate), then the atomic count.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return _AtomicCounter.allow_request(self, request, view)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; a staff account without a second factor cannot use its token.
    The person's language and time zone are activated here: the middleware that does it for the
    pages runs before DRF knows who sent the token."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            preferences.activate_language(request._request, result[0])
            preferences.activate_time_zone(result[0])
        return result

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if second_factor_missing(user):
            raise exceptions.AuthenticationFailed(
                second_factor_message(), code="second_factor_required"
            )
        return user, token
