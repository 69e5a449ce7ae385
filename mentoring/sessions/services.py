"""The session services in one namespace, for views, API, admin and commands.

Each job has its own module: availability (weekly windows, exceptions), booking (book, confirm,
move, cancel without double booking), extras (agenda, notes, feedback, no-show), attendance
(occupant events, no-show flags), reminders and calendar tokens; errors holds SessionError. Every
service is keyword-only and owns its transaction."""

from .attendance import NO_SHOW_GRACE, attendance_record, participant_id, sessions_flag_no_shows
from .availability import (
    OVERLAPPING_WINDOWS,
    PAST_DATE,
    WindowInput,
    availability_add_exception,
    availability_remove_exception,
    availability_set_weekly,
    schedule_get_or_create,
    schedule_update_settings,
)
from .booking import (
    KEY_REUSED,
    LENGTH_NOT_OFFERED,
    NOT_PROPOSED,
    ONLY_MENTEE_CONFIRMS,
    OUT_OF_REACH,
    REACH,
    ROOM_CHANGE_EMAIL_KINDS,
    SLOT_TAKEN,
    TANDEM_NOT_ACTIVE,
    TOO_LATE_TO_CHANGE,
    Booking,
    session_book,
    session_cancel,
    session_confirm,
    session_reschedule,
)
from .calendar_tokens import calendar_token_get_or_create, calendar_token_rotate
from .errors import (
    NOT_A_MEMBER,
    NOT_ACTIVE,
    NOT_YET_HELD,
    REASON_REQUIRED,
    SESSIONS_DISABLED,
    WINDOW_ORDER,
    SessionError,
)
from .extras import (
    FEEDBACK_TWICE,
    ONLY_MENTEE_FEEDBACK,
    RATING_RANGE,
    session_feedback_submit,
    session_mark_no_show,
    session_note_save,
    session_set_agenda,
)
from .reminders import REMINDERS, reminders_send_due

__all__ = [
    "FEEDBACK_TWICE",
    "KEY_REUSED",
    "LENGTH_NOT_OFFERED",
    "NOT_ACTIVE",
    "NOT_A_MEMBER",
    "NOT_PROPOSED",
    "NOT_YET_HELD",
    "NO_SHOW_GRACE",
    "ONLY_MENTEE_CONFIRMS",
    "ONLY_MENTEE_FEEDBACK",
    "OUT_OF_REACH",
    "OVERLAPPING_WINDOWS",
    "PAST_DATE",
    "RATING_RANGE",
    "REACH",
    "REASON_REQUIRED",
    "REMINDERS",
    "ROOM_CHANGE_EMAIL_KINDS",
    "SESSIONS_DISABLED",
    "SLOT_TAKEN",
    "TANDEM_NOT_ACTIVE",
    "TOO_LATE_TO_CHANGE",
    "WINDOW_ORDER",
    "Booking",
    "SessionError",
    "WindowInput",
    "attendance_record",
    "availability_add_exception",
    "availability_remove_exception",
    "availability_set_weekly",
    "calendar_token_get_or_create",
    "calendar_token_rotate",
    "participant_id",
    "reminders_send_due",
    "schedule_get_or_create",
    "schedule_update_settings",
    "session_book",
    "session_cancel",
    "session_confirm",
    "session_feedback_submit",
    "session_mark_no_show",
    "session_note_save",
    "session_reschedule",
    "session_set_agenda",
    "sessions_flag_no_shows",
]
