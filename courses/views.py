"""Pages and actions learners and trainers use. All writes go through services."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.files import serve_file

from . import selectors, services
from .certificates_pdf import render_certificate
from .live.selectors import my_live_sessions
from .models import (
    CaptionTrack,
    Certificate,
    CourseCataloguePage,
    CoursePage,
    Enrolment,
    LearningVideo,
    LessonPage,
    MultiplierQualification,
    Quiz,
    TrainerKitItem,
    normalise_certificate_code,
)

logger = logging.getLogger(__name__)

# --- Enrolment ------------------------------------------------------------------------------


def row_id(value: str) -> int | None:
    """A row id from a form field, or None for anything no row can have (text, signs, ids past the
    database's integer range)."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 0 < int(value) < 2**31:
        return int(value)
    return None


def _course_or_404(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course_or_404(course_id)
    run = None
    if request.POST.get("run"):
        run_id = row_id(request.POST["run"])
        run = course.runs.filter(pk=run_id).first() if run_id is not None else None
        if run is None:
            messages.error(request, str(services.RUN_NOT_OF_COURSE))
            return redirect(course.url)
    try:
        enrolment = services.enrolment_request(user=request.user, course=course, run=run)
    except services.CourseError as error:
        messages.error(request, str(error.message))
        return redirect(course.url)
    messages.success(
        request,
        {
            Enrolment.Status.ACTIVE: _("You are enrolled. Have fun learning!"),
            Enrolment.Status.REQUESTED: _(
                "Your request has been sent. A trainer will decide soon."
            ),
            Enrolment.Status.WAITLISTED: _(
                "The course is full. You are on the waiting list and move up automatically."
            ),
        }.get(enrolment.status, _("You are enrolled.")),
    )
    return redirect(course.url)


@login_required
def leave(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET asks first (what leaving means for progress, place and waiting list); POST leaves."""
    course = _course_or_404(course_id)
    enrolment = selectors.enrolment_for(request.user, course)
    if enrolment is None:
        if request.method == "POST":
            raise Http404
        messages.info(request, str(services.NOT_ENROLLED))
        return redirect(course.url)
    if request.method != "POST":
        live_seats = [
            row.session
            for row in my_live_sessions(request.user)
            if row.session.run_id == enrolment.run_id and row.session.start > timezone.now()
        ]
        return render(
            request,
            "courses/leave_confirm.html",
            {"course": course, "enrolment": enrolment, "live_sessions": live_seats},
        )
    try:
        services.enrolment_leave(enrolment=enrolment)
    except services.CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("You have left the course. You can enrol again at any time.")
            if enrolment.status in Enrolment.LEARNING_STATUSES
            else _("Your enrolment has been withdrawn. You can enrol again at any time."),
        )
    return redirect(course.url)


# --- Lessons, quizzes, videos ---------------------------------------------------------------


def _completed_now(user, course: CoursePage, was_completed: bool) -> bool:
    enrolment = selectors.enrolment_for(user, course)
    return (
        not was_completed
        and enrolment is not None
        and enrolment.status == Enrolment.Status.COMPLETED
    )


def _is_completed(user, course: CoursePage) -> bool:
    enrolment = selectors.enrolment_for(user, course)
    return enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED


def _lesson_for_learner(request: HttpRequest, lesson_id: int) -> LessonPage:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not selectors.can_view_lessons(request.user, services.course_of(lesson)):
        raise Http404
    return lesson


@login_required
@require_POST
def lesson_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson_for_learner(request, lesson_id)
    course = services.course_of(lesson)
    was_completed = _is_completed(request.user, course)
    try:
        services.lesson_mark_done(user=request.user, lesson=lesson)
    except services.CourseError as error:
        messages.error(request, str(error.message))
        return redirect(lesson.url)
    if _completed_now(request.user, course, was_completed):
        return redirect("courses:complete", course_id=course.pk)
    messages.success(request, _("Lesson marked as done."))
    next_lesson = selectors.course_progress(user=request.user, course=course).next_lesson
    return redirect(next_lesson.url if next_lesson else course.url)


@login_required
@require_POST
def quiz_submit(request: HttpRequest, lesson_id: int, quiz_id: int) -> HttpResponse:
    lesson = _lesson_for_learner(request, lesson_id)
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    if quiz_id not in lesson.quiz_ids():
        raise Http404
    answers = {
        question["id"]: request.POST.getlist(f"q-{question['id']}")
        for question in services.quiz_questions(quiz)
    }
    answers = {key: value for key, value in answers.items() if value}
    course = services.course_of(lesson)
    was_completed = _is_completed(request.user, course)
    try:
        attempt = services.quiz_submit(user=request.user, quiz=quiz, answers=answers, lesson=lesson)
    except services.CourseError as error:
        messages.error(request, str(error.message))
    else:
        if attempt.passed and _completed_now(request.user, course, was_completed):
            messages.success(
                request, _("Passed with %(score)s %%.") % {"score": attempt.score_percent}
            )
            return redirect("courses:complete", course_id=course.pk)
        if attempt.passed:
            messages.success(
                request, _("Passed with %(score)s %%.") % {"score": attempt.score_percent}
            )
        else:
            messages.warning(
                request,
                _("%(score)s %% – not passed yet. Look at the feedback and try again.")
                % {"score": attempt.score_percent},
            )
    return redirect(f"{lesson.url}#quiz-{quiz.pk}")


def video_file(request: HttpRequest, video_id: int) -> HttpResponse:
    video = get_object_or_404(LearningVideo, pk=video_id)
    if not selectors.can_watch_video(request.user, video):
        raise Http404
    return serve_file(
        request, file=video.file, content_type=video.mime_type, cache_private_seconds=3600
    )


def caption_track(request: HttpRequest, video_id: int, track_id: int) -> HttpResponse:
    track = get_object_or_404(
        CaptionTrack.objects.select_related("video"), pk=track_id, video_id=video_id
    )
    if not selectors.can_watch_video(request.user, track.video):
        raise Http404
    response = HttpResponse(track.webvtt, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _kit_download_name(item: TrainerKitItem) -> str:
    """The material's title with the file's extension: the stored name carries the random suffix
    the storage adds to keep uploads apart ("handout_a1B2c3D.pdf")."""
    stored = item.file.name.rsplit("/", 1)[-1]
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    title = " ".join(item.title.replace("/", " ").replace("\\", " ").split()) or stored
    return (
        f"{title}.{extension}"
        if extension and not title.lower().endswith(f".{extension}")
        else title
    )


@login_required
def trainer_kit_file(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(TrainerKitItem.objects.select_related("course"), pk=item_id)
    if not selectors.can_use_trainer_kit(request.user, item.course):
        raise Http404
    name = _kit_download_name(item)
    return serve_file(
        request,
        file=item.file,
        content_type="application/octet-stream",
        filename=name,
        as_attachment=True,
    )


# --- Certificates ---------------------------------------------------------------------------


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related("course"), code=normalise_certificate_code(code)
    )
    if certificate.user_id != request.user.pk and not selectors.is_course_trainer(
        request.user, certificate.course
    ):
        raise Http404
    verify_url = request.build_absolute_uri(
        reverse("courses:certificate-verify", kwargs={"code": certificate.code})
    )
    try:
        pdf = render_certificate(
            certificate,
            verify_url=verify_url,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except Exception:
        # A site's own renderer (TANDEM_COURSES_CERTIFICATE_RENDERER) failed or returned no PDF:
        # say so instead of sending a broken file, and leave the details to the log.
        logger.exception("Certificate %s could not be rendered", certificate.code)
        return TemplateResponse(
            request,
            "courses/certificate_unavailable.html",
            {"certificate": certificate},
            status=500,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Zertifikat-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate showing only name, course and date."""
    normalised = normalise_certificate_code(code)
    if normalised != code and len(normalised) == 19:
        return redirect("courses:certificate-verify", code=normalised)
    certificate = Certificate.objects.filter(code=normalised).select_related("replaced_by").first()
    return render(
        request,
        "courses/certificate_verify.html",
        {
            "certificate": certificate,
            "code": code[:40],
            "issuer": selectors.organisation_name(),
        },
        status=200 if certificate else 404,
    )


def certificate_verify_form(request: HttpRequest) -> HttpResponse:
    """Public: a form to type a certificate's code, as printed or as people type it."""
    typed = request.GET.get("code")
    error = ""
    if typed is not None:
        normalised = normalise_certificate_code(typed)
        if len(normalised) == 19:
            return redirect("courses:certificate-verify", code=normalised)
        error = _(
            "A certificate code has 16 letters and digits, e.g. ABCD-EFGH-JKLM-NPQR. "
            "Please check what you typed."
        )
    return render(
        request,
        "courses/certificate_verify_form.html",
        {"typed": (typed or "")[:40], "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def certificate_name_correction(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate,
        code=normalise_certificate_code(code),
        user=request.user,
        revoked_at__isnull=True,
    )
    try:
        services.certificate_request_name_correction(
            certificate=certificate, name=request.POST.get("name", "")
        )
    except services.CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Thank you. A trainer will check the correction and reissue the certificate."),
        )
    return redirect("courses:mine")


@login_required
def course_complete(request: HttpRequest, course_id: int) -> HttpResponse:
    """The moment a course is finished: congratulations, the certificate to download and to have
    verified, and the course to take next."""
    course = _course_or_404(course_id)
    enrolment = selectors.enrolment_for(request.user, course)
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return redirect(course.url)
    certificate = (
        Certificate.objects.filter(user=request.user, course=course, revoked_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    qualification = (
        MultiplierQualification.objects.filter(
            user=request.user, course=course, revoked_at__isnull=True
        ).first()
        if course.is_multiplier_course
        else None
    )
    return render(
        request,
        "courses/course_complete.html",
        {
            "course": course,
            "enrolment": enrolment,
            "certificate": certificate,
            "qualification": qualification,
            "next_course": selectors.next_course_for(user=request.user, course=course),
        },
    )


# --- Personal area --------------------------------------------------------------------------


@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "courses/my_courses.html",
        {
            "courses": selectors.learner_courses(request.user),
            "catalogue": CourseCataloguePage.objects.live().public().order_by("path").first(),
            "certificates": list(selectors.learner_certificates(request.user)),
            "qualifications": list(
                MultiplierQualification.objects.filter(
                    user=request.user, revoked_at__isnull=True
                ).select_related("course")
            ),
        },
    )


@login_required
@require_POST
def directory_opt_in(request: HttpRequest, course_id: int) -> HttpResponse:
    qualification = get_object_or_404(
        MultiplierQualification, user=request.user, course_id=course_id, revoked_at__isnull=True
    )
    qualification.listed_in_directory = request.POST.get("listed") == "1"
    qualification.save(update_fields=["listed_in_directory"])
    messages.success(request, _("Your directory entry has been updated."))
    return redirect("courses:mine")


@login_required
def multiplier_directory(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course_or_404(course_id)
    if not (selectors.can_use_trainer_kit(request.user, course)):
        raise Http404
    entries = (
        MultiplierQualification.objects.filter(
            course=course, revoked_at__isnull=True, listed_in_directory=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    return render(
        request, "courses/multiplier_directory.html", {"course": course, "entries": entries}
    )
