from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..models import Application, Criterion, MatchingRun, Programme, Proposal, Tandem


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


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The programme's question, translated.")
    answer = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion the reason is about, translated.")
    reason = serializers.CharField(help_text="Why the pair fits on it, in words.")


class PartnerProfileSerializer(serializers.Serializer):
    """What a member sees of the proposed partner before deciding (the same as on "My
    mentoring"): her role, her answers to the programme's questions of her role (e.g. the
    organisation and the topics), the short text she chose to share, and the reasons of the
    match."""

    name = serializers.CharField()
    role = serializers.CharField(help_text="The partner's role, translated.")
    answers = AnswerSerializer(many=True)
    text = serializers.CharField(help_text="The text she chose to share; empty if none.")
    reasons = ReasonSerializer(many=True)
    fit = serializers.IntegerField(
        allow_null=True, help_text="The match's fit (0–100); null for a pair made by hand."
    )


class TandemSerializer(serializers.ModelSerializer):
    mentee_name = serializers.CharField(source="mentee.user.get_full_name", read_only=True)
    mentor_name = serializers.CharField(source="mentor.user.get_full_name", read_only=True)
    partner = serializers.SerializerMethodField(
        help_text=(
            "For a member deciding on a proposed tandem: the partner's profile. "
            "Null once the tandem is decided and for the programme's managers."
        )
    )

    @extend_schema_field(PartnerProfileSerializer(allow_null=True))
    def get_partner(self, tandem: Tandem) -> dict | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if (
            user is None
            or tandem.status != Tandem.Status.PROPOSED
            or user.pk not in (tandem.mentee.user_id, tandem.mentor.user_id)
        ):
            return None
        criteria_of = self.context.setdefault("criteria_of", {})
        if tandem.programme_id not in criteria_of:
            criteria_of[tandem.programme_id] = {
                c.key: c for c in Criterion.objects.filter(programme_id=tandem.programme_id)
            }
        profile = selectors.partner_profile(
            tandem=tandem, user=user, criteria=criteria_of[tandem.programme_id]
        )
        partner = tandem.mentor if tandem.mentee.user_id == user.pk else tandem.mentee
        return {
            "name": partner.user.get_full_name(),
            "role": profile["role"],
            "answers": [{"question": q, "answer": a} for q, a in profile["answers"]],
            "text": profile["text"],
            "reasons": [{"criterion": c, "reason": r} for c, r in profile["reasons"]],
            "fit": profile["fit"],
        }

    class Meta:
        model = Tandem
        fields = [
            "id",
            "programme",
            "status",
            "mentee_name",
            "mentor_name",
            "partner",
            "mentee_response",
            "mentor_response",
            "created_at",
            "started_at",
            "ended_at",
        ]


class TandemAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
