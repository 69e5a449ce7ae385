from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Certificate, CoursePage, CourseRun, Enrolment, LessonPage, QuizAttempt

MAX_ID = 2**63 - 1  # the largest id a database row can have


class CourseRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseRun
        fields = ["id", "title", "starts_on", "ends_on", "capacity", "enrolment_open"]


class CourseListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    audiences = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = CoursePage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "summary",
            "format",
            "language",
            "duration_hours",
            "topics",
            "audiences",
            "enrolment_mode",
            "is_multiplier_course",
            "certificate_enabled",
        ]

    def get_url(self, course) -> str:
        return course.url


class LessonOutlineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    chapter = serializers.CharField(allow_null=True)
    url = serializers.CharField()
    completed = serializers.BooleanField()


class CourseDetailSerializer(CourseListSerializer):
    learning_objectives = serializers.CharField()
    prerequisites = serializers.CharField()
    runs = serializers.SerializerMethodField()
    lessons = serializers.SerializerMethodField()
    enrolment = serializers.SerializerMethodField()

    class Meta(CourseListSerializer.Meta):
        fields = [
            *CourseListSerializer.Meta.fields,
            "learning_objectives",
            "prerequisites",
            "runs",
            "lessons",
            "enrolment",
        ]

    def get_runs(self, course) -> list[dict]:
        return CourseRunSerializer(course.runs.filter(enrolment_open=True), many=True).data

    def get_lessons(self, course) -> list[dict]:
        progress = self.context["progress"]
        return LessonOutlineSerializer(
            [
                {
                    "id": state.lesson.pk,
                    "title": state.lesson.title,
                    "url": state.lesson.url,
                    "chapter": state.chapter.title if state.chapter else None,
                    "completed": state.completed,
                }
                for state in progress.lessons
            ],
            many=True,
        ).data

    def get_enrolment(self, course) -> dict | None:
        enrolment = self.context.get("enrolment")
        return EnrolmentSerializer(enrolment).data if enrolment else None


class EnrolmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "course", "course_title", "run", "status", "created_at", "completed_at"]
        read_only_fields = fields


class _RunIdField(serializers.IntegerField):
    """A run id or null; an empty form field is neither (the schema says integer or null)."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and dictionary.get(self.field_name) == "":
            return ""  # DRF would read an empty form field as null
        return super().get_value(dictionary)

    def validate_empty_values(self, data):
        if data == "":
            self.fail("invalid")
        return super().validate_empty_values(data)


class EnrolmentRequestSerializer(serializers.Serializer):
    run = _RunIdField(required=False, allow_null=True)


class LessonSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id_for_api")
    blocks = serializers.SerializerMethodField()
    completed = serializers.BooleanField(source="completed_for_api")

    class Meta:
        model = LessonPage
        fields = ["id", "title", "intro", "course", "estimated_minutes", "completed", "blocks"]

    def get_blocks(self, lesson) -> list[dict]:
        from .content import lesson_blocks

        return lesson_blocks(lesson, request=self.context["request"])


class VideoProgressSerializer(serializers.Serializer):
    visit = serializers.UUIDField(help_text=_("A random id the player creates for each viewing."))
    intervals = serializers.ListField(
        child=serializers.ListField(
            child=serializers.FloatField(min_value=0), min_length=2, max_length=2
        ),
        max_length=200,
        help_text=_("Watched [start, end] pairs in seconds, from the player's played ranges."),
    )
    position = serializers.FloatField(min_value=0)
    lesson = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class VideoProgressResultSerializer(serializers.Serializer):
    watched_seconds = serializers.FloatField()
    watched_percent = serializers.IntegerField()
    position = serializers.FloatField()
    completed = serializers.BooleanField()
    lesson_completed = serializers.BooleanField(allow_null=True)
    course_completed = serializers.BooleanField(
        allow_null=True, help_text="The lesson's course is complete (null without a lesson)."
    )


class QuizSubmissionSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=64), max_length=50)
    )
    lesson = serializers.IntegerField(required=False, allow_null=True)


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    correct = serializers.BooleanField()
    feedback = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()


class QuizAttemptSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    max_attempts = serializers.IntegerField(
        source="quiz.max_attempts",
        read_only=True,
        help_text="Attempts allowed in all; 0 for no limit.",
    )
    attempts_left = serializers.SerializerMethodField(
        help_text="Attempts still open after this one; null for no limit, 0 after passing."
    )
    can_submit_again = serializers.SerializerMethodField(
        help_text="Whether another attempt is accepted: not after passing, not after the last."
    )

    class Meta:
        model = QuizAttempt
        fields = [
            "id",
            "quiz",
            "lesson",
            "number",
            "submitted_at",
            "score_percent",
            "passed",
            "max_attempts",
            "attempts_left",
            "can_submit_again",
            "questions",
        ]

    def _closed(self, attempt) -> bool:
        # The attempt returned is the newest one: passing or using the last attempt closes it.
        limit = attempt.quiz.max_attempts
        return attempt.passed or bool(limit and attempt.number >= limit)

    def get_attempts_left(self, attempt) -> int | None:
        limit = attempt.quiz.max_attempts
        if attempt.passed:
            return 0
        return max(0, limit - attempt.number) if limit else None

    def get_can_submit_again(self, attempt) -> bool:
        return not self._closed(attempt)

    def get_questions(self, attempt) -> list[dict]:
        from ..templatetags.courses_tags import quiz_sheet

        return QuestionResultSerializer(
            [
                {
                    "id": q["id"],
                    "correct": q["answered_correctly"],
                    "explanation": q["explanation"],
                    "feedback": [o["feedback"] for o in q["options"] if o["feedback"]],
                }
                for q in quiz_sheet(attempt.quiz, attempt)
            ],
            many=True,
        ).data


class CertificateSerializer(serializers.ModelSerializer):
    valid = serializers.BooleanField(source="is_valid")
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "course",
            "course_title",
            "holder_name",
            "hours",
            "issued_at",
            "valid",
            "pdf_url",
            "verify_url",
        ]

    def get_pdf_url(self, certificate) -> str:
        from django.urls import reverse

        return reverse("courses:certificate-pdf", kwargs={"code": certificate.code})

    def get_verify_url(self, certificate) -> str:
        from django.urls import reverse

        return reverse("courses:certificate-verify", kwargs={"code": certificate.code})
