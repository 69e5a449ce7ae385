from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers

from .api_support import error_body
from .models import User


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "language", "time_zone"]
        read_only_fields = ["id", "email"]


@extend_schema(tags=["account"])
class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in person's own profile: name, language and time zone."""

    serializer_class = MeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return self.request.user


def unknown_endpoint(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """No endpoint of the API has this address."""
    return JsonResponse(error_body(status=404, code="not_found", detail=_("Not found.")), status=404)
