from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FeedbackResponse(models.Model):
    """A member's mid-term or final feedback. Managers only ever see aggregates of at least
    three answers; single answers and comments stay with the programme's evaluation."""

    class Phase(models.TextChoices):
        MIDTERM = "midterm", _("mid-term")
        FINAL = "final", _("final")

    tandem = models.ForeignKey(
        "mentoring.Tandem", on_delete=models.CASCADE, related_name="feedback"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=[("mentee", _("mentee")), ("mentor", _("mentor"))]
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    satisfaction = models.PositiveSmallIntegerField(
        _("How satisfied are you with the tandem?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    goal_progress = models.PositiveSmallIntegerField(
        _("How far have you come with your goals?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(
        _("What should the programme keep or change?"), blank=True, max_length=2000
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["tandem", "respondent", "phase"], name="feedback_once_per_phase"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5)
                & Q(goal_progress__gte=1, goal_progress__lte=5),
                name="feedback_scale_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tandem_id} {self.phase} {self.role}"
