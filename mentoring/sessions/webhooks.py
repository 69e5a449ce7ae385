"""Endpoints the Jitsi server (prosody) calls: room reservations (``mod_reservations``) and
occupant events. Both require the shared bearer token ``TANDEM_MENTORING_JITSI_API_TOKEN``;
without it configured they answer 404 (switched off)."""

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

from .. import conf
from ..models import Session
from ..video.jitsi import join_window
from . import services

MAX_OCCUPANTS = 2


def _authorised(request: HttpRequest) -> bool:
    expected = conf.get("JITSI_API_TOKEN")
    if not expected:
        raise Http404
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


def _denied(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def _room_node(value: str) -> str:
    """``room@conference.example.org`` or ``tenant/room`` → ``room`` (lower case, as prosody keeps it)."""
    return value.split("@", 1)[0].rsplit("/", 1)[-1].strip().lower()


def _reservation_id(session: Session) -> int:
    return session.pk


@csrf_exempt
@require_http_methods(["POST"])
def reservation(request: HttpRequest) -> JsonResponse:
    """Admit a room only for a booked session inside its window: answer its duration, at most two
    occupants and the lobby. Everything else gets a 403 with a message."""
    if not _authorised(request):
        return _denied(_("Not authorised."), status=401)
    name = _room_node(request.POST.get("name", ""))
    if not name:
        return _denied(_("The room name is missing."), status=400)
    session = Session.objects.filter(room_name=name).first()
    now = timezone.now()
    if session is None:
        return _denied(_("This room does not belong to a booked session."))
    if session.status != Session.Status.BOOKED:
        return _denied(_("This session is not booked (anymore)."))
    opens, closes = join_window(session.start, session.end)
    if not opens <= now < closes:
        return _denied(
            _("This room is only open from 10 minutes before until 15 minutes after the session.")
        )
    return JsonResponse(
        {
            "id": _reservation_id(session),
            "name": name,
            # prosody closes the room at start_time + duration: count from now to the end of the window
            "start_time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "duration": int((closes - now).total_seconds()),
            "mail_owner": request.POST.get("mail_owner", ""),
            "max_occupants": MAX_OCCUPANTS,
            "lobby": True,
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
    """Occupant joined/left events: record attendance of the session's members (identified by the
    pseudonymous id in their token), so the tandem sees who came and no-shows are flagged."""
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
    session = Session.objects.filter(room_name=_room_node(str(body.get("room_name", "")))).first()
    if session is None or not isinstance(occupant, dict):
        return JsonResponse({"recorded": False})
    joined = event == "muc-occupant-joined"
    at = _event_time(occupant.get("joined_at") if joined else occupant.get("left_at"))
    record = services.attendance_record(
        session=session, participant=str(occupant.get("id", "")), joined=joined, at=at
    )
    return JsonResponse({"recorded": record is not None})


@csrf_exempt
@require_http_methods(["POST"])
def room_event(request: HttpRequest, change: str) -> JsonResponse:
    """Room created/destroyed: acknowledged; attendance comes from the occupant events."""
    if not _authorised(request):
        return _denied(_("Not authorised."), status=401)
    return JsonResponse({"recorded": False})
