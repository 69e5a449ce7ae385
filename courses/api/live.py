"""Live sessions in the API: learners of a run see and register, trainers of the course schedule,
change, cancel and read the attendance. Everyone else gets 404."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cms.api import json_only_parsers

from ..live import selectors, services
from ..models import CourseRun, Enrolment, LiveAttendance, LiveSession, LiveSessionRegistration
from .serializers import MAX_ID
from .workshops import WorkshopSerializer, workshop_data

RUN_REQUIRED = _("Please choose a course run.")
RUN_INVALID = _("A course run is named by its number.")
WORKSHOP_REMOVED = _(
    "This live session's workshop has been removed. Until %(date)s it can be restored (POST to %(url)s)."
)


class LiveSessionSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="run.course_id", read_only=True)
    end = serializers.DateTimeField(read_only=True)
    seats = serializers.IntegerField(source="effective_seats", read_only=True, allow_null=True)
    registered = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()

    class Meta:
        model = LiveSession
        fields = [
            "uuid",
            "run",
            "course",
            "title",
            "start",
            "end",
            "duration_minutes",
            "seats",
            "status",
            "registered",
            "waiting",
        ]

    def get_registered(self, session) -> int:
        return getattr(session, "registered_count", 0)

    def get_waiting(self, session) -> int:
        return getattr(session, "waitlisted_count", 0)


class LiveSessionWriteSerializer(serializers.Serializer):
    run = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    title = serializers.CharField(max_length=200)
    start = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=720)
    seats = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True)


class LiveSessionCreateSerializer(LiveSessionWriteSerializer):
    """A new live session names its run; a change keeps it."""

    run = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = LiveSessionRegistration
        fields = ["status", "created_at"]


class AttendanceSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()

    class Meta:
        model = LiveAttendance
        fields = ["user", "name", "minutes", "share_percent", "attended", "corrected_at"]

    def get_name(self, attendance) -> str:
        return attendance.user.get_full_name() or attendance.user.email


class LiveJoinSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["open", "early", "closed", "cancelled", "unconfigured"]
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    moderator = serializers.BooleanField()
    affiliation = serializers.ChoiceField(choices=["owner", "member"])
    domain = serializers.CharField()
    room = serializers.CharField(help_text="only when open")
    jwt = serializers.CharField(source="token", help_text="only when open")
    external_api_url = serializers.CharField(
        help_text="the video provider's client script (Jitsi: external_api.js)"
    )
    provider = serializers.CharField(help_text="the video provider in use, e.g. jitsi")


@extend_schema(tags=["courses"])
class LiveSessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Live sessions of the runs I take part in or train."""

    serializer_class = LiveSessionSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"
    # JSON only: lists and nulls (dates, colleagues, seats) cannot travel in a form body.
    parser_classes = json_only_parsers()
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    queryset = LiveSession.objects.none()  # typed path parameters in the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LiveSession.objects.none()
        user = self.request.user
        visible = (
            Q(run__enrolments__user=user, run__enrolments__status__in=Enrolment.LEARNING_STATUSES)
            | Q(run__trainer=user)
            | Q(run__course__trainers=user)
        )
        sessions = (
            LiveSession.objects.all()
            if user.is_superuser
            else LiveSession.objects.filter(pk__in=LiveSession.objects.filter(visible).values("pk"))
        )
        if "run" in self.request.query_params:
            run = self.request.query_params.get("run", "")
            try:
                number = int(run) if run.isascii() else None
            except ValueError:
                number = None
            if number is None:
                raise ValidationError({"run": [str(RUN_INVALID)]})
            # A number that names no run (0, negative, past every id) simply matches nothing.
            sessions = sessions.filter(run_id=number) if 0 < number <= MAX_ID else sessions.none()
        return selectors.with_counts(sessions).order_by("start", "pk")

    def _managed(self) -> LiveSession:
        session = self.get_object()
        if not selectors.can_manage_run(self.request.user, session.run):
            raise Http404
        return session

    @extend_schema(parameters=[OpenApiParameter("run", int, description="only this course run")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=LiveSessionCreateSerializer, responses={201: LiveSessionSerializer})
    def create(self, request, *args, **kwargs):
        data = LiveSessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        run = get_object_or_404(CourseRun, pk=values.pop("run"))
        if not selectors.can_manage_run(request.user, run):
            raise Http404
        session = services.live_session_create(run=run, by=request.user, **values)
        session = selectors.with_counts(LiveSession.objects.filter(pk=session.pk)).get()
        return Response(LiveSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LiveSessionWriteSerializer, responses={200: LiveSessionSerializer})
    def update(self, request, *args, **kwargs):
        session = self._managed()
        data = LiveSessionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("run", None)
        values.setdefault("seats", None)
        services.live_session_update(session=session, by=request.user, **values)
        session = selectors.with_counts(LiveSession.objects.filter(pk=session.pk)).get()
        return Response(LiveSessionSerializer(session).data)

    @extend_schema(request=CancelSerializer, responses={200: LiveSessionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, uuid=None):
        session = self._managed()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.live_session_cancel(
            session=session, by=request.user, reason=data.validated_data["reason"]
        )
        session = selectors.with_counts(LiveSession.objects.filter(pk=session.pk)).get()
        return Response(LiveSessionSerializer(session).data)

    @extend_schema(methods=["POST"], request=None, responses={201: RegistrationSerializer})
    @extend_schema(methods=["DELETE"], request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post", "delete"])
    def registration(self, request, uuid=None):
        session = self.get_object()
        if request.method == "DELETE":
            registration = LiveSessionRegistration.objects.filter(
                session=session,
                user=request.user,
                status__in=LiveSessionRegistration.OPEN_STATUSES,
            ).first()
            if registration is None:
                raise Http404
            registration = services.live_registration_cancel(
                registration=registration, by=request.user
            )
            return Response(RegistrationSerializer(registration).data)
        registration = services.live_registration_create(session=session, user=request.user)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: LiveJoinSerializer})
    @action(detail=True, methods=["get"], url_path="join", url_name="join")
    def join_token(self, request, uuid=None):
        """A token for this session's room only: owner for its hosts, member for learners of the
        run (registered ones enter directly, others wait in the lobby), inside the window only
        (``state`` says why there is none)."""
        from django.apps import apps

        session = self.get_object()
        if not apps.is_installed("video"):
            raise Http404
        from ..live.video import join_info

        info = join_info(session=session, user=request.user)
        if info is None:
            raise Http404
        return Response(LiveJoinSerializer(info).data)

    @extend_schema(responses={200: AttendanceSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def attendance(self, request, uuid=None):
        """The attendance of everyone in the session, for the course's trainers."""
        session = self._managed()
        rows = session.attendances.select_related("user").order_by("user__last_name", "pk")
        return Response(AttendanceSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses={200: WorkshopSerializer})
    @extend_schema(methods=["PUT"], request=WorkshopSerializer, responses={200: WorkshopSerializer})
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["get", "put", "delete"])
    def workshop(self, request, uuid=None):
        """The session's workshop (World Café): tables and rounds, readable by everyone who sees
        the session (404 when it is no workshop); its hosts set it up (PUT) or make it a plain
        session again (DELETE), which they can undo for ``TANDEM_COURSES_WORKSHOP_UNDO_DAYS``
        (POST to ``workshop/restore/``; meanwhile their GET answers 404 ``removed`` with
        ``undo_until`` and ``restore``). Rounds are started in the video room."""
        from ..live.workshop import selectors as workshop_selectors
        from ..live.workshop import services as workshop_services

        session = self.get_object()
        hosts = selectors.is_host(request.user, session) or request.user.is_superuser
        if request.method != "GET":
            if not hosts:
                raise Http404
            if request.method == "DELETE":
                workshop_services.workshop_remove(session=session, by=request.user)
                return Response(status=status.HTTP_204_NO_CONTENT)
            data = WorkshopSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            workshop_services.workshop_save(
                session=session,
                by=request.user,
                rounds=values["rounds"],
                round_minutes=values["round_minutes"],
                tables=[(table["topic"], table.get("host")) for table in values["tables"]],
            )
        workshop = workshop_selectors.workshop_of(session)
        removed = workshop_selectors.removed_workshop(session) if hosts and not workshop else None
        if removed is not None:
            until = workshop_selectors.undo_until(removed)
            restore = reverse(
                "courses-api:live-session-workshop-restore", kwargs={"uuid": session.uuid}
            )
            detail = WORKSHOP_REMOVED % {"date": until.isoformat() if until else "", "url": restore}
            return Response(
                {
                    "status": 404,
                    "code": "removed",
                    "detail": detail,
                    "undo_until": until,
                    "restore": restore,
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        if workshop is None:
            raise Http404
        return Response(
            workshop_data(
                workshop,
                rounds_done=workshop_selectors.rounds_done(workshop),
                tables=workshop_selectors.tables(workshop),
            )
        )

    @extend_schema(request=None, responses={200: WorkshopSerializer})
    @action(detail=True, methods=["post"], url_path="workshop/restore", url_name="workshop-restore")
    def workshop_restore(self, request, uuid=None):
        """Undo making the session a plain one (DELETE on ``workshop/``) within
        ``TANDEM_COURSES_WORKSHOP_UNDO_DAYS``: the workshop is back with its tables, rounds and who
        sat where. 409 ``nothing_to_restore`` or ``undo_expired`` otherwise; hosts only."""
        from ..live.workshop import selectors as workshop_selectors
        from ..live.workshop import services as workshop_services

        session = self.get_object()
        if not selectors.is_host(request.user, session) and not request.user.is_superuser:
            raise Http404
        workshop = workshop_services.workshop_restore(session=session, by=request.user)
        return Response(
            workshop_data(
                workshop,
                rounds_done=workshop_selectors.rounds_done(workshop),
                tables=workshop_selectors.tables(workshop),
            )
        )
