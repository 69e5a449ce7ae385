from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers

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
    """No endpoint of the API has this address: the site's 404, which answers JSON under /api/."""
    from .views import page_not_found

    return page_not_found(request)
