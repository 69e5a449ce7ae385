"""Pages for live sessions: trainers schedule, change, cancel and follow attendance; learners of
the run register, cancel and join. People who are neither get a 404 (existence stays private)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import audit
from cms.export import CsvDownload

from ..models import CourseRun, LiveSession, LiveSessionRegistration
from ..services import CourseError
from . import selectors, services
from .forms import AttendanceCorrectionForm, CancelForm, LiveSessionForm


def _session(session_uuid: uuid.UUID) -> LiveSession:
    return get_object_or_404(
        LiveSession.objects.select_related("run__course", "run__trainer"), uuid=session_uuid
    )


def _managed_run(request: HttpRequest, run_id: int) -> CourseRun:
    run = get_object_or_404(CourseRun.objects.select_related("course"), pk=run_id)
    if not selectors.can_manage_run(request.user, run):
        raise Http404
    return run


def _managed_session(request: HttpRequest, session_uuid: uuid.UUID) -> LiveSession:
    session = _session(session_uuid)
    if not selectors.can_manage_run(request.user, session.run):
        raise Http404
    return session


# --- Trainers ----------------------------------------------------------------------------------


@login_required
def manage(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's live sessions and a form to add one."""
    run = _managed_run(request, run_id)
    form = LiveSessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.live_session_create(
                    run=run, by=request.user, **form.cleaned_data
                )
            except CourseError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "The live session “%(title)s” has been scheduled. The run's learners have been told."
                    )
                    % {"title": session.title},
                )
                return redirect("courses:live-manage", run_id=run.pk)
        status = 400
    return render(
        request,
        "courses/live/manage.html",
        {
            "run": run,
            "course": run.course,
            "sessions": selectors.run_live_sessions(run),
            "form": form,
        },
        status=status,
    )


@login_required
def edit(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    initial = {
        "title": session.title,
        "start": session.start,
        "duration_minutes": session.duration_minutes,
        "seats": session.seats,
    }
    form = LiveSessionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.live_session_update(session=session, by=request.user, **form.cleaned_data)
            except CourseError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request, _("Saved. Everyone registered has been told of the change.")
                )
                return redirect("courses:live-manage", run_id=session.run_id)
        status = 400
    return render(
        request,
        "courses/live/edit.html",
        {"session": session, "run": session.run, "form": form, "cancel_form": CancelForm()},
        status=status,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(services.REASON_REQUIRED))
        return redirect("courses:live-edit", session_uuid=session.uuid)
    try:
        services.live_session_cancel(
            session=session, by=request.user, reason=form.cleaned_data["reason"]
        )
    except CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "The live session has been cancelled and everyone registered has been told. You can undo this on the list."
            ),
        )
    return redirect("courses:live-manage", run_id=session.run_id)


@login_required
@require_POST
def restore(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    try:
        services.live_session_restore(session=session, by=request.user)
    except CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The live session takes place again; everyone registered has been told.")
        )
    return redirect("courses:live-manage", run_id=session.run_id)


