"""Sessions in the API: slots for a tandem and period, booking (with an Idempotency-Key header),
moving, cancelling, confirming, the join token and the private calendar URL."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.timezones import available_time_zones, canonical_time_zone

from ..models import Session, Tandem
from ..sessions import selectors, services
from ..sessions.video import join_info

WHEN_INVALID = _("Please choose “upcoming” or “past”.")
MAX_PERIOD = timedelta(days=62)
BAD_ZONE = _("Unknown time zone.")
BAD_PERIOD = _("The period must end after it starts and span at most 62 days.")


def _zone(request) -> zoneinfo.ZoneInfo:
    name = (
        request.query_params.get("tz") or getattr(request.user, "time_zone", "") or "Europe/Berlin"
    )
    if name not in available_time_zones():
        raise ValidationError({"tz": [ErrorDetail(str(BAD_ZONE), code="unknown_time_zone")]})
    # A legacy alias ("Europe/Kiev") answers in its place's current name ("Europe/Kyiv").
    return zoneinfo.ZoneInfo(canonical_time_zone(name) or name)


class MomentField(serializers.DateTimeField):
    """A time at least a year away from the ends of the calendar (years 1 and 9999), so that
    periods, slot searches and time zones around it can be computed: others are "out of range"."""

    EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
    LATEST = datetime(9998, 12, 31, tzinfo=UTC)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.EARLIEST <= moment <= self.LATEST:
            self.fail("overflow")
        return moment


class SlotQuerySerializer(serializers.Serializer):
    start = MomentField(required=False, help_text="default: now")
    end = MomentField(required=False, help_text="default: start + 14 days")
    length = serializers.IntegerField(
        required=False,
        min_value=15,
        max_value=240,
        help_text="minutes; default: the shortest offered",
    )


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SlotListSerializer(serializers.Serializer):
    tandem = serializers.IntegerField()
    length = serializers.IntegerField(help_text="minutes")
    lengths = serializers.ListField(child=serializers.IntegerField())
    time_zone = serializers.CharField(help_text="zone of the times in this answer")
    mentor_time_zone = serializers.CharField()
    slots = SlotSerializer(many=True)


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    role = serializers.SerializerMethodField()
    partner_name = serializers.SerializerMethodField()
    join_url = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "tandem",
            "start",
            "end",
            "status",
            "role",
            "partner_name",
            "agenda",
            "sequence",
            "cancel_reason",
            "join_url",
        ]
        read_only_fields = fields

    def _viewer(self):
        return self.context["request"].user

    def get_role(self, session) -> str:
        return session.member_role(self._viewer()) or ""

    def get_partner_name(self, session) -> str:
        partner = session.mentee if session.mentor_id == self._viewer().pk else session.mentor
        return partner.get_full_name()

    def get_join_url(self, session) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("mentoring:session-join", args=[session.uuid])
        )


class BookSerializer(serializers.Serializer):
    tandem = serializers.IntegerField()
    start = MomentField()
    length = serializers.IntegerField(min_value=15, max_value=240, help_text="minutes")


class RescheduleSerializer(serializers.Serializer):
    start = MomentField()
    length = serializers.IntegerField(min_value=15, max_value=240, required=False)
    reason = serializers.CharField(max_length=500)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class JoinSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["open", "early", "closed", "cancelled", "proposed", "unconfigured"]
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    moderator = serializers.BooleanField()
    domain = serializers.CharField()
    room = serializers.CharField(help_text="only when open")
    jwt = serializers.CharField(source="token", help_text="only when open")
    external_api_url = serializers.CharField(
        help_text="the video provider's client script (Jitsi: external_api.js)"
    )
    provider = serializers.CharField(help_text="the video provider in use, e.g. jitsi")
    client = serializers.DictField(
        child=serializers.CharField(),
        help_text="further values of the video provider for its client, only when open",
    )


class CalendarTokenSerializer(serializers.Serializer):
    url = serializers.URLField()


CONFLICT = inline_serializer(
    "SessionConflict",
    {
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "alternatives": SlotSerializer(
            many=True,
            required=False,
            help_text="the next free slots (not when an Idempotency-Key was reused)",
        ),
    },
)


def error_body(*, status: int, code: str, detail: str) -> dict:
    """The site's error shape ({"status", "code", "detail"}), for answers built here."""
    return {"status": status, "code": code, "detail": detail}


def _conflict(error: services.SessionError, zone) -> Response:
    body = error_body(status=409, code=error.code, detail=str(error.message))
    body["alternatives"] = [
        {
            "start": slot.start.astimezone(zone).isoformat(),
            "end": slot.end.astimezone(zone).isoformat(),
        }
        for slot in error.alternatives
    ]
    return Response(body, status=status.HTTP_409_CONFLICT)


def _tandem_of(user, tandem_id) -> Tandem:
    return get_object_or_404(Tandem.objects.of_member(user), pk=tandem_id)


