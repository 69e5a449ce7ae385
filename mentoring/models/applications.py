from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    MENTEE = "mentee", _("mentee")
    MENTOR = "mentor", _("mentor")


class ConsentRecord(models.Model):
    """Append-only: giving and withdrawing consent are separate records."""

    class Action(models.TextChoices):
        GIVEN = "given", _("given")
        WITHDRAWN = "withdrawn", _("withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=100)
    document_version = models.CharField(_("version of the privacy notice"), max_length=50)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.purpose} {self.action}"


class Application(models.Model):
    """A person's application to a programme as mentor or mentee. Free-text motivation is for
    humans only; matching reads the answers to the programme's criteria."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("application status", "submitted")
        ACCEPTED = "accepted", pgettext_lazy("application status", "accepted")
        DECLINED = "declined", pgettext_lazy("application status", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "withdrawn")

    programme = models.ForeignKey(
        "mentoring.Programme",
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("programme"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_applications",
        verbose_name=_("applicant"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    answers = models.JSONField(_("answers"), default=dict)
    motivation = models.TextField(_("motivation"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Mentors only; empty means the programme's default."),
    )
    paused = models.BooleanField(_("paused"), default=False)
    shared_profile = models.TextField(
        _("short profile text for your tandem partner"),
        blank=True,
        max_length=600,
        help_text=_(
            "Optional. Only what you write here is shown to a proposed partner, next to your "
            "role and your answers to the programme's questions."
        ),
    )
    waiting_since = models.DateTimeField(
        _("on the waiting list since"),
        null=True,
        blank=True,
        help_text=_("Mentees only: waiting for a mentor's place to become free."),
    )
    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"],
                condition=~Q(status="withdrawn"),
                name="application_one_per_role",
            ),
            models.CheckConstraint(
                condition=Q(role="mentor") | Q(capacity__isnull=True),
                name="application_capacity_for_mentors_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class PairRule(models.Model):
    """A pair the management pinned, or one that must never be proposed (e.g. declined once)."""

    class Kind(models.TextChoices):
        PINNED = "pinned", _("pinned")
        FORBIDDEN = "forbidden", _("never propose")

    programme = models.ForeignKey(
        "mentoring.Programme", on_delete=models.CASCADE, related_name="pair_rules"
    )
    mentee = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pair rule")
        verbose_name_plural = _("pair rules")
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor", "kind"], name="pair_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id}–{self.mentor_id} {self.kind}"
