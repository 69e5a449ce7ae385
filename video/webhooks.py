"""Endpoints the Jitsi server (prosody) calls: room reservations (``mod_reservations``) and
occupant events. Both require the shared bearer token ``TANDEM_VIDEO_JITSI_API_TOKEN``;
without it configured they answer 404 (switched off).

The answers come from the room kinds the apps registered (:mod:`video.rooms`): the kind that owns
a room decides whether it may open now, for how long and for how many; occupant events go to it.
Kinds with ``keep_events`` have their known events kept as :class:`video.models.OccupantEvent`
for attendance intervals (:mod:`video.attendance`)."""

from __future__ import annotations

import hmac
import json
import math
from datetime import UTC, datetime, timedelta

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import conf
from .rooms import OccupantChange, Refusal, occupant_changed, reservation_for, room_node


def _authorised(request: HttpRequest) -> bool:
    expected = conf.get("JITSI_API_TOKEN")
    if not expected:
        raise Http404
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


def _denied(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


@csrf_exempt
@require_http_methods(["POST"])
def reservation(request: HttpRequest) -> JsonResponse:
    """Admit a room only when the kind that owns it says so, inside its window: answer its
    duration, the occupant cap and the lobby. Everything else gets a 403 with a message."""
    if not _authorised(request):
        return _denied(_("Not authorised."), status=401)
    name = room_node(request.POST.get("name", ""))
    if not name:
        return _denied(_("The room name is missing."), status=400)
    now = timezone.now()
    found = reservation_for(name, now=now)
    if found is None:
        return _denied(_("This room is not known to the platform."))
    answer = found[1]
    if isinstance(answer, Refusal):
        return _denied(answer.message)
    return JsonResponse(
        {
            "id": answer.id,
            "name": name,
            # prosody closes the room at start_time + duration: count from now to the end of the window
            "start_time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "duration": int((answer.closes - now).total_seconds()),
            "mail_owner": request.POST.get("mail_owner", ""),
            "max_occupants": answer.max_occupants,
            "lobby": answer.lobby,
        },
        status=200,
    )


@csrf_exempt
@require_http_methods(["DELETE"])
def reservation_delete(request: HttpRequest, reservation_id: str) -> JsonResponse:
    """Prosody tells us the room was destroyed; nothing to undo, the session stays as it is."""
    if not _authorised(request):
        return _denied(_("Not authorised."), status=401)
    return JsonResponse({}, status=200)


#: Events arrive as they happen; a reported time further from now is not believed.
EVENT_CLOCK_SKEW = timedelta(hours=6)


def _event_time(value) -> datetime:
    """The time prosody reports (seconds or milliseconds since the epoch, or ISO 8601); the time of
    arrival when it is missing, unreadable or far from now."""
    now = timezone.now()
    parsed = None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        seconds = value / 1000 if abs(value) > 10**11 else value
        try:
            parsed = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            parsed = None
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is not None and not timezone.is_aware(parsed):
            parsed = parsed.replace(tzinfo=UTC)
    if parsed is None:
        return now
    try:
        believable = abs(parsed - now) <= EVENT_CLOCK_SKEW
    except OverflowError:
        believable = False
    return parsed if believable else now


@csrf_exempt
@require_http_methods(["POST"])
def occupant_event(request: HttpRequest, change: str) -> JsonResponse:
    """Occupant joined/left events: the kind that owns the room records the attendance of the
    people it knows (identified by the pseudonymous id in their token); known events are kept for
    attendance intervals."""
    if not _authorised(request):
        return _denied(_("Not authorised."), status=401)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _denied(_("The body must be JSON."), status=400)
    if not isinstance(body, dict):
        return _denied(_("The body must be JSON."), status=400)
    event = str(body.get("event_name", ""))
    if change not in ("joined", "left") or event != f"muc-occupant-{change}":
        return _denied(_("Unknown event."), status=400)
    occupant = body.get("occupant") or {}
    if not isinstance(occupant, dict):
        return JsonResponse({"recorded": False})
    joined = event == "muc-occupant-joined"
    raw_room = str(body.get("room_name", ""))
    breakout = body.get("breakout_room_id") if body.get("is_breakout") else ""
    change = OccupantChange(
        room=room_node(raw_room),
        breakout=room_node(str(breakout or "")),
        participant=str(occupant.get("id", "")),
        joined=joined,
        at=_event_time(occupant.get("joined_at") if joined else occupant.get("left_at")),
        raw_room=raw_room,
        name=str(occupant.get("name", "")),
    )
    if not change.room:
        return JsonResponse({"recorded": False})
    kind, recorded = occupant_changed(change)
    if recorded and kind is not None and kind.keep_events:
        from . import services  # the model only where a kind keeps events

        services.occupant_event_keep(kind=kind, change=change)
    return JsonResponse({"recorded": recorded})


@csrf_exempt
@require_http_methods(["POST"])
def room_event(request: HttpRequest, change: str) -> JsonResponse:
    """Room created/destroyed: acknowledged; attendance comes from the occupant events."""
    if not _authorised(request):
        return _denied(_("Not authorised."), status=401)
    return JsonResponse({"recorded": False})
