"""A live session's workshop in the API: tables (topic, optional table host) and rounds, and the
state of the current round. Everyone who sees the session reads it; its hosts set it up."""

from __future__ import annotations

from rest_framework import serializers

from ..models.workshops import MAX_ROUNDS, MAX_TABLES
from .serializers import MAX_ID


class WorkshopTableSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    topic = serializers.CharField(max_length=200)
    host = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="the account id of the table host (a host or registered learner of the session), or null",
    )
    host_name = serializers.CharField(read_only=True)


class WorkshopSerializer(serializers.Serializer):
    rounds = serializers.IntegerField(min_value=1, max_value=MAX_ROUNDS)
    round_minutes = serializers.IntegerField(min_value=1, max_value=120)
    tables = WorkshopTableSerializer(many=True, min_length=1, max_length=MAX_TABLES)
    current_round = serializers.IntegerField(
        read_only=True, help_text="0 while everyone is in the main room"
    )
    rounds_done = serializers.IntegerField(read_only=True)
    round_ends_at = serializers.DateTimeField(read_only=True, allow_null=True)


def workshop_data(workshop, *, rounds_done: int, tables) -> dict:
    return {
        "rounds": workshop.rounds,
        "round_minutes": workshop.round_minutes,
        "tables": [
            {
                "position": table.position,
                "topic": table.topic,
                "host": table.host_id,
                "host_name": (table.host.get_full_name() or "") if table.host else "",
            }
            for table in tables
        ],
        "current_round": workshop.current_round,
        "rounds_done": rounds_done,
        "round_ends_at": workshop.round_ends_at if workshop.in_round else None,
    }