@login_required
def attendance(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    return render(
        request,
        "courses/live/attendance.html",
        {
            "session": session,
            "run": session.run,
            "rows": selectors.attendance_rows(session),
            "boolean_mode": selectors.boolean_mode(),
        },
    )


@login_required
@require_POST
def attendance_compute(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    services.live_attendance_compute(session=session)
    messages.success(
        request, _("The attendance has been computed from the video server's reports.")
    )
    return redirect("courses:live-attendance", session_uuid=session.uuid)


@login_required
@require_POST
def attendance_correct(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    form = AttendanceCorrectionForm(request.POST)
    person = None
    if form.is_valid():
        person = get_user_model().objects.filter(pk=form.cleaned_data["user"]).first()
    if person is None:
        messages.error(request, _("Please check the correction: the reason is required."))
        return redirect("courses:live-attendance", session_uuid=session.uuid)
    try:
        services.live_attendance_correct(
            session=session,
            user=person,
            by=request.user,
            reason=form.cleaned_data["reason"],
            minutes=form.cleaned_data["minutes"],
            attended=form.cleaned_data["attended"],
        )
    except CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The attendance has been corrected."))
    return redirect("courses:live-attendance", session_uuid=session.uuid)


@login_required
def attendance_export(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _managed_session(request, session_uuid)
    boolean = selectors.boolean_mode()
    audit.record(action="export.csv", by=request.user, target=f"live session {session.pk}")
    export = CsvDownload(f"anwesenheit-{session.start:%Y-%m-%d}-{session.pk}.csv")
    header = [_("Name"), _("E-mail address"), _("Registration")]
    header += (
        [_("Attended")] if boolean else [_("Minutes present"), _("Share in percent"), _("Attended")]
    )
    header += [_("Corrected"), _("Reason for the correction")]
    export.row(header)
    for row in selectors.attendance_rows(session):
        attendance = row.attendance
        values = [
            row.user.get_full_name(),
            row.user.email,
            row.registration.get_status_display() if row.registration else "",
        ]
        attended = _("yes") if attendance and attendance.attended else _("no")
        if boolean:
            values.append(attended if attendance else "")
        else:
            values += [
                attendance.minutes if attendance and attendance.minutes is not None else "",
                attendance.share_percent
                if attendance and attendance.share_percent is not None
                else "",
                attended if attendance else "",
            ]
        values += [
            _("yes") if attendance and attendance.corrected_at else "",
            attendance.correction_reason if attendance else "",
        ]
        export.row(values)
    return export.response


# --- Learners ------------------------------------------------------------------------------------


def _visible(request: HttpRequest, session: LiveSession) -> tuple[bool, bool]:
    """(is a host or trainer, is a learner of the run); neither: 404."""
    manages = selectors.can_manage_run(request.user, session.run)
    learner = selectors.learner_enrolment(request.user, session.run) is not None
    if not (manages or learner):
        raise Http404
    return manages, learner


@login_required
def detail(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    from django.apps import apps

    session = _session(session_uuid)
    manages, learner = _visible(request, session)
    rows = selectors.course_live_sessions(
        course=session.run.course,
        user=request.user,
        enrolment=selectors.learner_enrolment(request.user, session.run),
    )
    row = next((row for row in rows if row.session.pk == session.pk), None)
    opens, closes = selectors.join_window(session)
    is_host = selectors.is_host(request.user, session)
    removed, removed_until = None, None
    if is_host or request.user.is_superuser:  # who may undo removing the workshop sees how
        from .workshop.selectors import removed_workshop, undo_until

        removed = removed_workshop(session)
        removed_until = undo_until(removed) if removed else None
    return render(
        request,
        "courses/live/detail.html",
        {
            "session": session,
            "course": session.run.course,
            "row": row,
            "manages": manages,
            "is_host": is_host,
            "has_rooms": apps.is_installed("video"),
            "opens": opens,
            "closes": closes,
            "removed_workshop": removed,
            "workshop_undo_until": removed_until,
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _session(session_uuid)
    _visible(request, session)
    try:
        registration = services.live_registration_create(session=session, user=request.user)
    except CourseError as error:
        messages.error(request, str(error.message))
    else:
        if registration.status == LiveSessionRegistration.Status.REGISTERED:
            messages.success(
                request, _("You are registered. The calendar file is on its way by e-mail.")
            )
        else:
            messages.success(
                request,
                _(
                    "The live session is full. You are on the waiting list and move up by yourself when a seat becomes free."
                ),
            )
    return redirect("courses:live-session", session_uuid=session.uuid)


@login_required
@require_POST
def unregister(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _session(session_uuid)
    registration = LiveSessionRegistration.objects.filter(
        session=session, user=request.user, status__in=LiveSessionRegistration.OPEN_STATUSES
    ).first()
    if registration is None:
        raise Http404
    try:
        services.live_registration_cancel(registration=registration, by=request.user)
    except CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Your registration has been cancelled. You can register again while seats are free."),
        )
    return redirect("courses:live-session", session_uuid=session.uuid)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "courses/live/mine.html",
        {
            "rows": selectors.my_live_sessions(request.user),
            "hosted": selectors.hosted_live_sessions(request.user),
        },
    )


@login_required
def join(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """The live session's video room: hosts as owners, registered learners as members who enter
    directly, other learners of the run wait in the lobby; the room only within its window."""
    from django.apps import apps

    session = _session(session_uuid)
    _visible(request, session)
    if not apps.is_installed("video"):
        raise Http404
    from .video import join_info

    info = join_info(session=session, user=request.user)
    if info is None:
        raise Http404
    waits_in_lobby = (
        info.affiliation == "member"
        and not session.registrations.filter(
            user=request.user, status=LiveSessionRegistration.Status.REGISTERED
        ).exists()
    )
    from .workshop.selectors import tables, workshop_of

    workshop = workshop_of(session)
    return render(
        request,
        "courses/live/join.html",
        {
            "session": session,
            "course": session.run.course,
            "info": info,
            "waits_in_lobby": waits_in_lobby,
            "workshop": workshop,
            "workshop_tables": tables(workshop) if workshop else [],
            "is_host": info.affiliation == "owner",
        },
    )
