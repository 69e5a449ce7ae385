"""Personal data of learners and trainers in courses. See cms/privacy.py for how it works."""

from django.utils.translation import gettext_lazy as _

from cms.privacy import DELETE, KEEP, Personal, Record, register, register_retention, retention_days

LEARNING = _("learning progress and certificates")
WHILE_ACCOUNT = _("as long as the account exists")
staff = Personal(
    _("staff member who did it"),
    _("traceability of decisions"),
    WHILE_ACCOUNT,
    export=False,
    erased=None,
)
page_local = {
    "courses.CourseCataloguePage": ("intro",),
    "courses.CoursePage": (
        "summary",
        "learning_objectives",
        "prerequisites",
        "format",
        "language",
        "duration_hours",
        "enrolment_mode",
        "lessons_public",
        "certificate_enabled",
        "is_multiplier_course",
        "live_attendance_rule",
        "live_attendance_percent",
        "topics",
        "audiences",
    ),
    "courses.ChapterPage": ("intro",),
    "courses.LessonPage": ("intro", "body", "estimated_minutes", "requires_mark_done"),
}
TRAINERS = {
    "trainers": Personal(
        _("courses you lead as a trainer"),
        _("showing you as the course's trainer; its participants and live sessions"),
        _("as long as you are a trainer of the course"),
    ),
}
for label, fields in page_local.items():
    register(Record(label, other=fields, members=TRAINERS if label == "courses.CoursePage" else {}))

