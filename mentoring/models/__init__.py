from .agreements import Agreement, Goal
from .applications import Application, ConsentRecord, PairRule, Role
from .availability import AvailabilityKind, MentorSchedule, SessionRules
from .endings import ProgrammeEnding
from .feedback import FeedbackResponse
from .matching import MatchingRun, Proposal, Tandem
from .pages import ProgrammePage, ProgrammePageMixin
from .programmes import Criterion, Fairness, MatchingMode, Programme, ProgrammeLogEntry
from .sessions import (
    CalendarToken,
    Session,
    SessionAttendance,
    SessionChange,
    SessionFeedback,
    SessionNote,
    SessionReminder,
)

__all__ = [
    "Agreement",
    "Goal",
    "Application",
    "AvailabilityKind",
    "CalendarToken",
    "ConsentRecord",
    "Criterion",
    "FeedbackResponse",
    "Fairness",
    "MatchingMode",
    "MatchingRun",
    "MentorSchedule",
    "PairRule",
    "Programme",
    "ProgrammeEnding",
    "ProgrammeLogEntry",
    "ProgrammePage",
    "ProgrammePageMixin",
    "Proposal",
    "Role",
    "Session",
    "SessionAttendance",
    "SessionChange",
    "SessionFeedback",
    "SessionNote",
    "SessionReminder",
    "SessionRules",
    "Tandem",
]
