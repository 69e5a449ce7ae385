"""Personal data of accounts: the user, e-mail addresses, second factors, tokens, sessions and
what Wagtail keeps about editors. See cms/privacy.py for how the inventory works."""

import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session as LoginSession
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.privacy import (
    DELETE,
    KEEP,
    Personal,
    Record,
    register,
    register_erasure_hook,
    register_retention,
    retention_days,
)

ACCOUNT = _("as long as the account exists")


def _erased_email(user) -> str:
    return f"geloescht-{secrets.token_hex(8)}@invalid.example"


register(
    Record(
        "lms.User",
        subject=("pk",),
        title=_("account"),
        personal={
            "first_name": Personal(
                _("first name"),
                _(
                    "addressing you and showing your name to tandem partners, "
                    "trainers and on certificates"
                ),
                ACCOUNT,
            ),
            "last_name": Personal(_("last name"), _("as for the first name"), ACCOUNT),
            "email": Personal(
                _("e-mail address"),
                _("login and messages about your courses and sessions"),
                ACCOUNT,
                erased=_erased_email,
            ),
            "password": Personal(
                _("password (stored only as a hash)"),
                _("login"),
                ACCOUNT,
                export=False,
                erased=lambda user: make_password(None),
            ),
            "last_login": Personal(
                _("time of the last login"), _("security"), ACCOUNT, erased=None
            ),
            "date_joined": Personal(
                _("date of registration"), _("statistics of registrations"), ACCOUNT, erased=KEEP
            ),
            "is_active": Personal(
                _("account active"), _("login"), ACCOUNT, export=False, erased=False
            ),
        },
        members={
            "groups": Personal(
                _("your roles on the site (groups)"),
                _("access to the editing and administration areas"),
                ACCOUNT,
            ),
            "user_permissions": Personal(
                _("permissions given to you individually"),
                _("access to the editing and administration areas"),
                ACCOUNT,
            ),
        },
        other=("id", "is_superuser", "is_staff", "language", "time_zone"),
    ),
    Record(
        "lms.ErasureRequest",
        subject=("user",),
        title=_("requests to delete the account"),
        personal={
            "requested_at": Personal(
                _("requested on"),
                _("carrying out your request"),
                _("kept without your name"),
                erased=KEEP,
            ),
            "due_at": Personal(
                _("carried out from"),
                _("carrying out your request"),
                _("kept without your name"),
                erased=KEEP,
            ),
            "cancelled_at": Personal(
                _("cancelled on"),
                _("carrying out your request"),
                _("kept without your name"),
                erased=KEEP,
            ),
        },
        other=("id", "reference", "by_staff", "completed_at", "counts"),
    ),
    Record(
        "account.EmailAddress",
        subject=("user",),
        erase=DELETE,
        personal={"email": Personal(_("e-mail address"), _("login, verification"), ACCOUNT)},
    ),
    Record(
        "mfa.Authenticator",
        subject=("user",),
        erase=DELETE,
        personal={
            "data": Personal(_("second factor (secret)"), _("secure login"), ACCOUNT, export=False)
        },
    ),
    Record(
        "authtoken.Token",
        subject=("user",),
        erase=DELETE,
        personal={"key": Personal(_("API token"), _("access to the API"), ACCOUNT, export=False)},
    ),
    Record(
        "wagtailusers.UserProfile",
        subject=("user",),
        erase=DELETE,
        personal={
            "avatar": Personal(_("profile picture in the admin"), _("editorial work"), ACCOUNT)
        },
    ),
    Record("wagtailcore.PageSubscription", subject=("user",), erase=DELETE),
    Record("wagtailcore.APIToken", subject=("user",), erase=DELETE),
    Record("wagtailadmin.EditingSession", subject=("user",), erase=DELETE),
    Record("wagtailadmin.FormState", subject=("user",), erase=DELETE),
    Record(
        "wagtailcore.Comment",
        subject=("user",),
        erase=DELETE,
        actors={
            "resolved_by": Personal(
                _("who resolved a comment"), _("editorial work"), ACCOUNT, export=False, erased=None
            )
        },
    ),
    Record("wagtailcore.CommentReply", subject=("user",), erase=DELETE),
)
editor = Personal(
    _("editor who did it"),
    _("editorial work and its history"),
    _("as long as the item exists"),
    export=False,
    erased=None,
)
for label, name in (
    ("wagtaildocs.Document", "uploaded_by_user"),
    ("wagtailimages.Image", "uploaded_by_user"),
    ("wagtailcore.UploadedFile", "uploaded_by_user"),
    ("wagtailcore.Revision", "user"),
    ("wagtailcore.ModelLogEntry", "user"),
    ("wagtailcore.PageLogEntry", "user"),
    ("wagtailcore.WorkflowState", "requested_by"),
    ("wagtailcore.TaskState", "finished_by"),
):
    register(Record(label, actors={name: editor}))


@register_erasure_hook
def _logins_and_history(user) -> dict[str, int]:
    """Open login sessions end; admin history entries about the account itself go."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    ended = 0
    for session in LoginSession.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    about = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk)
    )
    removed, _detail = about.delete()
    return {"login sessions": ended, "history about the account": removed}


@register_retention("accounts: never verified after 30 days")
def _unverified(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    stale = (
        get_user_model()
        .objects.filter(
            date_joined__lt=now - timedelta(days=retention_days("UNVERIFIED_DAYS", 30)),
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
        )
        .filter(~Exists(verified))
    )
    count = stale.count()
    if not dry_run:
        stale.delete()
    return count


@register_retention("accounts: erasures whose cool-off has passed")
def _due_erasures(*, now, dry_run: bool) -> int:
    from . import services

    due = services.erasures_due(now=now)
    if not dry_run:
        for request in due:
            services.erasure_carry_out(request=request, now=now)
    return len(due)


@register_erasure_hook
def _login_attempts(user) -> dict[str, int]:
    """django-axes keeps failed logins by typed address (no link to the account)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _detail = model.objects.filter(username__iexact=user.email).delete()
        removed += count
    return {"login attempts": removed}


@register_retention("accounts: failed-login records after 30 days")
def _old_login_attempts(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = now - timedelta(days=retention_days("LOGIN_ATTEMPT_DAYS", 30))
    total = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        old = model.objects.filter(attempt_time__lt=cutoff)
        total += old.count()
        if not dry_run:
            old.delete()
    return total
