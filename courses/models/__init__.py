from .certificates import (
    Certificate,
    MultiplierQualification,
    NameCorrectionRequest,
    normalise_certificate_code,
)
from .enrolment import CourseRun, Enrolment
from .live import (
    LiveAttendance,
    LiveAttendanceRule,
    LiveOccupantEvent,
    LiveSession,
    LiveSessionRegistration,
    LiveSessionReminder,
)
from .pages import (
    ChapterPage,
    ChapterPageMixin,
    CourseCatalogueMixin,
    CourseCataloguePage,
    CourseFormat,
    CoursePage,
    CoursePageMixin,
    EnrolmentMode,
    LessonPage,
    LessonPageMixin,
    TrainerKitItem,
)
from .progress import LessonProgress, VideoProgress, VideoVisit
from .quizzes import Quiz, QuizAttempt
from .taxonomy import Audience, Topic
from .videos import CaptionTrack, LearningVideo
from .workshops import LiveWorkshop, WorkshopSeat, WorkshopTable

__all__ = [
    "Audience",
    "CaptionTrack",
    "Certificate",
    "ChapterPage",
    "ChapterPageMixin",
    "CourseCatalogueMixin",
    "CourseCataloguePage",
    "CourseFormat",
    "CoursePage",
    "CoursePageMixin",
    "CourseRun",
    "Enrolment",
    "EnrolmentMode",
    "LearningVideo",
    "LiveAttendance",
    "LiveAttendanceRule",
    "LiveWorkshop",
    "WorkshopSeat",
    "WorkshopTable",
    "LiveOccupantEvent",
    "LiveSession",
    "LiveSessionRegistration",
    "LiveSessionReminder",
    "LessonPageMixin",
    "LessonPage",
    "LessonProgress",
    "MultiplierQualification",
    "NameCorrectionRequest",
    "Quiz",
    "QuizAttempt",
    "Topic",
    "TrainerKitItem",
    "VideoProgress",
    "VideoVisit",
    "normalise_certificate_code",
]
