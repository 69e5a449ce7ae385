from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cms.timezones import time_zone_choices as cms_time_zone_choices


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped by region, readable in the active language; the stored value is the IANA name."""
    return cms_time_zone_choices()


def default_time_zone() -> str:
    return settings.TIME_ZONE


class TandemUserManager(UserManager):
    """Users log in with their e-mail address; there is no user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the site. Roles such as mentor or learner follow from what the person
    applied to or enrolled in; staff roles are groups."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the site and of e-mails sent to you."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=default_time_zone,
        help_text=_("Dates and times are shown in this time zone."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = TandemUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]


class ErasureRequest(models.Model):
    """A request to erase an account (GDPR Art. 17): due after a cool-off period in which the person
    can cancel it; once carried out, only a pseudonymous reference and counts per model remain."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    reference = models.CharField(_("pseudonymous reference"), max_length=64)
    by_staff = models.BooleanField(_("requested by staff"), default=False)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    due_at = models.DateTimeField(_("carried out from"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    counts = models.JSONField(_("erased or anonymised rows per kind"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(cancelled_at__isnull=True, completed_at__isnull=True),
                name="erasure_one_open_request_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | models.Q(completed_at__isnull=True),
                name="erasure_cancelled_or_completed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def open(self) -> bool:
        return self.cancelled_at is None and self.completed_at is None
