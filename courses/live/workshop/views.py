"""Workshop pages: hosts set up tables and rounds; in the room, every browser polls the round's
state (timer, own table) and reports its video endpoint; the host's console starts rounds and
brings everyone back. JSON answers are personal: ``Cache-Control: no-store``."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ... import conf
from ...models import LiveSession
from ...models.workshops import MAX_TABLES
from ...services import CourseError
from .. import selectors as live_selectors
from . import selectors, services

EMPTY_ROWS = 3


def _session(session_uuid: uuid.UUID) -> LiveSession:
    return get_object_or_404(
        LiveSession.objects.select_related("run__course", "run__trainer"), uuid=session_uuid
    )


def _hosted(request: HttpRequest, session_uuid: uuid.UUID) -> LiveSession:
    session = _session(session_uuid)
    if not (live_selectors.is_host(request.user, session) or request.user.is_superuser):
        raise Http404
    return session


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _error(error: CourseError) -> JsonResponse:
    status = 403 if error.code == "forbidden" else 409 if error.code == "round_running" else 400
    return _json({"code": error.code, "message": str(error.message)}, status=status)


def _body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def setup(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """Tables (topic, optional table host) and rounds of a live session's workshop."""
    session = _hosted(request, session_uuid)
    workshop = selectors.workshop_of(session)
    tables = selectors.tables(workshop) if workshop else []
    choices = selectors.table_host_choices(session)
    status = 200
    values = {
        "rounds": workshop.rounds if workshop else 3,
        "round_minutes": workshop.round_minutes if workshop else 20,
        "rows": [{"topic": table.topic, "host": table.host_id} for table in tables],
    }
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            if not request.POST.get("confirm"):
                messages.error(
                    request,
                    _("Please confirm that the live session is to be a plain session again."),
                )
                return redirect("courses:live-workshop", session_uuid=session.uuid)
            removed = services.workshop_remove(session=session, by=request.user)
            until = selectors.undo_until(removed) if removed else None
            if until is not None:
                messages.success(
                    request,
                    _("The live session is no longer a workshop. You can undo this until %(date)s.")
                    % {"date": date_format(timezone.localtime(until), "DATETIME_FORMAT")},
                )
            return redirect("courses:live-session", session_uuid=session.uuid)
        if request.POST.get("action") == "restore":
            try:
                services.workshop_restore(session=session, by=request.user)
            except CourseError as failure:
                messages.error(request, str(failure.message))
                return redirect("courses:live-session", session_uuid=session.uuid)
            messages.success(request, _("The workshop is back, with its tables and who sat where."))
            return redirect("courses:live-workshop", session_uuid=session.uuid)
        rows = []
        for index in range(MAX_TABLES + EMPTY_ROWS):
            topic = request.POST.get(f"topic-{index}", "")
            host = _int(request.POST.get(f"host-{index}"), 0) or None
            if topic.strip() or host:
                rows.append({"topic": topic, "host": host})
        values = {
            "rounds": request.POST.get("rounds", ""),
            "round_minutes": request.POST.get("round_minutes", ""),
            "rows": rows,
        }
        try:
            services.workshop_save(
                session=session,
                by=request.user,
                rounds=_int(values["rounds"]),
                round_minutes=_int(values["round_minutes"]),
                tables=[(row["topic"], row["host"]) for row in rows],
            )
        except CourseError as failure:
            error = str(failure.message)
            status = 400
        else:
            messages.success(
                request, _("The workshop has been saved. You start its rounds in the video room.")
            )
            return redirect("courses:live-workshop", session_uuid=session.uuid)
    rows = list(values["rows"]) + [{"topic": "", "host": None}] * EMPTY_ROWS
    removed = None if workshop else selectors.removed_workshop(session)
    return render(
        request,
        "courses/live/workshop.html",
        {
            "session": session,
            "run": session.run,
            "workshop": workshop,
            "values": values,
            "rows": rows[: MAX_TABLES + EMPTY_ROWS],
            "choices": choices,
            "error": error,
            "removed": removed,
            "undo_until": selectors.undo_until(removed) if removed else None,
            "undo_days": conf.get("WORKSHOP_UNDO_DAYS"),
        },
        status=status,
    )


@login_required
@require_GET
def state(request: HttpRequest, session_uuid: uuid.UUID) -> JsonResponse:
    """The round's state for everyone in the room (hosts also get who moves where)."""
    session = _session(session_uuid)
    host = live_selectors.is_host(request.user, session)
    if not host and request.user.pk not in selectors.eligible_ids(session):
        raise Http404
    return _json(selectors.round_state(session, user=request.user, host=host).as_json())


@login_required
@require_POST
def endpoint(request: HttpRequest, session_uuid: uuid.UUID) -> JsonResponse:
    """A browser in the room reports its video endpoint id."""
    session = _session(session_uuid)
    host = live_selectors.is_host(request.user, session)
    if not host and request.user.pk not in selectors.eligible_ids(session):
        raise Http404  # the same answer as for a session that does not exist
    try:
        services.workshop_endpoint_record(
            session=session, user=request.user, endpoint=str(_body(request).get("endpoint", ""))
        )
    except CourseError as failure:
        if failure.code == "forbidden":
            raise Http404 from failure
        return _error(failure)
    return _json({"recorded": True})


@login_required
@require_POST
def round_start(request: HttpRequest, session_uuid: uuid.UUID) -> JsonResponse:
    session = _hosted(request, session_uuid)
    body = _body(request)
    rooms = body.get("breakout_rooms")
    try:
        services.workshop_round_start(
            session=session,
            by=request.user,
            number=_int(body.get("round")),
            breakout_rooms={
                _int(key, -1): str(value)
                for key, value in (rooms.items() if isinstance(rooms, dict) else [])
            },
        )
    except CourseError as failure:
        return _error(failure)
    return _json(selectors.round_state(session, user=request.user, host=True).as_json())


@login_required
@require_POST
def round_end(request: HttpRequest, session_uuid: uuid.UUID) -> JsonResponse:
    session = _hosted(request, session_uuid)
    try:
        services.workshop_round_end(session=session, by=request.user)
    except CourseError as failure:
        return _error(failure)
    return _json(selectors.round_state(session, user=request.user, host=True).as_json())
