"""Personal data in mentoring: applications, consent, matching, tandems, sessions and calendars.
See cms/privacy.py for how the inventory drives export and erasure."""

from django.utils.translation import gettext_lazy as _

from cms.privacy import (
    DELETE,
    KEEP,
    Personal,
    Record,
    register,
    register_erasure_hook,
    register_retention,
    retention_days,
)

PROGRAMME = _("until the programme's data is deleted (retention after the programme ends)")
TANDEM = _("as long as the tandem's data is kept")
ATTENDANCE = _("90 days after the session")
staff = Personal(
    _("programme manager who did it"),
    _("traceability of decisions"),
    PROGRAMME,
    export=False,
    erased=None,
)
member = Personal(
    _("tandem member who did it"), _("history of the session"), TANDEM, export=False, erased=None
)
register(
    Record(
        "mentoring.ProgrammeLogEntry",
        actors={"user": staff},
        other=(
            "id",
            "action",
            "content_changed",
            "content_type",
            "data",
            "deleted",
            "label",
            "object_id",
            "revision",
            "timestamp",
            "uuid",
        ),
    )
)
TANDEM_PEOPLE = ("tandem__mentee__user", "tandem__mentor__user")
SESSION_PEOPLE = ("mentor", "mentee")

register(
    Record(
        "mentoring.Programme",
        members={
            "managers": Personal(
                _("programmes you manage"),
                _("access to the programme's administration"),
                _("as long as you manage the programme"),
            ),
        },
        other=(
            "id",
            "session_lengths",
            "buffer_before",
            "buffer_after",
            "min_notice_hours",
            "horizon_days",
            "max_per_day",
            "max_per_week",
            "title",
            "slug",
            "summary",
            "applications_open",
            "applications_close",
            "matching_on",
            "starts_on",
            "ends_on",
            "matching_mode",
            "fairness",
            "default_mentor_capacity",
            "suggestions_per_mentee",
            "privacy_notice_version",
            "sessions_need_confirmation",
            "session_change_cutoff_hours",
        ),
    ),
    Record("mentoring.ProgrammePage", other=("intro", "body", "programme")),
    Record(
        "mentoring.Criterion",
        other=(
            "id",
            "sort_order",
            "programme",
            "key",
            "kind",
            "mentee_question",
            "mentor_question",
            "answer_type",
            "choices",
            "weight",
            "rule",
            "required",
        ),
    ),
    Record(
        "mentoring.Application",
        subject=("user",),
        title=_("applications"),
        personal={
            "answers": Personal(
                _("your answers to the matching questions"), _("matching"), PROGRAMME, erased={}
            ),
            "motivation": Personal(
                _("your motivation"), _("the programme management's decision"), PROGRAMME
            ),
            "shared_profile": Personal(
                _("short profile text for your tandem partner"),
                _("shown to a person proposed to you as tandem partner (only if you wrote it)"),
                PROGRAMME,
            ),
            "waiting_since": Personal(
                _("on the waiting list since"), _("matching"), PROGRAMME, erased=KEEP
            ),
            "capacity": Personal(
                _("how many mentees you accompany"), _("matching"), PROGRAMME, erased=KEEP
            ),
            "role": Personal(_("role"), _("matching; statistics"), PROGRAMME, erased=KEEP),
            "status": Personal(_("status"), _("matching; statistics"), PROGRAMME, erased=KEEP),
            "submitted_at": Personal(
                _("submitted on"), _("matching; statistics"), PROGRAMME, erased=KEEP
            ),
        },
        actors={"decided_by": staff},
        other=("id", "programme", "paused", "consent", "decided_at"),
        export_related={"programme": "programme"},
    ),
    Record(
        "mentoring.ConsentRecord",
        subject=("user",),
        title=_("consents"),
        personal={
            "purpose": Personal(
                _("what you agreed to"),
                _("proof of consent"),
                _("as long as the account exists"),
                erased=KEEP,
            ),
            "document_version": Personal(
                _("version of the privacy notice"),
                _("proof of consent"),
                _("as long as the account exists"),
                erased=KEEP,
            ),
            "action": Personal(
                _("given or withdrawn"),
                _("proof of consent"),
                _("as long as the account exists"),
                erased=KEEP,
            ),
            "recorded_at": Personal(
                _("when"), _("proof of consent"), _("as long as the account exists"), erased=KEEP
            ),
        },
        other=("id",),
    ),
    Record(
        "mentoring.PairRule",
        subject=("mentee__user", "mentor__user"),
        erase=DELETE,
        personal={
            "reason": Personal(
                _("reason for a fixed or forbidden pair"), _("matching"), PROGRAMME, export=False
            ),
        },
        actors={"created_by": staff},
        other=("id", "programme", "mentee", "mentor", "kind", "created_at"),
    ),
    Record(
        "mentoring.ProgrammeEnding",
        actors={"ended_by": staff, "undone_by": staff},
        other=(
            "id",
            "programme",
            "ended_at",
            "early_reason",
            "undone_at",
            "tandems",
            "sessions",
        ),
    ),
    Record(
        "mentoring.MatchingRun",
        actors={"created_by": staff},
        other=(
            "id",
            "programme",
            "status",
            "created_at",
            "published_at",
            "settings_snapshot",
            "unmatched",
            "pin_issues",
            "matched_count",
            "total_score",
            "seconds",
        ),
    ),
    Record(
        "mentoring.Proposal",
        subject=("mentee__user", "mentor__user"),
        personal={
            "breakdown": Personal(
                _("explanation of a proposed pair"),
                _("matching"),
                PROGRAMME,
                export=False,
                erased=[],
            ),
            "alternatives": Personal(
                _("alternatives for the mentee"), _("matching"), PROGRAMME, export=False, erased=[]
            ),
            "score": Personal(
                _("score of the pair"),
                _("matching; statistics"),
                PROGRAMME,
                export=False,
                erased=KEEP,
            ),
            "raw_score": Personal(
                _("weighted score"), _("matching"), PROGRAMME, export=False, erased=KEEP
            ),
        },
        other=("id", "run", "mentee", "mentor", "pinned"),
    ),
    Record(
        "mentoring.Tandem",
        subject=("mentee__user", "mentor__user"),
        title=_("tandems"),
        personal={
            "status": Personal(_("status"), _("the tandem; statistics"), TANDEM, erased=KEEP),
            "end_reason": Personal(_("reason for ending"), _("the programme management"), TANDEM),
            "started_at": Personal(_("started"), _("statistics"), TANDEM, erased=KEEP),
            "ended_at": Personal(_("ended"), _("statistics"), TANDEM, erased=KEEP),
            "times_requested_at": Personal(
                _("mentor asked to set times"),
                _("telling the mentor once that her mentee wants to book"),
                TANDEM,
                erased=KEEP,
            ),
        },
        other=(
            "id",
            "programme",
            "mentee",
            "mentor",
            "proposal",
            "mentee_response",
            "mentor_response",
            "created_at",
        ),
        export_related={"programme": "programme"},
    ),
    Record(
        "mentoring.Agreement",
        subject=TANDEM_PEOPLE,
        personal={
            "rhythm_note": Personal(_("note on your meetings"), _("the tandem"), TANDEM),
            "rhythm": Personal(_("rhythm"), _("the tandem"), TANDEM, erased=KEEP),
            "confidentiality": Personal(
                _("confidentiality agreed"), _("the tandem"), TANDEM, erased=KEEP
            ),
        },
        other=("id", "tandem", "mentee_confirmed_at", "mentor_confirmed_at", "updated_at"),
    ),
    Record(
        "mentoring.Goal",
        subject=TANDEM_PEOPLE,
        personal={
            "title": Personal(_("goal"), _("the tandem"), TANDEM),
            "progress": Personal(_("progress"), _("the tandem; statistics"), TANDEM, erased=KEEP),
        },
        other=("id", "tandem", "created_at"),
    ),
    Record(
        "mentoring.FeedbackResponse",
        subject=("respondent",),
        personal={
            "comment": Personal(_("your comment"), _("improving the programme"), PROGRAMME),
            "satisfaction": Personal(
                _("satisfaction (1–5)"), _("statistics"), PROGRAMME, erased=KEEP
            ),
            "goal_progress": Personal(
                _("goal progress (1–5)"), _("statistics"), PROGRAMME, erased=KEEP
            ),
        },
        other=("id", "tandem", "role", "phase", "submitted_at"),
    ),
    Record(
        "mentoring.MentorSchedule",
        subject=("user",),
        erase=DELETE,
        title=_("availability"),
        personal={
            "time_zone": Personal(
                _("time zone"), _("availability in your local time"), _("as long as you mentor")
            ),
        },
        other=(
            "id",
            "calendar",
            "session_lengths",
            "buffer_before",
            "buffer_after",
            "min_notice_hours",
            "horizon_days",
            "max_per_day",
            "max_per_week",
            "own_rules",
        ),
    ),
    Record(
        "schedule.Event",
        subject=("calendar__mentor_schedule__user",),
        erase=DELETE,
        title=_("availability and absences"),
        app="mentoring",
        personal={
            "title": Personal(
                _("available or blocked"), _("booking"), _("until the time has passed")
            ),
            "start": Personal(_("from"), _("booking"), _("until the time has passed")),
            "end": Personal(_("until"), _("booking"), _("until the time has passed")),
            "end_recurring_period": Personal(
                _("weekly until"), _("booking"), _("until the time has passed")
            ),
            "description": Personal(
                _("note on a date exception"),
                _("your own overview"),
                _("until the date has passed"),
            ),
        },
        actors={
            "creator": Personal(
                _("who entered it"),
                _("editorial work and its history"),
                _("as long as the item exists"),
                export=False,
                erased=None,
            )
        },
        other=("id", "calendar", "rule", "created_on", "updated_on", "color_event"),
    ),
    Record(
        "schedule.Occurrence",
        subject=("event__calendar__mentor_schedule__user",),
        erase=DELETE,
        title=_("single changed or cancelled times"),
        app="mentoring",
        personal={
            "start": Personal(_("from"), _("booking"), _("until the time has passed")),
            "end": Personal(_("until"), _("booking"), _("until the time has passed")),
            "cancelled": Personal(_("cancelled"), _("booking"), _("until the time has passed")),
            "original_start": Personal(
                _("originally from"), _("booking"), _("until the time has passed")
            ),
            "original_end": Personal(
                _("originally until"), _("booking"), _("until the time has passed")
            ),
            "title": Personal(
                _("available or blocked"), _("booking"), _("until the time has passed")
            ),
            "description": Personal(
                _("note on a date exception"),
                _("your own overview"),
                _("until the date has passed"),
            ),
        },
        other=("id", "event", "created_on", "updated_on"),
    ),
    Record(
        "mentoring.Session",
        subject=SESSION_PEOPLE,
        title=_("sessions"),
        personal={
            "start": Personal(_("start"), _("the session"), TANDEM, erased=KEEP),
            "end": Personal(_("end"), _("the session"), TANDEM, erased=KEEP),
            "status": Personal(_("status"), _("the session; statistics"), TANDEM, erased=KEEP),
            "agenda": Personal(_("shared agenda"), _("preparing the session"), TANDEM),
            "cancel_reason": Personal(
                _("reason for cancelling"), _("informing the partner"), TANDEM
            ),
            "mentor_joined_at": Personal(
                _("mentor joined"), _("attendance"), ATTENDANCE, erased=None
            ),
            "mentee_joined_at": Personal(
                _("mentee joined"), _("attendance"), ATTENDANCE, erased=None
            ),
            "mentor_no_show": Personal(
                _("mentor did not come"), _("attendance; statistics"), TANDEM, erased=KEEP
            ),
            "mentee_no_show": Personal(
                _("mentee did not come"), _("attendance; statistics"), TANDEM, erased=KEEP
            ),
        },
        actors={"created_by": member, "cancelled_by": member},
        other=(
            "id",
            "uuid",
            "tandem",
            "blocked_from",
            "blocked_until",
            "room_name",
            "sequence",
            "created_at",
            "changed_at",
            "idempotency_key",
            "cancelled_at",
        ),
    ),
    Record(
        "mentoring.SessionChange",
        subject=("session__mentor", "session__mentee"),
        personal={
            "reason": Personal(_("reason for a change"), _("history of the session"), TANDEM),
        },
        actors={"by": member},
        other=("id", "session", "kind", "at", "start", "end", "previous_start", "previous_end"),
    ),
    Record(
        "mentoring.SessionReminder", other=("id", "session", "kind", "session_start", "sent_at")
    ),
    Record(
        "mentoring.SessionAttendance",
        subject=("user",),
        erase=DELETE,
        personal={
            "joined_at": Personal(_("joined the video room"), _("attendance"), ATTENDANCE),
            "left_at": Personal(_("left the video room"), _("attendance"), ATTENDANCE),
        },
        other=("id", "session"),
    ),
    Record(
        "mentoring.SessionNote",
        authored="author",
        erase=DELETE,
        title=_("my private notes"),
        personal={
            "text": Personal(
                _("your private notes"),
                _("your own preparation; nobody else sees them"),
                _("until deleted, at the latest after the tandem's retention period"),
            ),
            "updated_at": Personal(_("last changed"), _("your notes"), TANDEM),
        },
        other=("id", "session"),
    ),
    Record(
        "mentoring.SessionFeedback",
        subject=("session__mentee",),
        personal={
            "text": Personal(
                _("your feedback on a session"), _("improving the programme"), PROGRAMME
            ),
            "rating": Personal(_("rating (1–5)"), _("statistics"), PROGRAMME, erased=KEEP),
        },
        other=("id", "session", "created_at"),
    ),
    Record(
        "mentoring.CalendarToken",
        subject=("user",),
        erase=DELETE,
        personal={
            "token": Personal(
                _("secret of your calendar subscription"),
                _("your calendar app"),
                _("until you create a new one"),
                export=False,
            ),
        },
        other=("id", "created_at"),
    ),
)


