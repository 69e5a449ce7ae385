"""Progress as Kolibri keeps it: a per-visit log apart from a per-learner summary."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VideoProgress(models.Model):
    """Per learner and video: the union of watched intervals and where to resume."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_progress"
    )
    video = models.ForeignKey(
        "courses.LearningVideo", on_delete=models.CASCADE, related_name="progress"
    )
    intervals = models.JSONField(
        default=list, help_text="Merged [start, end] seconds actually watched."
    )
    watched_seconds = models.FloatField(default=0)
    position = models.FloatField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("video progress")
        verbose_name_plural = _("video progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "video"], name="video_progress_unique"),
            models.CheckConstraint(
                condition=Q(watched_seconds__gte=0) & Q(position__gte=0),
                name="video_progress_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.video_id}: {self.watched_seconds:.0f}s"


class VideoVisit(models.Model):
    """One viewing session in one browser tab; bounds what a report may credit."""

    visit_id = models.UUIDField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_visits"
    )
    video = models.ForeignKey(
        "courses.LearningVideo", on_delete=models.CASCADE, related_name="visits"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    last_report_at = models.DateTimeField()
    credited_seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("video visit")
        verbose_name_plural = _("video visits")
        constraints = [
            models.UniqueConstraint(fields=["user", "visit_id"], name="video_visit_unique"),
            models.CheckConstraint(
                condition=Q(credited_seconds__gte=0), name="video_visit_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.visit_id)


class LessonProgress(models.Model):
    """Per learner and lesson: marked done, and when every required part was done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    marked_done_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique")
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.lesson_id}"
