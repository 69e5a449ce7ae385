from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    """What the tandem agrees on. Any change asks both members to confirm again."""

    class Rhythm(models.TextChoices):
        WEEKLY = "weekly", _("every week")
        FORTNIGHTLY = "fortnightly", _("every two weeks")
        MONTHLY = "monthly", _("every month")
        OTHER = "other", _("other (see note)")

    tandem = models.OneToOneField(
        "mentoring.Tandem", on_delete=models.CASCADE, related_name="agreement"
    )
    rhythm = models.CharField(
        _("we meet"), max_length=20, choices=Rhythm.choices, default=Rhythm.FORTNIGHTLY
    )
    rhythm_note = models.CharField(_("note on meetings"), max_length=300, blank=True)
    confidentiality = models.BooleanField(
        _("What we discuss stays between us."),
        default=False,
        help_text=_("Confidentiality is the basis of mentoring; both of you agree to it."),
    )
    mentee_confirmed_at = models.DateTimeField(_("confirmed by the mentee"), null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(_("confirmed by the mentor"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentoring agreement")
        verbose_name_plural = _("mentoring agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(confidentiality=True)
                | (Q(mentee_confirmed_at__isnull=True) & Q(mentor_confirmed_at__isnull=True)),
                name="agreement_confirmed_only_with_confidentiality",
            ),
        ]

    def __str__(self) -> str:
        return str(self.tandem)

    @property
    def confirmed(self) -> bool:
        return bool(self.mentee_confirmed_at and self.mentor_confirmed_at)


class Goal(models.Model):
    """A goal of the mentee, with progress both members keep up to date."""

    tandem = models.ForeignKey("mentoring.Tandem", on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    progress = models.PositiveSmallIntegerField(
        _("progress in percent"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_percent")
        ]

    def __str__(self) -> str:
        return self.title