@extend_schema(tags=["sessions"])
class TandemSlotsView(APIView):
    """Bookable slots of a tandem, in the time zone asked for (``tz``, default: the person's own)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            SlotQuerySerializer,  # its fields, with the bounds they check, are the query parameters
            OpenApiParameter("tz", str, description="IANA zone, e.g. Europe/Berlin"),
        ],
        responses={200: SlotListSerializer},
    )
    def get(self, request, tandem_id: int):
        tandem = _tandem_of(request.user, tandem_id)
        zone = _zone(request)
        params = SlotQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        start = params.validated_data.get("start") or timezone.now()
        end = params.validated_data.get("end") or start + timedelta(days=14)
        if end <= start or end - start > MAX_PERIOD:
            raise ValidationError({"end": [ErrorDetail(str(BAD_PERIOD), code="out_of_range")]})
        result = selectors.tandem_slots(
            tandem=tandem,
            length=params.validated_data.get("length"),
            start=start,
            end=end,
            cached=True,
        )
        return Response(
            {
                "tandem": tandem.pk,
                "length": result.length,
                "lengths": list(result.rules.lengths),
                "time_zone": zone.key,
                "mentor_time_zone": result.rules.zone.key,
                "slots": [
                    {
                        "start": slot.start.astimezone(zone).isoformat(),
                        "end": slot.end.astimezone(zone).isoformat(),
                    }
                    for slot in result.slots
                ],
            }
        )


@extend_schema(tags=["sessions"])
class SessionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """My sessions (as mentor or mentee). Booking answers 409 with the next free slots when the
    time was taken meanwhile; send an ``Idempotency-Key`` header so a retry never books twice."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "booking"  # every POST here (book, move, cancel, confirm, join token) counts against this rate
    serializer_class = SessionSerializer
    queryset = Session.objects.none()
    lookup_field = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        upcoming = {"upcoming": True, "past": False}.get(self.request.query_params.get("when", ""))
        return selectors.member_sessions(self.request.user, upcoming=upcoming)

    @extend_schema(
        parameters=[OpenApiParameter("when", str, enum=["upcoming", "past"], required=False)]
    )
    def list(self, request, *args, **kwargs):
        if request.query_params.get("when") not in (None, "upcoming", "past"):
            raise ValidationError({"when": [str(WHEN_INVALID)]})
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=BookSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="any unique string per intended booking, at most 64 characters",
            )
        ],
        responses={201: SessionSerializer, 200: SessionSerializer, 409: CONFLICT},
    )
    def create(self, request, *args, **kwargs):
        data = BookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tandem = _tandem_of(request.user, data.validated_data["tandem"])
        try:
            booking = services.session_book(
                tandem=tandem,
                start=data.validated_data["start"],
                length=data.validated_data["length"],
                by=request.user,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
            )
        except services.SessionError as error:
            if error.code != "slot_unavailable":
                raise
            return _conflict(error, _zone(request))
        session = self.get_queryset().get(pk=booking.session.pk)
        return Response(
            SessionSerializer(session, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if booking.created else status.HTTP_200_OK,
        )

    @extend_schema(request=RescheduleSerializer, responses={200: SessionSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, uuid=None):
        session = self.get_object()
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            session = services.session_reschedule(
                session=session, by=request.user, **data.validated_data
            )
        except services.SessionError as error:
            if error.code != "slot_unavailable":
                raise
            return _conflict(error, _zone(request))
        return Response(
            SessionSerializer(self.get_object(), context=self.get_serializer_context()).data
        )

    @extend_schema(request=ReasonSerializer, responses={200: SessionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, uuid=None):
        session = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.session_cancel(
            session=session, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(
            SessionSerializer(self.get_object(), context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses={200: SessionSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, uuid=None):
        session = self.get_object()
        services.session_confirm(session=session, by=request.user)
        return Response(
            SessionSerializer(self.get_object(), context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses={200: JoinSerializer})
    @action(detail=True, methods=["post"], url_path="join-token")
    def join_token(self, request, uuid=None):
        """A token for this session's room, for its two members only, inside the window only
        (``state`` says why there is none)."""
        info = join_info(session=self.get_object(), user=request.user)
        return Response(JoinSerializer(info).data)


@extend_schema(tags=["sessions"])
class CalendarTokenView(APIView):
    """The private iCal subscription URL; POST makes a new one and retires the old."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = (
        "calendar_token"  # POST (a new address) counts against the "calendar_token" rate
    )

    def _answer(self, request, record):
        return Response(
            {
                "url": request.build_absolute_uri(
                    reverse("mentoring:calendar-feed", args=[record.token])
                )
            }
        )

    @extend_schema(request=None, responses={200: CalendarTokenSerializer})
    def get(self, request):
        return self._answer(request, services.calendar_token_get_or_create(user=request.user))

    @extend_schema(request=None, responses={200: CalendarTokenSerializer})
    def post(self, request):
        return self._answer(request, services.calendar_token_rotate(user=request.user))
