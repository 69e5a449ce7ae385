"""The trainer's pages for the courses she trains: learners and their progress, the CSV export,
enrolment requests, certificate revocations and name corrections. All writes go through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import audit
from cms.export import CsvDownload

from . import selectors, services
from .models import (
    Certificate,
    CoursePage,
    CourseRun,
    Enrolment,
    NameCorrectionRequest,
    QuizAttempt,
    normalise_certificate_code,
)
from .views import row_id


def _managed_course(request: HttpRequest, course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not selectors.is_course_trainer(request.user, course):
        raise Http404
    return course


def _selected_run(request: HttpRequest, course: CoursePage) -> CourseRun | None:
    run_id = row_id(request.GET.get("run", ""))
    return course.runs.filter(pk=run_id).first() if run_id is not None else None


def _learner_rows(course: CoursePage, run: CourseRun | None = None):
    from .models import LessonProgress

    outline = selectors.course_outline(course)
    lesson_ids = [lesson.pk for lesson, _chapter in outline]
    enrolments = course.enrolments.select_related("user", "run").order_by("status", "created_at")
    if run is not None:
        enrolments = enrolments.filter(run=run)
    # One row per learner: who left (or was declined) and enrolled again keeps the older
    # enrolment as history, and the list shows her current one only.
    enrolments = list(enrolments)
    latest: dict[int, Enrolment] = {}
    for enrolment in enrolments:
        current = latest.get(enrolment.user_id)
        if current is None or (enrolment.created_at, enrolment.pk) > (
            current.created_at,
            current.pk,
        ):
            latest[enrolment.user_id] = enrolment
    enrolments = [e for e in enrolments if latest[e.user_id] is e]
    done: dict[int, int] = {}
    for user_id in LessonProgress.objects.filter(
        course=course, lesson_id__in=lesson_ids, completed_at__isnull=False
    ).values_list("user_id", flat=True):
        done[user_id] = done.get(user_id, 0) + 1
    quiz_results: dict[int, list[QuizAttempt]] = {}
    for attempt in (
        QuizAttempt.objects.filter(lesson_id__in=lesson_ids).select_related("quiz").order_by("pk")
    ):
        quiz_results.setdefault(attempt.user_id, []).append(attempt)
    certificates = {
        c.user_id: c for c in Certificate.objects.filter(course=course, revoked_at__isnull=True)
    }
    rows = []
    for enrolment in enrolments:
        completed = done.get(enrolment.user_id, 0)
        best: dict[int, QuizAttempt] = {}
        for attempt in quiz_results.get(enrolment.user_id, []):
            if (
                attempt.quiz_id not in best
                or attempt.score_percent > best[attempt.quiz_id].score_percent
            ):
                best[attempt.quiz_id] = attempt
        rows.append(
            {
                "enrolment": enrolment,
                "completed": completed,
                "percent": round(100 * completed / len(lesson_ids)) if lesson_ids else 0,
                "quizzes": list(best.values()),
                "certificate": certificates.get(enrolment.user_id),
            }
        )
    return outline, rows


@login_required
def manage_course(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _managed_course(request, course_id)
    run = _selected_run(request, course)
    outline, rows = _learner_rows(course, run)
    corrections = list(
        NameCorrectionRequest.objects.filter(
            certificate__course=course, status=NameCorrectionRequest.Status.OPEN
        ).select_related("certificate")
    )
    return render(
        request,
        "courses/manage_course.html",
        {
            "course": course,
            "rows": rows,
            "lesson_count": len(outline),
            "corrections": corrections,
            "requests": [
                row for row in rows if row["enrolment"].status == Enrolment.Status.REQUESTED
            ],
            "runs": list(course.runs.all()),
            "selected_run": run,
        },
    )


@login_required
def manage_course_export(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _managed_course(request, course_id)
    outline, rows = _learner_rows(course, _selected_run(request, course))
    audit.record(action="export.csv", by=request.user, target=f"course {course.pk}")
    export = CsvDownload(f"teilnehmende-{course.slug}.csv")
    export.row(
        [
            _("Name"),
            _("E-mail address"),
            _("Course run"),
            _("Status"),
            _("Lessons done"),
            _("Progress in percent"),
            _("Quiz results"),
            _("Certificate"),
        ]
    )
    for row in rows:
        enrolment = row["enrolment"]
        export.row(
            [
                enrolment.user.get_full_name(),
                enrolment.user.email,
                enrolment.run.title if enrolment.run else "",
                enrolment.get_status_display(),
                f"{row['completed']}/{len(outline)}",
                row["percent"],
                ", ".join(f"{a.quiz.title}: {a.score_percent} %" for a in row["quizzes"]),
                row["certificate"].code if row["certificate"] else "",
            ]
        )
    return export.response


@login_required
@require_POST
def enrolment_decide(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = get_object_or_404(Enrolment.objects.select_related("course"), pk=enrolment_id)
    if not selectors.is_course_trainer(request.user, enrolment.course):
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        services.enrolment_decide(enrolment=enrolment, by=request.user, accept=accept)
    except services.CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Request accepted.") if accept else _("Request declined."))
    return redirect("courses:manage", course_id=enrolment.course_id)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related("course"), code=normalise_certificate_code(code)
    )
    if not selectors.is_course_trainer(request.user, certificate.course):
        raise Http404
    try:
        services.certificate_revoke(
            certificate=certificate, by=request.user, reason=request.POST.get("reason", "")
        )
    except services.CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The certificate has been revoked."))
    return redirect("courses:manage", course_id=certificate.course_id)


@login_required
@require_POST
def name_correction_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    correction = get_object_or_404(
        NameCorrectionRequest.objects.select_related("certificate__course"),
        pk=request_id,
        status=NameCorrectionRequest.Status.OPEN,
    )
    course = correction.certificate.course
    if not selectors.is_course_trainer(request.user, course):
        raise Http404
    if request.POST.get("decision") == "accept":
        services.certificate_correct_name(request=correction, by=request.user)
        messages.success(request, _("The certificate has been reissued with the corrected name."))
    else:
        correction.status = NameCorrectionRequest.Status.DECLINED
        correction.decided_by = request.user
        correction.save(update_fields=["status", "decided_by"])
        messages.success(request, _("The correction has been declined."))
    return redirect("courses:manage", course_id=course.pk)
