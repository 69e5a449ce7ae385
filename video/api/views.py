"""Video rooms in the API: the rooms someone hosts or is invited to, creating and changing them
(people with the permission ``video.host_rooms``), and guest links (host only; a new link's URL is
in the answer once and never again: only its hash is stored)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from cms.api import json_only_parsers

from .. import meetings
from ..models import RoomInvitation, VideoRoom


class DateSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class DateListField(serializers.ListField):
    """At least one date; a list field so that the schema says so (minItems)."""

    child = DateSerializer()

    def __init__(self, **kwargs):
        super().__init__(min_length=1, **kwargs)

    def to_representation(self, data):
        return super().to_representation(data.all() if hasattr(data, "all") else data)


class RoomSerializer(serializers.ModelSerializer):
    dates = DateListField()
    colleagues = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.filter(is_active=True)
    )
    host = serializers.CharField(source="host.get_full_name", read_only=True)
    join_url = serializers.SerializerMethodField()

    class Meta:
        model = VideoRoom
        fields = ["uuid", "kind", "title", "host", "dates", "colleagues", "join_url", "created_at"]
        read_only_fields = ["uuid", "host", "join_url", "created_at"]

    def get_join_url(self, room) -> str:
        return reverse("video:room-join", args=[room.uuid])

    def validate_dates(self, value):
        if not value:
            raise serializers.ValidationError(_("Please give at least one date."))
        return value


class InvitationSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    days = serializers.IntegerField(write_only=True, min_value=1, max_value=90, required=False)

    class Meta:
        model = RoomInvitation
        fields = ["id", "label", "created_at", "expires_at", "revoked_at", "state", "days"]
        read_only_fields = ["id", "created_at", "expires_at", "revoked_at", "state"]

    def get_state(self, invitation) -> str:
        if invitation.revoked_at:
            return "revoked"
        return "valid" if invitation.expires_at > timezone.now() else "expired"


class NewInvitationSerializer(InvitationSerializer):
    url = serializers.CharField(
        read_only=True, help_text="the guest link; shown only in this answer"
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "url"]


@extend_schema(tags=["video rooms"])
class VideoRoomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RoomSerializer
    permission_classes = [permissions.IsAuthenticated]
    # JSON only: lists and nulls (dates, colleagues, seats) cannot travel in a form body.
    parser_classes = json_only_parsers()
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        user = self.request.user
        return (
            VideoRoom.objects.filter(Q(host=user) | Q(colleagues=user, kind=VideoRoom.Kind.TEAM))
            .distinct()
            .select_related("host")
            .prefetch_related("dates", "colleagues")
            .order_by("-created_at")
        )

    def _hosted(self) -> VideoRoom:
        room = self.get_object()
        if room.host_id != self.request.user.pk:
            raise NotFound
        return room

    def perform_create(self, serializer):
        if not meetings.may_host(self.request.user):
            raise PermissionDenied(str(meetings.NO_PERMISSION))
        data = serializer.validated_data
        serializer.instance = meetings.room_create(
            host=self.request.user,
            kind=data["kind"],
            title=data["title"],
            dates=[(d["start"], d["end"]) for d in data["dates"]],
            colleagues=data.get("colleagues", []),
        )

    def perform_update(self, serializer):
        room = self._hosted()
        data = serializer.validated_data
        serializer.instance = meetings.room_update(
            room=room,
            by=self.request.user,
            title=data.get("title", room.title),
            dates=[(d["start"], d["end"]) for d in data["dates"]]
            if "dates" in data
            else [(d.start, d.end) for d in room.dates.all()],
            colleagues=data["colleagues"] if "colleagues" in data else list(room.colleagues.all()),
        )

    @extend_schema(request=None, responses={200: InvitationSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="invitations")
    def invitations(self, request, uuid=None):
        room = self._hosted()
        return Response(InvitationSerializer(room.invitations.all(), many=True).data)

    @extend_schema(request=InvitationSerializer, responses={201: NewInvitationSerializer})
    @invitations.mapping.post
    def invite(self, request, uuid=None):
        room = self._hosted()
        serializer = InvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, token = meetings.invitation_create(
            room=room,
            by=request.user,
            label=serializer.validated_data.get("label", ""),
            days=serializer.validated_data.get("days"),
        )
        answer = NewInvitationSerializer(invitation).data
        answer["url"] = request.build_absolute_uri(reverse("video:invite", args=[token]))
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"], url_path=r"invitations/(?P<invitation_id>[0-9]+)/revoke")
    def revoke(self, request, uuid=None, invitation_id=None):
        room = self._hosted()
        invitation = get_object_or_404(RoomInvitation, pk=invitation_id, room=room)
        meetings.invitation_revoke(invitation=invitation, by=request.user)
        return Response(InvitationSerializer(invitation).data)
