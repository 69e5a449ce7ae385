from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.response import Response

from cms.search import search_terms

from .. import selectors, services
from ..models import KnowledgeArticlePage, KnowledgeSpacePage
from . import serializers as s


def _id(value) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise Http404 from None
    if not 0 < number <= s.MAX_ID:
        raise Http404
    return number


@extend_schema(tags=["knowledge"])
class SpaceViewSet(viewsets.ReadOnlyModelViewSet):
    """The knowledge spaces the caller may read."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.SpaceSerializer
    queryset = KnowledgeSpacePage.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return KnowledgeSpacePage.objects.none()
        return selectors.readable_spaces(self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=_id(self.kwargs["pk"]))


@extend_schema(
    tags=["knowledge"],
    parameters=[
        OpenApiParameter("space", int, description="Only articles of this space"),
        OpenApiParameter("q", str, description="Full-text search"),
    ],
)
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """The articles the caller may read; ``q`` searches them, ``space`` limits them to a space."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ArticleSerializer
    queryset = KnowledgeArticlePage.objects.none()

    def _space(self):
        if "space" not in self.request.query_params:
            return None
        raw = self.request.query_params.get("space", "")  # given but empty: no such space (404)
        return get_object_or_404(selectors.readable_spaces(self.request.user), pk=_id(raw))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return KnowledgeArticlePage.objects.none()
        return selectors.readable_articles(self.request.user, space=self._space()).order_by("path")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["space_by_path"] = dict(KnowledgeSpacePage.objects.values_list("path", "pk"))
        return context

    def list(self, request, *args, **kwargs):
        query = search_terms(request.query_params.get("q"))
        if not query:
            return super().list(request, *args, **kwargs)
        results = list(selectors.search_articles(request.user, query, space=self._space()))
        page = self.paginate_queryset(results)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=_id(self.kwargs["pk"]))


@extend_schema(tags=["knowledge"], request=None, responses={201: s.ConfirmationSerializer})
class ConfirmationView(generics.GenericAPIView):
    """Confirm "read and understood" for the current version of a mandatory article."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ConfirmationSerializer

    def post(self, request, pk):
        article = get_object_or_404(selectors.readable_articles(request.user), pk=_id(pk))
        confirmation = services.article_confirm_read(article=article, user=request.user)
        return Response(
            {
                "article": article.pk,
                "version": confirmation.version,
                "confirmed_at": confirmation.confirmed_at,
            },
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["knowledge"], responses={200: s.ArticleSerializer(many=True)})
class OpenConfirmationsView(generics.ListAPIView):
    """Mandatory articles the caller still has to confirm (paginated like every list)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ArticleSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return KnowledgeArticlePage.objects.none()
        return selectors.open_confirmations(self.request.user)