register(
    Record(
        "courses.Certificate",
        subject=("user",),
        title=_("certificates"),
        personal={
            "holder_name": Personal(
                _("name on the certificate"),
                _("certificate and its public verification"),
                _("as long as the certificate is valid"),
                erased="",
            ),
            "code": Personal(
                _("verification code"),
                _("public verification (name, course, date only)"),
                _("as long as the certificate is valid"),
                erased=KEEP,
            ),
            "issued_at": Personal(_("date of issue"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
            "revoked_reason": Personal(_("reason for revoking"), _("traceability"), WHILE_ACCOUNT),
            "trainer_names": Personal(
                _("names of the course's trainers as printed"),
                _("the certificate"),
                _("as long as the certificate is valid"),
                erased=KEEP,
            ),
        },
        actors={"revoked_by": staff},
        other=("id", "course", "course_title", "hours", "live_hours", "revoked_at", "replaces"),
        export_related={"course": "course_title"},
    ),
    Record(
        "courses.NameCorrectionRequest",
        subject=("certificate__user",),
        erase=DELETE,
        personal={
            "requested_name": Personal(
                _("requested name"), _("correcting a certificate"), _("until decided")
            ),
        },
        actors={"decided_by": staff},
        other=("id", "certificate", "status", "created_at"),
    ),
    Record(
        "courses.MultiplierQualification",
        subject=("user",),
        personal={
            "listed_in_directory": Personal(
                _("listed in the multiplier directory"),
                _("finding multipliers"),
                WHILE_ACCOUNT,
                erased=False,
            ),
            "granted_at": Personal(_("qualified since"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
        },
        other=("id", "course", "certificate", "revoked_at"),
        export_related={"course": "course"},
    ),
    Record(
        "courses.CourseRun",
        actors={
            "trainer": Personal(
                _("trainer of the run"),
                _("organising the course"),
                _("as long as the run exists"),
                export=False,
                erased=None,
            )
        },
        other=("id", "course", "title", "starts_on", "ends_on", "capacity", "enrolment_open"),
    ),
    Record(
        "courses.Enrolment",
        subject=("user",),
        title=_("enrolments"),
        personal={
            "status": Personal(_("enrolment status"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
            "created_at": Personal(_("enrolled on"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
            "completed_at": Personal(
                _("completed on"), _("completion statistics"), WHILE_ACCOUNT, erased=KEEP
            ),
        },
        actors={"decided_by": staff},
        other=("id", "course", "run", "updated_at"),
        export_related={"course": "course"},
    ),
    Record(
        "courses.VideoProgress",
        subject=("user",),
        title=_("video progress"),
        personal={
            "intervals": Personal(
                _("parts of the video watched"),
                _("resuming and completion"),
                WHILE_ACCOUNT,
                erased=[],
            ),
            "watched_seconds": Personal(
                _("seconds watched"), _("completion"), WHILE_ACCOUNT, erased=KEEP
            ),
            "position": Personal(
                _("position to resume from"), _("resuming"), WHILE_ACCOUNT, erased=0
            ),
            "completed_at": Personal(
                _("watched on"), _("completion statistics"), WHILE_ACCOUNT, erased=KEEP
            ),
        },
        other=("id", "video", "updated_at"),
        export_related={"video": "video"},
    ),
    Record(
        "courses.VideoVisit",
        subject=("user",),
        erase=DELETE,
        personal={
            "started_at": Personal(
                _("start of a viewing"), _("crediting watched time fairly"), _("90 days")
            ),
            "last_report_at": Personal(
                _("last report of a viewing"), _("crediting watched time fairly"), _("90 days")
            ),
            "credited_seconds": Personal(
                _("seconds credited"), _("crediting watched time fairly"), _("90 days")
            ),
        },
        other=("id", "visit_id", "video"),
    ),
    Record(
        "courses.LessonProgress",
        subject=("user",),
        title=_("lesson progress"),
        personal={
            "marked_done_at": Personal(_("marked as done"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
            "completed_at": Personal(_("completed on"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
            "last_visited_at": Personal(_("last visit"), _("resuming"), WHILE_ACCOUNT, erased=None),
        },
        other=("id", "lesson", "course"),
        export_related={"lesson": "lesson"},
    ),
    Record(
        "courses.QuizAttempt",
        subject=("user",),
        title=_("quiz attempts"),
        personal={
            "answers": Personal(
                _("your answers"), _("grading and feedback"), WHILE_ACCOUNT, erased={}
            ),
            "score_percent": Personal(
                _("result"), _("passing the course; statistics"), WHILE_ACCOUNT, erased=KEEP
            ),
            "passed": Personal(
                _("passed"), _("passing the course; statistics"), WHILE_ACCOUNT, erased=KEEP
            ),
            "submitted_at": Personal(_("submitted on"), LEARNING, WHILE_ACCOUNT, erased=KEEP),
        },
        other=("id", "quiz", "lesson", "number"),
        export_related={"quiz": "quiz"},
    ),
    Record(
        "courses.LiveSession",
        actors={"created_by": staff},
        other=(
            "id",
            "uuid",
            "room_name",
            "run",
            "title",
            "start",
            "duration_minutes",
            "seats",
            "status",
            "sequence",
            "cancel_reason",
            "created_at",
            "attendance_computed_at",
        ),
    ),
    Record(
        "courses.LiveSessionRegistration",
        subject=("user",),
        title=_("live session registrations"),
        personal={
            "status": Personal(
                _("registered or on the waiting list"),
                _("seats and the waiting list of live sessions"),
                WHILE_ACCOUNT,
                erased=KEEP,
            ),
            "created_at": Personal(
                _("registered on"),
                _("order of the waiting list"),
                WHILE_ACCOUNT,
                erased=KEEP,
            ),
        },
        other=("id", "session", "updated_at"),
        export_related={"live session": "session__title"},
    ),
    Record(
        "courses.LiveOccupantEvent",
        subject=("user",),
        erase=DELETE,
        title=_("joins and leaves in live sessions"),
        personal={
            "joined": Personal(
                _("joined or left the video room"),
                _("computing attendance"),
                _("until the attendance is computed (yes/no mode), else 90 days"),
            ),
            "at": Personal(
                _("time of joining or leaving"),
                _("computing attendance"),
                _("until the attendance is computed (yes/no mode), else 90 days"),
            ),
            "connection": Personal(
                _("connection in the video room"),
                _("telling reconnects apart"),
                _("until the attendance is computed (yes/no mode), else 90 days"),
            ),
        },
        other=("id", "session", "event_id"),
    ),
    Record(
        "courses.LiveAttendance",
        subject=("user",),
        title=_("live session attendance"),
        personal={
            "minutes": Personal(
                _("minutes present (not kept in the yes/no mode)"),
                _("completion and certificate"),
                WHILE_ACCOUNT,
                erased=KEEP,
            ),
            "share_percent": Personal(
                _("share of the live session present (not kept in the yes/no mode)"),
                _("completion and certificate"),
                WHILE_ACCOUNT,
                erased=KEEP,
            ),
            "attended": Personal(
                _("attended"), _("completion and certificate"), WHILE_ACCOUNT, erased=KEEP
            ),
            "corrected_at": Personal(
                _("corrected on"), _("traceability of corrections"), WHILE_ACCOUNT, erased=KEEP
            ),
            "correction_reason": Personal(
                _("reason for a correction"), _("traceability of corrections"), WHILE_ACCOUNT
            ),
        },
        actors={"corrected_by": staff},
        other=("id", "session", "updated_at"),
        export_related={"live session": "session__title"},
    ),
    Record(
        "courses.LiveWorkshop",
        actors={"removed_by": staff},
        other=(
            "id",
            "session",
            "rounds",
            "round_minutes",
            "current_round",
            "round_started_at",
            "round_ends_at",
            "removed_at",
        ),
    ),
    Record(
        "courses.WorkshopTable",
        actors={
            "host": Personal(
                _("table host of a workshop"),
                _("running the workshop"),
                _("as long as the live session exists"),
                export=False,
                erased=None,
            )
        },
        other=("id", "workshop", "position", "topic", "breakout_room"),
    ),
    Record(
        "courses.WorkshopSeat",
        subject=("user",),
        erase=DELETE,
        title=_("tables in workshops"),
        personal={
            "round": Personal(
                _("round of a workshop"),
                _("seating people so that they meet new people"),
                _("as long as the live session exists"),
            ),
            "table": Personal(
                _("table in that round"),
                _("seating people so that they meet new people"),
                _("as long as the live session exists"),
            ),
        },
        other=("id", "workshop"),
        export_related={"live session": "workshop__session__title"},
    ),
    Record(
        "courses.LiveSessionReminder",
        other=("id", "session", "kind", "session_start", "sent_at"),
    ),
    Record(
        "courses.Quiz",
        other=("id", "title", "introduction", "pass_mark", "max_attempts", "questions"),
    ),
    Record("courses.Topic", other=("id", "name", "slug")),
    Record("courses.Audience", other=("id", "name", "slug")),
    Record(
        "courses.TrainerKitItem",
        other=("id", "sort_order", "course", "title", "description", "file"),
    ),
    Record(
        "courses.LearningVideo",
        actors={"created_by": staff},
        other=(
            "id",
            "title",
            "description",
            "file",
            "mime_type",
            "file_size",
            "duration_seconds",
            "poster",
            "transcript",
            "created_at",
        ),
    ),
    Record(
        "courses.CaptionTrack",
        other=("id", "sort_order", "video", "language", "kind", "label", "webvtt", "source_file"),
    ),
)


@register_retention("courses: joins and leaves in live sessions after 90 days")
def _occupant_events(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from .models import LiveOccupantEvent

    events = LiveOccupantEvent.objects.filter(
        at__lt=now - timedelta(days=retention_days("LIVE_OCCUPANT_EVENT_DAYS", 90))
    )
    count = events.count()
    if not dry_run:
        events.delete()
    return count


@register_retention("courses: single viewings (the summary stays)")
def _visits(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from .models import VideoVisit

    visits = VideoVisit.objects.filter(
        started_at__lt=now - timedelta(days=retention_days("VIDEO_VISIT_DAYS", 90))
    )
    count = visits.count()
    if not dry_run:
        visits.delete()
    return count


@register_retention(
    "courses: workshops removed longer ago than their undo window, with their seating"
)
def _removed_workshops(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from . import conf
    from .models import LiveWorkshop

    days = int(conf.get("WORKSHOP_UNDO_DAYS"))
    removed = LiveWorkshop.objects.filter(removed_at__lt=now - timedelta(days=days))
    count = removed.count()
    if not dry_run:
        removed.delete()
    return count
