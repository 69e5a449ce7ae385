from .certificates import Certificate, MultiplierQualification, NameCorrectionRequest
from .enrolment import CourseRun, Enrolment
from .pages import (
    ChapterPage,
    CourseCatalogueMixin,
    CourseCataloguePage,
    CourseFormat,
    CoursePage,
    CoursePageMixin,
    EnrolmentMode,
    LessonPage,
    TrainerKitItem,
)
from .progress import LessonProgress, VideoProgress, VideoVisit
from .quizzes import Quiz, QuizAttempt
from .taxonomy import Audience, Topic
from .videos import CaptionTrack, LearningVideo

__all__ = [
    "Audience", "CaptionTrack", "Certificate", "ChapterPage", "CourseCatalogueMixin", "CourseCataloguePage",
    "CourseFormat", "CoursePage", "CoursePageMixin", "CourseRun", "Enrolment", "EnrolmentMode", "LearningVideo",
    "LessonPage", "LessonProgress", "MultiplierQualification", "NameCorrectionRequest", "Quiz", "QuizAttempt",
    "Topic", "TrainerKitItem", "VideoProgress", "VideoVisit",
]