@register_erasure_hook
def _notes_about_shared_sessions(user) -> dict[str, int]:
    """Notes are private to their author, but a partner's notes on sessions with the erased person
    are about that person too: they go with the person (the partner's own export never had them)."""
    from django.db.models import Q

    from .models import SessionNote

    removed, _detail = SessionNote.objects.filter(
        Q(session__mentor=user) | Q(session__mentee=user)
    ).delete()
    return {"notes on shared sessions": removed}


@register_erasure_hook
def _mentor_calendar(user) -> dict[str, int]:
    """The mentor's django-scheduler calendar, which holds the availability, goes with its events
    and their occurrences."""
    from schedule.models import Calendar, Event

    from .models import MentorSchedule

    schedule = MentorSchedule.objects.filter(user=user).first()
    if schedule is None:
        return {}
    calendar_id = schedule.calendar_id
    schedule.delete()
    events, _detail = Event.objects.filter(calendar_id=calendar_id).delete()
    Calendar.objects.filter(pk=calendar_id).delete()
    return {"mentor calendar events": events}


def _apply(queryset, *, dry_run: bool, update: dict | None = None) -> int:
    if dry_run:
        return queryset.count()
    if update is not None:
        return queryset.update(**update)
    count = queryset.count()
    queryset.delete()
    return count


