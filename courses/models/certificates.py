import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))  # 80 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_certificate_code(value: str) -> str:
    """A code as people type it (lower case, without dashes, with spaces) in its printed form
    ``ABCD-EFGH-JKLM-NPQR``; anything that is not 16 code characters is returned cleaned only."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isascii() and ch.isalnum())
    if len(raw) != 16:
        return raw[:40]
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class Certificate(models.Model):
    """Proof of completion. Frozen at issue: later changes to the course do not alter it."""

    code = models.CharField(
        _("verification code"), max_length=19, unique=True, default=new_certificate_code
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    holder_name = models.CharField(_("name on the certificate"), max_length=300)
    course_title = models.CharField(_("course title"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    live_hours = models.DecimalField(
        _("hours in live sessions"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    trainer_names = models.CharField(_("trainers"), max_length=500, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_course",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class NameCorrectionRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("reissued")
        DECLINED = "declined", _("declined")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="name_corrections"
    )
    requested_name = models.CharField(_("correct name"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("name correction")
        verbose_name_plural = _("name corrections")

    def __str__(self) -> str:
        return self.requested_name


class MultiplierQualification(models.Model):
    """Granted by completing a multiplier course: unlocks its trainer kit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="multiplier_qualifications",
        verbose_name=_("multiplier"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="multiplier_qualifications",
        verbose_name=_("course"),
    )
    certificate = models.OneToOneField(
        Certificate, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    listed_in_directory = models.BooleanField(
        _("listed in the multiplier directory"), default=False
    )

    class Meta:
        verbose_name = _("multiplier qualification")
        verbose_name_plural = _("multiplier qualifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="multiplier_unique_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course_id}"
