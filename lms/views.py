from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from cms import outbox
from cms.errors import add_to_form
from mentoring.models import Application, ConsentRecord, Programme

from . import services
from .api_support import error_body
from .forms import ErasureConfirmForm, ProfileForm
from .me import me_sections
from .models import ErasureRequest


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: database, cache, task queue, media storage,
    pending migrations, and the outbox: its backlog and the age of the oldest unsent e-mail (503
    when it waits longer than TANDEM_OUTBOX_MAX_PENDING_AGE: mail is not going out)."""
    checks: dict[str, str] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = "error"
    try:
        probe = get_random_string(12)
        key = f"healthz:{probe}"  # one key per probe: concurrent probes must not read each other's
        cache.set(key, probe, 10)
        checks["cache"] = "ok" if cache.get(key) == probe else "error"
        cache.delete(key)
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    checks["queue"] = _queue_status()
    checks["storage"] = _storage_status()
    if checks["database"] == "ok":
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            checks["migrations"] = "ok" if not plan else "pending"
        except Exception:  # noqa: BLE001
            checks["migrations"] = "error"
    else:
        checks["migrations"] = "unknown"
    body: dict = {}
    if checks["database"] == "ok" and checks["migrations"] == "ok":
        try:
            backlog = outbox.backlog()
            checks["outbox"] = "late" if backlog.pop("late") else "ok"
            body["outbox"] = backlog
        except Exception:  # noqa: BLE001
            checks["outbox"] = "error"
    else:
        checks["outbox"] = "unknown"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, **body},
        status=200 if healthy else 503,
    )


def _queue_status() -> str:
    """The task queue answers: Redis for RQ workers; the database backend shares the database."""
    if getattr(settings, "TASK_BACKEND", "") != "rq":
        return "ok"
    try:
        import django_rq

        return "ok" if django_rq.get_connection("default").ping() else "error"
    except Exception:  # noqa: BLE001
        return "error"


def _storage_status() -> str:
    """Media and private files are reachable (on disk or in the object store)."""
    from django.core.files.storage import default_storage, storages

    try:
        default_storage.exists("healthz")
        if "private" in settings.STORAGES:
            storages["private"].exists("healthz")
    except Exception:  # noqa: BLE001
        return "error"
    return "ok"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the site language; a signed-in person's choice is also kept for e-mails."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            httponly=True,
        )
        if request.user.is_authenticated and request.user.language != language:
            services.user_update_preferences(user=request.user, language=language)
    return response


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("wagtailadmin_home")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(request, "lms/me.html", {"sections": me_sections(request)})


@login_required
def me_profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=request.user, **form.cleaned_data)
        with translation.override(request.user.language):  # confirm in the language just chosen
            messages.success(request, _("Your profile has been saved."))
        response = redirect("me-profile")
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(request, "lms/me_profile.html", {"form": form})


@login_required
def me_api_token(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.api_token_revoke(user=request.user)
            messages.success(request, _("Your API token has been deleted."))
            return redirect("me-api-token")
        token = services.api_token_rotate(user=request.user)
        new_key = token.key
        messages.success(
            request, _("A new API token has been created. Copy it now: it is shown only once.")
        )
    return render(request, "lms/me_api_token.html", {"token": token, "new_key": new_key})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            error_body(status=404, code="not_found", detail=_("Not found.")), status=404
        )
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            error_body(status=500, code="server_error", detail=_("An unexpected error occurred.")),
            status=500,
        )
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            error_body(
                status=403,
                code="permission_denied",
                detail=_("You do not have permission to do this."),
            ),
            status=403,
        )
    return render(request, "403.html", status=403)


MENTORING_PURPOSE = "mentoring-programme:"


def _consents_with_labels(user) -> list[ConsentRecord]:
    """The person's consent history, each with ``purpose_label``: what the consent was for in
    words ("Mentoring programme “…”"), never the internal key it is stored under."""
    consents = list(ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-pk"))
    slugs = {
        consent.purpose.removeprefix(MENTORING_PURPOSE)
        for consent in consents
        if consent.purpose.startswith(MENTORING_PURPOSE)
    }
    titles = (
        dict(Programme.objects.filter(slug__in=slugs).values_list("slug", "title")) if slugs else {}
    )
    for consent in consents:
        slug = consent.purpose.removeprefix(MENTORING_PURPOSE)
        if consent.purpose.startswith(MENTORING_PURPOSE):
            consent.purpose_label = _("Mentoring programme “%(programme)s”") % {
                "programme": titles.get(slug, slug)
            }
        else:
            consent.purpose_label = _("Other purpose (%(purpose)s)") % {"purpose": consent.purpose}
    return consents


@login_required
def me_privacy(request: HttpRequest) -> HttpResponse:
    """Rights of the data subject: export (Art. 15/20) and erasure with a cool-off (Art. 17)."""
    form = ErasureConfirmForm(
        request.POST if request.POST.get("action") == "erase" else None, user=request.user
    )
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            services.erasure_cancel(user=request.user)
            messages.success(request, _("Your account stays. The deletion has been cancelled."))
            return redirect("me-privacy")
        if form.is_valid():
            try:
                erasure = services.erasure_request(user=request.user)
            except services.PrivacyError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Your account will be deleted on %(due)s. You can cancel until then.")
                    % {"due": date_format(timezone.localtime(erasure.due_at), "DATETIME_FORMAT")},
                )
                return redirect("me-privacy")
    pending = ErasureRequest.objects.filter(
        user=request.user, cancelled_at__isnull=True, completed_at__isnull=True
    ).first()
    return render(
        request,
        "lms/me_privacy.html",
        {
            "form": form,
            "pending": pending,
            "cool_off_days": services.erasure_cool_off().days,
            "consents": _consents_with_labels(request.user),
            "withdrawable": (
                Application.objects.filter(user=request.user)
                .exclude(status=Application.Status.WITHDRAWN)
                .select_related("programme", "consent")
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def me_privacy_export(request: HttpRequest) -> HttpResponse:
    archive = services.personal_data_export(user=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="meine-daten-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    response["Cache-Control"] = "no-store"
    return response
