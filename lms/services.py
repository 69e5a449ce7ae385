import io
import json
import zipfile
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from cms import audit
from cms.errors import ServiceError
from cms.pseudonyms import keyed_id

from .models import ErasureRequest, User

PREFERENCE_FIELDS = {"first_name", "last_name", "language", "time_zone"}


@transaction.atomic
def user_update_preferences(*, user: User, **changes: str) -> User:
    unknown = set(changes) - PREFERENCE_FIELDS
    if unknown:
        raise ValueError(f"Not a preference: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user


@transaction.atomic
def api_token_rotate(*, user: User) -> Token:
    """Replace the person's API token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


# --- Data protection: export and erasure (driven by the inventory in each app's privacy.py) -------

ERASURE_ALREADY_REQUESTED = _("The deletion of this account is already requested.")
NOT_ERASABLE = _("Accounts with administrator rights cannot be deleted this way.")


def erasure_cool_off() -> timedelta:
    return timedelta(days=getattr(settings, "TANDEM_ERASURE_COOL_OFF_DAYS", 14))


def _reference(user: User) -> str:
    return keyed_id(f"erasure:{user.pk}", length=32)


class PrivacyError(ServiceError):
    """A rule of personal data export or erasure was not met (see ``cms.errors``)."""


def personal_data_export(*, user: User) -> bytes:
    """A ZIP with all the person's data as JSON (machine-readable) and HTML (readable)."""
    from django.template.loader import render_to_string

    from cms import privacy

    sections = privacy.export_person(user)
    exported_at = timezone.now()
    document = {"exported_at": exported_at.isoformat(), "account": user.email, "sections": sections}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "daten.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
        archive.writestr(
            "daten.html",
            render_to_string(
                "lms/privacy_export.html",
                {"sections": sections, "exported_at": exported_at, "account": user},
            ),
        )
    audit.record(action="privacy.export", by=user, subject=user)
    return buffer.getvalue()


@transaction.atomic
def erasure_request(*, user: User, by: User | None = None, now=None) -> ErasureRequest:
    now = now or timezone.now()
    if user.is_superuser:
        raise PrivacyError(NOT_ERASABLE, code="not_erasable")
    if ErasureRequest.objects.filter(
        user=user, cancelled_at__isnull=True, completed_at__isnull=True
    ).exists():
        raise PrivacyError(ERASURE_ALREADY_REQUESTED, code="already_requested")
    request = ErasureRequest.objects.create(
        user=user,
        reference=_reference(user),
        by_staff=by is not None and by != user,
        due_at=now + erasure_cool_off(),
    )
    audit.record(
        action="privacy.erasure_requested",
        by=by or user,
        subject=user,
        target=f"erasure {request.pk}",
    )
    return request


@transaction.atomic
def erasure_cancel(*, user: User, now=None) -> int:
    now = now or timezone.now()
    cancelled = ErasureRequest.objects.filter(
        user=user, cancelled_at__isnull=True, completed_at__isnull=True
    ).update(cancelled_at=now)
    if cancelled:
        audit.record(action="privacy.erasure_cancelled", by=user, subject=user)
    return cancelled


@transaction.atomic
def erasure_carry_out(*, request: ErasureRequest, now=None) -> ErasureRequest:
    """Erase or anonymise every personal field the inventory lists; statistics stay intact."""
    from cms import privacy

    now = now or timezone.now()
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if not request.open or request.user is None:
        return request
    user = request.user
    audit.record(action="privacy.erased", subject=user, target=f"erasure {request.pk}")
    counts = privacy.erase_person(user)
    request.completed_at, request.counts, request.user = now, counts, None
    request.save(update_fields=["completed_at", "counts", "user"])
    return request


def erasures_due(*, now=None) -> list[ErasureRequest]:
    now = now or timezone.now()
    return list(
        ErasureRequest.objects.filter(
            due_at__lte=now,
            cancelled_at__isnull=True,
            completed_at__isnull=True,
            user__isnull=False,
        )
    )
