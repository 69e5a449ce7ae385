from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CourseRun(models.Model):
    """A dated edition of a course (Durchgang) with its own capacity and trainer."""

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="runs",
        verbose_name=_("course"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for unlimited places.")
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course_runs",
        verbose_name=_("trainer"),
    )
    enrolment_open = models.BooleanField(_("enrolment open"), default=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="course_run_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="course_run_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    """A learner's place in a course (and run). Leaving or being declined keeps the history."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        WAITLISTED = "waitlisted", _("on the waiting list")
        ACTIVE = "active", _("enrolled")
        COMPLETED = "completed", _("completed")
        DECLINED = "declined", _("declined")
        LEFT = "left", _("left")

    OPEN_STATUSES = (Status.REQUESTED, Status.WAITLISTED, Status.ACTIVE, Status.COMPLETED)
    LEARNING_STATUSES = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("course"),
    )
    run = models.ForeignKey(
        CourseRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("course run"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status__in=["requested", "waitlisted", "active", "completed"]),
                name="enrolment_one_open_per_course",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False)
                | ~Q(status="completed"),
                name="enrolment_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["run", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course_id} ({self.status})"
