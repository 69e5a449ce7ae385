from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeEnding(models.Model):
    """The programme management ended a programme's active tandems (completed them and cancelled
    their future sessions). Kept so that the step can be undone for a while: the tandems it
    completed are reopened; the sessions it cancelled stay cancelled and are listed to rebook."""

    programme = models.ForeignKey(
        "mentoring.Programme", on_delete=models.CASCADE, related_name="endings"
    )
    ended_at = models.DateTimeField(_("ended"))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    early_reason = models.CharField(
        _("reason for ending before the programme's end date"), max_length=500, blank=True
    )
    tandems = models.ManyToManyField("mentoring.Tandem", related_name="+", blank=True)
    sessions = models.ManyToManyField("mentoring.Session", related_name="+", blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-ended_at", "-pk"]
        verbose_name = _("programme ending")
        verbose_name_plural = _("programme endings")

    def __str__(self) -> str:
        return f"{self.programme} {self.ended_at:%Y-%m-%d}"