@register_retention("mentoring: attendance 90 days after the session")
def _attendance(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from .models import Session, SessionAttendance

    cutoff = now - timedelta(days=retention_days("ATTENDANCE_DAYS", 90))
    removed = _apply(SessionAttendance.objects.filter(session__end__lt=cutoff), dry_run=dry_run)
    times = Session.objects.filter(end__lt=cutoff).exclude(
        mentor_joined_at__isnull=True, mentee_joined_at__isnull=True
    )
    return removed + _apply(
        times, dry_run=dry_run, update={"mentor_joined_at": None, "mentee_joined_at": None}
    )


@register_retention("mentoring: private notes after the tandem ended")
def _notes(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from .models import SessionNote

    cutoff = now - timedelta(days=retention_days("NOTES_DAYS_AFTER_TANDEM", 180))
    return _apply(SessionNote.objects.filter(session__tandem__ended_at__lt=cutoff), dry_run=dry_run)


@register_retention("mentoring: applications of people without a tandem after the programme")
def _unmatched(*, now, dry_run: bool) -> int:
    from datetime import timedelta

    from django.db.models import Exists, OuterRef, Q

    from .models import Application, Tandem

    cutoff = (now - timedelta(days=retention_days("UNMATCHED_APPLICATION_DAYS", 180))).date()
    in_tandem = Tandem.objects.filter(Q(mentee=OuterRef("pk")) | Q(mentor=OuterRef("pk")))
    return _apply(
        Application.objects.filter(programme__ends_on__lt=cutoff).filter(~Exists(in_tandem)),
        dry_run=dry_run,
    )


@register_retention("mentoring: availability, absences and their notes once they have passed")
def _past_availability(*, now, dry_run: bool) -> int:
    from django.db.models import Q
    from schedule.models import Event, Occurrence

    mentors = Q(calendar__mentor_schedule__isnull=False)
    ended = Q(rule__isnull=True, end__lt=now) | Q(rule__isnull=False, end_recurring_period__lt=now)
    removed = _apply(Event.objects.filter(mentors & ended), dry_run=dry_run)
    past_changes = Occurrence.objects.filter(
        event__calendar__mentor_schedule__isnull=False, end__lt=now, original_end__lt=now
    )
    return removed + _apply(past_changes, dry_run=dry_run)
