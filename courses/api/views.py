from types import SimpleNamespace

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from cms.api import json_only_parsers

from .. import selectors, services
from ..models import (
    Certificate,
    CoursePage,
    CourseRun,
    Enrolment,
    LearningVideo,
    LessonPage,
    LessonProgress,
    Quiz,
)
from . import serializers as s

# The site's JSON parsers (they refuse NUL and deep nesting).
JSON_ONLY = json_only_parsers()


def _page_id(value) -> int:
    """A page id from the URL or the request body. Lookups through a page's parent link
    (``CoursePage``, ``LessonPage``) do not guard against text or numbers no row can have
    (SQLite: OverflowError), so those are answered here, like an unknown id: 404."""
    try:
        number = int(str(value))
    except ValueError:
        raise Http404 from None
    if not 0 < number <= s.MAX_ID:
        raise Http404
    return number


class CatalogueNegotiation(DefaultContentNegotiation):
    """The catalogue has a filter named ``format``; DRF must not read it as the output format."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


@extend_schema(tags=["courses"])
class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """The public course catalogue. Filters: topic, audience, format, language, q."""

    permission_classes = [permissions.AllowAny]
    content_negotiation_class = CatalogueNegotiation
    queryset = CoursePage.objects.none()  # typed path parameters in the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CoursePage.objects.none()
        return selectors.catalogue_courses(
            filters=selectors.catalogue_filters(self.request.query_params)
        )

    def get_object(self):
        _page_id(self.kwargs["pk"])  # 404 for ids no page can have, before the database is asked
        return super().get_object()

    def get_serializer_class(self):
        return s.CourseDetailSerializer if self.action == "retrieve" else s.CourseListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and self.kwargs.get("pk"):
            course = get_object_or_404(
                CoursePage.objects.live().public(), pk=_page_id(self.kwargs["pk"])
            )
            context["progress"] = selectors.course_progress(user=self.request.user, course=course)
            context["enrolment"] = selectors.enrolment_for(self.request.user, course)
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter("topic", str),
            OpenApiParameter("audience", str),
            OpenApiParameter("format", str),
            OpenApiParameter("language", str),
            OpenApiParameter("q", str, description="search term"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.EnrolmentRequestSerializer, responses={201: s.EnrolmentSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        # JSON only: a form body cannot tell an empty run from none (415 otherwise).
        parser_classes=JSON_ONLY,
    )
    def enrol(self, request, pk=None):
        course = get_object_or_404(CoursePage.objects.live().public(), pk=_page_id(pk))
        data = s.EnrolmentRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = None
        if data.validated_data.get("run"):
            run = CourseRun.objects.filter(pk=data.validated_data["run"], course=course).first()
            if run is None:  # a run of another course is no run of this one: 404
                raise ValidationError(
                    {"run": [ErrorDetail(str(services.RUN_NOT_OF_COURSE), code="does_not_exist")]}
                )
        enrolment = services.enrolment_request(user=request.user, course=course, run=run)
        return Response(s.EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def leave(self, request, pk=None):
        course = get_object_or_404(CoursePage.objects.live(), pk=_page_id(pk))
        enrolment = selectors.enrolment_for(request.user, course)
        if enrolment is None:
            raise Http404
        enrolment = services.enrolment_leave(enrolment=enrolment)
        return Response(s.EnrolmentSerializer(enrolment).data)


@extend_schema(tags=["courses"])
class EnrolmentViewSet(viewsets.ReadOnlyModelViewSet):
    """My enrolments."""

    serializer_class = s.EnrolmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    queryset = Enrolment.objects.none()  # typed path parameters in the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        return (
            Enrolment.objects.filter(user=self.request.user)
            .select_related("course")
            .order_by("-created_at")
        )


@extend_schema(tags=["courses"])
class LessonView(generics.RetrieveAPIView):
    """A lesson's content, for its course's enrolled learners and trainers (404 for others)."""

    serializer_class = s.LessonSerializer
    permission_classes = [permissions.AllowAny]

    def get_object(self):
        lesson = get_object_or_404(LessonPage.objects.live(), pk=_page_id(self.kwargs["pk"]))
        course = services.course_of(lesson)
        if not selectors.can_view_lessons(self.request.user, course):
            raise Http404
        lesson.course_id_for_api = course.pk
        lesson.completed_for_api = (
            self.request.user.is_authenticated
            and LessonProgress.objects.filter(
                user=self.request.user, lesson=lesson, completed_at__isnull=False
            ).exists()
        )
        return lesson


@extend_schema(tags=["courses"])
class VideoProgressView(generics.GenericAPIView):
    """Report what the learner watched; only really watched intervals count."""

    serializer_class = s.VideoProgressSerializer
    permission_classes = [permissions.IsAuthenticated]
    # JSON only: the intervals are a list of pairs, which a form body cannot carry.
    parser_classes = JSON_ONLY

    @extend_schema(responses={200: s.VideoProgressResultSerializer})
    def post(self, request, pk):
        video = get_object_or_404(LearningVideo, pk=pk)
        if not selectors.can_watch_video(request.user, video):
            raise Http404
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = None
        if data.validated_data.get("lesson"):
            lesson = LessonPage.objects.live().filter(pk=data.validated_data["lesson"]).first()
        progress = services.video_progress_report(
            user=request.user,
            video=video,
            visit_id=data.validated_data["visit"],
            intervals=data.validated_data["intervals"],
            position=data.validated_data["position"],
            lesson=lesson,
        )
        lesson_completed = course_completed = None
        if lesson is not None:
            lesson_completed = LessonProgress.objects.filter(
                user=request.user, lesson=lesson, completed_at__isnull=False
            ).exists()
            course_completed = Enrolment.objects.filter(
                user=request.user,
                course=services.course_of(lesson),
                status=Enrolment.Status.COMPLETED,
            ).exists()
        return Response(
            s.VideoProgressResultSerializer(
                {
                    "watched_seconds": round(progress.watched_seconds, 1),
                    "watched_percent": min(
                        100, round(100 * progress.watched_seconds / video.duration_seconds)
                    ),
                    "position": progress.position,
                    "completed": progress.completed_at is not None,
                    "lesson_completed": lesson_completed,
                    "course_completed": course_completed,
                }
            ).data
        )


@extend_schema(tags=["courses"])
class QuizAttemptView(generics.GenericAPIView):
    """Submit answers; graded on the server. The response tells per question whether it was right."""

    serializer_class = s.QuizSubmissionSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={201: s.QuizAttemptSerializer})
    def post(self, request, pk):
        # Access first (the lesson the quiz is part of), so nobody learns from validation errors
        # which quizzes exist; then the answers.
        quiz = get_object_or_404(Quiz, pk=pk)
        lesson_id = _page_id(request.data.get("lesson") if isinstance(request.data, dict) else None)
        lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
        if pk not in lesson.quiz_ids():
            raise Http404
        course = services.course_of(lesson)
        if course is None or not selectors.can_view_lessons(request.user, course):
            raise Http404
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.quiz_submit(
            user=request.user, quiz=quiz, answers=data.validated_data["answers"], lesson=lesson
        )
        return Response(s.QuizAttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["courses"])
class CertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My certificates."""

    serializer_class = s.CertificateSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return selectors.learner_certificates(self.request.user)
