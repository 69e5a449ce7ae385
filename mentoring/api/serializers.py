from rest_framework import serializers

from ..models import Application, MatchingRun, Programme, Proposal, Tandem


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "applications_open",
            "applications_close",
            "matching_on",
            "starts_on",
            "ends_on",
            "matching_mode",
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = [
            "id",
            "programme",
            "role",
            "status",
            "answers",
            "motivation",
            "capacity",
            "submitted_at",
        ]
        read_only_fields = ["id", "status", "submitted_at"]


class ApplicationCreateSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    role = serializers.ChoiceField(choices=["mentee", "mentor"])
    answers = serializers.DictField()
    motivation = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10)
    consent = serializers.BooleanField()


class ProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = [
            "id",
            "mentee",
            "mentor",
            "score",
            "raw_score",
            "breakdown",
            "alternatives",
            "pinned",
        ]


class MatchingRunSerializer(serializers.ModelSerializer):
    proposals = ProposalSerializer(many=True, read_only=True)

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "programme",
            "status",
            "created_at",
            "published_at",
            "matched_count",
            "total_score",
            "seconds",
            "unmatched",
            "proposals",
        ]


class TandemSerializer(serializers.ModelSerializer):
    mentee_name = serializers.CharField(source="mentee.user.get_full_name", read_only=True)
    mentor_name = serializers.CharField(source="mentor.user.get_full_name", read_only=True)

    class Meta:
        model = Tandem
        fields = [
            "id",
            "programme",
            "status",
            "mentee_name",
            "mentor_name",
            "mentee_response",
            "mentor_response",
            "created_at",
            "started_at",
            "ended_at",
        ]


class TandemAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
