from rest_framework import serializers

from ..models import KnowledgeArticlePage, KnowledgeSpacePage

MAX_ID = 2**31 - 1


class SpaceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="url_path", read_only=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = KnowledgeSpacePage
        fields = ["id", "title", "slug", "intro", "visibility", "html_url", "url"]

    def get_html_url(self, obj) -> str:
        return obj.get_url(request=self.context.get("request")) or ""


class ArticleSerializer(serializers.ModelSerializer):
    html_url = serializers.SerializerMethodField()
    space = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="reading_version", read_only=True)

    class Meta:
        model = KnowledgeArticlePage
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "space",
            "version",
            "last_published_at",
            "last_reviewed_at",
            "html_url",
        ]

    def get_html_url(self, obj) -> str:
        return obj.get_url(request=self.context.get("request")) or ""

    def get_space(self, obj) -> int | None:
        spaces = self.context.get("space_by_path") or {}
        for path, pk in spaces.items():
            if obj.path.startswith(path):
                return pk
        return None


class ConfirmationSerializer(serializers.Serializer):
    article = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    confirmed_at = serializers.DateTimeField(read_only=True)
