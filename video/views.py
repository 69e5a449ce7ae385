"""Pages of the video rooms for team meetings and counselling: the host's list, create, edit,
invite and revoke pages; the join page of host and colleagues; a guest's invitation page and
join page (no account: a display name only)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cms.errors import ServiceError, add_to_form

from . import meetings
from .forms import GuestNameForm, InvitationForm, RoomForm
from .join import join_info
from .models import RoomInvitation, VideoRoom

GUEST_SESSION_KEY = "video-guest-names"


def _room_for(request: HttpRequest, room_uuid: uuid.UUID, *, host_only: bool = False) -> VideoRoom:
    room = get_object_or_404(
        VideoRoom.objects.select_related("host").prefetch_related("colleagues", "dates"),
        uuid=room_uuid,
    )
    role = meetings.role_of(room, request.user)
    if role is None or (host_only and role != "host"):
        raise Http404
    return room


@login_required
def room_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    rooms = (
        VideoRoom.objects.filter(host=user)
        .select_related("host")
        .prefetch_related("dates")
        .order_by("-created_at")
    )
    joined = (
        VideoRoom.objects.filter(colleagues=user, kind=VideoRoom.Kind.TEAM)
        .select_related("host")
        .prefetch_related("dates")
        .order_by("-created_at")
    )
    return render(
        request,
        "video/room_list.html",
        {
            "rooms": list(rooms),
            "joined": list(joined),
            "may_host": meetings.may_host(user),
            "now": timezone.now(),
        },
    )


def _dates_of(form) -> list:
    data = form.cleaned_data
    return meetings.weekly_dates(data["start"], data["minutes"], data["repeat"])


@login_required
@require_http_methods(["GET", "POST"])
def room_create(request: HttpRequest) -> HttpResponse:
    if not meetings.may_host(request.user):
        raise PermissionDenied(str(meetings.NO_PERMISSION))
    form = RoomForm(request.POST or None, host=request.user, initial={"kind": VideoRoom.Kind.TEAM})
    if request.method == "POST" and form.is_valid():
        try:
            room = meetings.room_create(
                host=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                dates=_dates_of(form),
                colleagues=form.cleaned_data["colleagues"],
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The room has been created. Invite your guests now."))
            return redirect("video:room", room_uuid=room.uuid)
    return render(
        request,
        "video/room_form.html",
        {"form": form, "room": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_edit(request: HttpRequest, room_uuid: uuid.UUID) -> HttpResponse:
    room = _room_for(request, room_uuid, host_only=True)
    dates = list(room.dates.all())
    initial = {
        "title": room.title,
        "colleagues": list(room.colleagues.all()),
        "repeat": max(len(dates) - 1, 0),
    }
    if dates:
        initial |= {
            "start": timezone.localtime(dates[0].start),
            "minutes": int((dates[0].end - dates[0].start).total_seconds() // 60),
        }
    form = RoomForm(request.POST or None, host=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.room_update(
                room=room,
                by=request.user,
                title=form.cleaned_data["title"],
                dates=_dates_of(form),
                colleagues=form.cleaned_data["colleagues"],
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("video:room", room_uuid=room.uuid)
    return render(
        request,
        "video/room_form.html",
        {"form": form, "room": room},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_detail(request: HttpRequest, room_uuid: uuid.UUID) -> HttpResponse:
    """The room: dates, colleagues; for the host the guest links, a form for a new one (its link
    is shown once, right after), and revoking."""
    room = _room_for(request, room_uuid)
    is_host = room.host_id == request.user.pk
    form = InvitationForm(request.POST or None) if is_host else None
    new_link = ""
    status = 200
    if request.method == "POST":
        if not is_host:
            raise Http404
        if form.is_valid():
            try:
                _invitation, token = meetings.invitation_create(
                    room=room,
                    by=request.user,
                    label=form.cleaned_data["label"],
                    days=form.cleaned_data["days"],
                )
            except ServiceError as error:
                add_to_form(form, error)
                status = 400
            else:
                new_link = request.build_absolute_uri(reverse("video:invite", args=[token]))
                status = 201
                form = InvitationForm()
        else:
            status = 400
    now = timezone.now()
    return render(
        request,
        "video/room_detail.html",
        {
            "room": room,
            "is_host": is_host,
            "form": form,
            "new_link": new_link,
            "invitations": list(room.invitations.all()) if is_host else [],
            "dates": list(room.dates.all()),
            "current": meetings.current_date(room, now),
            "now": now,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(
    request: HttpRequest, room_uuid: uuid.UUID, invitation_id: int
) -> HttpResponse:
    room = _room_for(request, room_uuid, host_only=True)
    invitation = get_object_or_404(RoomInvitation, pk=invitation_id, room=room)
    if request.method == "POST":
        meetings.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(
            request,
            _(
                "The link has been revoked: it opens nothing from now on. You can make a new link at any time."
            ),
        )
        return redirect("video:room", room_uuid=room.uuid)
    return render(request, "video/invitation_revoke.html", {"room": room, "invitation": invitation})


@login_required
def room_join(request: HttpRequest, room_uuid: uuid.UUID) -> HttpResponse:
    room = _room_for(request, room_uuid)
    now = timezone.now()
    answer = meetings.account_seat(room, request.user, now)
    if answer is None:
        raise Http404
    seat, date = answer
    info = join_info(room=room.room_name, seat=seat, start=date.start, end=date.end, now=now)
    return render(
        request,
        "video/join.html",
        {
            "room": room,
            "info": info,
            "date": date,
            "back": reverse("video:room", args=[room.uuid]),
            "guest": False,
        },
    )


# --- Guests (no account) ----------------------------------------------------------------------


def _refused(request: HttpRequest, invitation: RoomInvitation | None) -> HttpResponse:
    now = timezone.now()
    if invitation is None:
        reason, status = "unknown", 404
    elif invitation.revoked_at is not None:
        reason, status = "revoked", 410
    elif invitation.expires_at <= now:
        reason, status = "expired", 410
    else:
        reason, status = "no_dates", 410
    return render(request, "video/guest_refused.html", {"reason": reason}, status=status)


def _guest_names(request: HttpRequest) -> dict:
    names = request.session.get(GUEST_SESSION_KEY)
    return names if isinstance(names, dict) else {}


@require_http_methods(["GET", "POST"])
def guest_invite(request: HttpRequest, token: str) -> HttpResponse:
    """What a guest sees first: who invites, what is and is not recorded, a name field."""
    invitation = meetings.invitation_for_token(token)
    now = timezone.now()
    if (
        invitation is None
        or not invitation.usable(now)
        or meetings.current_date(invitation.room, now) is None
    ):
        return _refused(request, invitation)
    form = GuestNameForm(
        request.POST or None, initial={"name": _guest_names(request).get(str(invitation.pk), "")}
    )
    if request.method == "POST" and form.is_valid():
        names = _guest_names(request)
        names[str(invitation.pk)] = form.cleaned_data["name"]
        request.session[GUEST_SESSION_KEY] = names
        return redirect("video:guest-join", token=token)
    return render(
        request,
        "video/guest_invite.html",
        {
            "room": invitation.room,
            "invitation": invitation,
            "form": form,
            "current": meetings.current_date(invitation.room, now),
        },
        status=400 if form.errors else 200,
    )


def guest_join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = meetings.invitation_for_token(token)
    now = timezone.now()
    if invitation is None or not invitation.usable(now):
        return _refused(request, invitation)
    name = _guest_names(request).get(str(invitation.pk))
    if not name:
        return redirect("video:invite", token=token)
    answer = meetings.guest_seat(invitation, name, now)
    if answer is None:
        return _refused(request, invitation)
    seat, date = answer
    info = join_info(
        room=invitation.room.room_name, seat=seat, start=date.start, end=date.end, now=now
    )
    return render(
        request,
        "video/join.html",
        {
            "room": invitation.room,
            "info": info,
            "date": date,
            "back": reverse("video:invite", args=[token]),
            "guest": True,
        },
    )
