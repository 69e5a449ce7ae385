from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from cms.api import json_only_parsers

from .. import selectors, services
from ..models import Application, MatchingRun, Programme, Tandem
from . import serializers as s


@extend_schema(tags=["mentoring"])
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Mentoring programmes. Managers run the matching of their own programmes."""

    queryset = Programme.objects.all()
    serializer_class = s.ProgrammeSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=None, responses={201: s.MatchingRunSerializer})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def run(self, request, pk=None):
        programme = get_object_or_404(selectors.managed_programmes(request.user), pk=pk)
        run = services.matching_run(programme=programme, by=request.user)
        return Response(s.MatchingRunSerializer(run).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["mentoring"])
class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """My own applications."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Application.objects.none()
    # JSON only: the answers are an object and the capacity may be null; a form body carries
    # neither (415 otherwise).
    parser_classes = json_only_parsers()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.member_applications(self.request.user)

    def get_serializer_class(self):
        return s.ApplicationCreateSerializer if self.action == "create" else s.ApplicationSerializer

    @extend_schema(request=s.ApplicationCreateSerializer, responses={201: s.ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        data = s.ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_submit(by=request.user, **data.validated_data)
        return Response(s.ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["mentoring"])
class MatchingRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Matching runs and their proposals: for the managers of that programme only."""

    serializer_class = s.MatchingRunSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = MatchingRun.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatchingRun.objects.none()
        return selectors.managed_runs(self.request.user)

    @extend_schema(request=None, responses={200: s.TandemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        run = self.get_object()
        tandems = services.matching_publish(run=run, by=request.user)
        return Response(s.TandemSerializer(tandems, many=True).data)


@extend_schema(tags=["mentoring"])
class TandemViewSet(viewsets.ReadOnlyModelViewSet):
    """Tandems: visible to their two members and to the programme's managers."""

    serializer_class = s.TandemSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Tandem.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tandem.objects.none()
        return selectors.visible_tandems(self.request.user)

    @extend_schema(request=s.TandemAnswerSerializer, responses={200: s.TandemSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        tandem = self.get_object()
        data = s.TandemAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tandem = services.tandem_respond(
            tandem=tandem,
            by=request.user,
            accept=data.validated_data["accept"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(s.TandemSerializer(tandem, context={"request": request}).data)
