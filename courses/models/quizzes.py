from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.fields import StreamField


class AnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=500)
    is_correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        help_text=_("Shown after submitting when this answer was chosen."),
    )

    class Meta:
        icon = "radio-full"
        label = _("Answer option")


class QuestionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Question"))
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        default="single",
        choices=[("single", _("single choice")), ("multiple", _("multiple choice"))],
    )
    options = blocks.ListBlock(AnswerOptionBlock(), label=_("Answer options"), min_num=2)
    explanation = blocks.TextBlock(
        label=_("Explanation"),
        required=False,
        help_text=_("Shown after submitting, whatever was answered."),
    )

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["is_correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"options": _("Mark at least one answer as correct.")}
            )
        if value["kind"] == "single" and correct > 1:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "options": _("A single-choice question has exactly one correct answer.")
                }
            )
        return value


class Quiz(models.Model):
    """Questions graded on the server; correct answers never reach the browser before submission."""

    title = models.CharField(_("title"), max_length=255)
    introduction = models.TextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark in percent"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        default=0,
        help_text=_("0 means unlimited."),
    )
    questions = StreamField([("question", QuestionBlock())], verbose_name=_("questions"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="quiz_pass_mark_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuizAttempt(models.Model):
    """One submitted attempt, graded on the server."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz")
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quiz_attempts",
        verbose_name=_("lesson"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    answers = models.JSONField(_("answers"), default=dict)
    score_percent = models.PositiveSmallIntegerField(_("score in percent"))
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="quiz_attempt_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score_percent__lte=100), name="quiz_attempt_score_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number}"
