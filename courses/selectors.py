"""Reads of the courses app: who may see what, catalogue queries, progress overviews.
Every function runs a fixed number of queries, whatever the number of lessons or learners."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cms import site_cache
from cms.search import search_terms

from .access import (  # noqa: F401 - who may see what; callers read it through this module
    can_assign_trainers,
    can_use_trainer_kit,
    can_view_lessons,
    can_watch_video,
    courses_using_video,
    eligible_trainers,
    enrolment_for,
    is_course_trainer,
    lessons_open_to_everyone,
    lessons_showing_video,
)
from .models import (
    Audience,
    CaptionTrack,
    Certificate,
    ChapterPage,
    CourseFormat,
    CoursePage,
    Enrolment,
    LearningVideo,
    LessonPage,
    LessonProgress,
    LiveAttendance,
    LiveAttendanceRule,
    LiveSession,
    MultiplierQualification,
    Quiz,
    QuizAttempt,
    Topic,
    VideoProgress,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Catalogue ------------------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    topic: str = ""
    audience: str = ""
    format: str = ""
    language: str = ""
    topics: Iterable[Topic] = ()
    audiences: Iterable[Audience] = ()
    formats: Sequence[tuple[str, StrOrPromise]] = field(default_factory=list)
    languages: Sequence[tuple[str, StrOrPromise]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.q or self.topic or self.audience or self.format or self.language)


def catalogue_filters(params) -> CatalogueFilters:
    from django.conf import settings

    formats = list(CourseFormat.choices)
    languages = list(settings.LANGUAGES)

    def value(name: str, allowed=None) -> str:
        if allowed is not None and params.get(name) not in allowed:
            return ""
        # PostgreSQL refuses NUL in text; no slug has one, so the filter then matches nothing.
        return (params.get(name) or "").strip()[:100].replace("\x00", "\ufffd")

    return CatalogueFilters(
        q=search_terms(params.get("q"), max_length=100),
        topic=value("topic"),
        audience=value("audience"),
        format=value("format", {code for code, _label in formats}),
        language=value("language", {code for code, _label in languages}),
        topics=Topic.objects.all(),
        audiences=Audience.objects.all(),  # loaded only by the HTML form
        formats=formats,
        languages=languages,
    )


def catalogue_courses(
    *, catalogue=None, filters: CatalogueFilters | None = None, user=None
) -> QuerySet[CoursePage]:
    courses = CoursePage.objects.live().public()
    if catalogue is not None:
        courses = courses.child_of(catalogue)
    if filters is not None:
        if filters.topic:
            courses = courses.filter(topics__slug=filters.topic)
        if filters.audience:
            courses = courses.filter(audiences__slug=filters.audience)
        if filters.format:
            courses = courses.filter(format=filters.format)
        if filters.language:
            courses = courses.filter(language=filters.language)
        if filters.q:
            ids = [page.pk for page in CoursePage.objects.live().search(filters.q, operator="or")]
            courses = courses.filter(pk__in=ids)
    return (
        courses.distinct()
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")), "audiences")
        .order_by("title")
    )


# --- Progress -------------------------------------------------------------------------------


@dataclass
class LessonState:
    lesson: LessonPage
    chapter: ChapterPage | None
    completed: bool
    visited: bool
    number: int


@dataclass
class CourseProgress:
    lessons: list[LessonState]
    completed_count: int

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / self.total) if self.total else 0

    @property
    def next_lesson(self) -> LessonPage | None:
        for state in self.lessons:
            if not state.completed:
                return state.lesson
        return None

    @property
    def groups(self) -> list[tuple[ChapterPage | None, list[LessonState]]]:
        """Lessons grouped by chapter, in course order."""
        groups: list[tuple[ChapterPage | None, list[LessonState]]] = []
        for state in self.lessons:
            if groups and groups[-1][0] == state.chapter:
                groups[-1][1].append(state)
            else:
                groups.append((state.chapter, [state]))
        return groups

    def state_of(self, lesson: LessonPage) -> LessonState | None:
        return next((state for state in self.lessons if state.lesson.pk == lesson.pk), None)


def course_outline(course: CoursePage) -> list[tuple[LessonPage, ChapterPage | None]]:
    """Lessons in tree order with their chapter: two queries, whatever the number of lessons,
    and none while the shared cache keeps them (pages only, the same for everyone; every publish
    renews the cache's generation)."""

    def build():
        lessons = list(
            LessonPage.objects.descendant_of(course).live().order_by("path").defer_streamfields()
        )
        chapters = {
            chapter.path: chapter
            for chapter in ChapterPage.objects.descendant_of(course).live().defer_streamfields()
        }
        return [(lesson, chapters.get(lesson.path[: -LessonPage.steplen])) for lesson in lessons]

    return site_cache.cached(None, f"courses:outline:{course.pk}", build)


def progress_records(*, user, course: CoursePage) -> dict[int, LessonProgress]:
    """The learner's progress in the course, by lesson id: one query."""
    if not user.is_authenticated:
        return {}
    return {
        record.lesson_id: record
        for record in LessonProgress.objects.filter(user=user, course=course)
    }


def lesson_progress_records(*, lesson: LessonPage, user) -> dict[int, LessonProgress]:
    """``progress_records`` for the lesson's course, read once per lesson object and person (the
    visit before serving and the page's context ask for them in the same request)."""
    known = getattr(lesson, "_tandem_progress", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    records = progress_records(user=user, course=course_of(lesson))
    lesson._tandem_progress = (user.pk, records)
    return records


def course_progress(*, user, course: CoursePage, outline=None, records=None) -> CourseProgress:
    outline = outline if outline is not None else course_outline(course)
    if records is None:
        records = progress_records(user=user, course=course)
    states = []
    for number, (lesson, chapter) in enumerate(outline, start=1):
        record = records.get(lesson.pk)
        states.append(
            LessonState(
                lesson=lesson,
                chapter=chapter,
                number=number,
                completed=bool(record and record.completed_at),
                visited=bool(record and record.last_visited_at),
            )
        )
    return CourseProgress(
        lessons=states, completed_count=sum(1 for state in states if state.completed)
    )


def video_progress_for(user, video_ids: list[int]) -> dict[int, VideoProgress]:
    if not user.is_authenticated or not video_ids:
        return {}
    return {
        progress.video_id: progress
        for progress in VideoProgress.objects.filter(user=user, video_id__in=video_ids)
    }


def learner_courses(user) -> list[tuple[Enrolment, int, LessonPage | None]]:
    """My courses for /me/: enrolment, percent done and the lesson to continue with."""
    enrolments = list(
        Enrolment.objects.filter(user=user, status__in=Enrolment.OPEN_STATUSES)
        .select_related("course", "run")
        .order_by("-updated_at")
    )
    if not enrolments:
        return []
    lessons = list(
        LessonPage.objects.live()
        .filter(_descendant_of_any([enrolment.course for enrolment in enrolments]))
        .defer_streamfields()
        .order_by("path")
    )
    done = set(
        LessonProgress.objects.filter(
            user=user, completed_at__isnull=False, course__in=[e.course for e in enrolments]
        ).values_list("lesson_id", flat=True)
    )
    result = []
    for enrolment in enrolments:
        own = [lesson for lesson in lessons if lesson.path.startswith(enrolment.course.path)]
        completed = sum(1 for lesson in own if lesson.pk in done)
        percent = round(100 * completed / len(own)) if own else 0
        next_lesson = next((lesson for lesson in own if lesson.pk not in done), None)
        result.append((enrolment, percent, next_lesson))
    return result


def _descendant_of_any(pages) -> Q:
    query = Q(pk__in=[])
    for page in pages:
        query |= Q(path__startswith=page.path, depth__gt=page.depth)
    return query


def _conf():
    from . import conf

    return conf


def next_course_for(*, user, course: CoursePage) -> CoursePage | None:
    """The course to suggest after ``course``: a live, public course of the same catalogue that
    ``user`` has not taken, one sharing a topic first. Two queries."""
    taken = Enrolment.objects.filter(user=user, status__in=Enrolment.OPEN_STATUSES).values(
        "course_id"
    )
    parent_path = course.path[: -CoursePage.steplen]
    candidates = (
        CoursePage.objects.live()
        .public()
        .filter(path__startswith=parent_path, depth=course.depth)
        .exclude(pk=course.pk)
        .exclude(pk__in=taken)
        .annotate(
            shared_topics=Count(
                "topics", filter=Q(topics__in=course.topics.values("pk")), distinct=True
            )
        )
        .order_by("-shared_topics", "title")
    )
    return candidates.first()


def organisation_name() -> str:
    """Who issues certificates and signs e-mails: TANDEM_COURSES_CERTIFICATE_ISSUER when set,
    else the organisation named in the default site's settings, else the site name."""
    from wagtail.models import Site

    from cms.models import SiteSettings

    from . import conf

    if conf.courses_settings.is_set("CERTIFICATE_ISSUER"):
        return str(conf.get("CERTIFICATE_ISSUER"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        site_settings = SiteSettings.objects.filter(site=site).first()
        if site_settings is not None and site_settings.organisation_name:
            return site_settings.organisation_name
    return str(conf.get("CERTIFICATE_ISSUER"))


def catalogue_participation(user, courses) -> dict[int, dict]:
    """For the catalogue cards: the learner's enrolment and percent done per course shown, in
    three queries whatever the number of courses (none for anonymous visitors)."""
    courses = list(courses)
    if not user.is_authenticated or not courses:
        return {}
    enrolments = {
        enrolment.course_id: enrolment
        for enrolment in Enrolment.objects.filter(
            user=user,
            course__in=[course.pk for course in courses],
            status__in=Enrolment.OPEN_STATUSES,
        )
    }
    if not enrolments:
        return {}
    enrolled = [course for course in courses if course.pk in enrolments]
    lessons = list(
        LessonPage.objects.live().filter(_descendant_of_any(enrolled)).values_list("pk", "path")
    )
    done = set(
        LessonProgress.objects.filter(
            user=user, completed_at__isnull=False, course__in=[c.pk for c in enrolled]
        ).values_list("lesson_id", flat=True)
    )
    result = {}
    for course in enrolled:
        own = [pk for pk, path in lessons if path.startswith(course.path)]
        completed = sum(1 for pk in own if pk in done)
        result[course.pk] = {
            "enrolment": enrolments[course.pk],
            "percent": round(100 * completed / len(own)) if own else 0,
        }
    return result


def lessons_visible_in_search(user) -> Q:
    """Which lessons the site search may list to ``user``: those of courses whose lessons are
    public, and, when signed in, of the courses she learns in or trains (as the lesson pages
    themselves allow). Wagtail's page privacy is applied by the search itself (``public()``)."""
    paths = list(
        CoursePage.objects.live().filter(lessons_public=True).values_list("path", flat=True)
    )
    if user.is_authenticated:
        if user.is_superuser:
            return Q(pk__isnull=False)
        course_ids = set(
            Enrolment.objects.filter(user=user, status__in=Enrolment.LEARNING_STATUSES).values_list(
                "course_id", flat=True
            )
        ) | set(
            CoursePage.trainers.through.objects.filter(user_id=user.pk).values_list(
                "coursepage_id", flat=True
            )
        )
        paths += list(CoursePage.objects.filter(pk__in=course_ids).values_list("path", flat=True))
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def learner_certificates(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("course").order_by("-issued_at")


# --- Live sessions in completion -----------------------------------------------------------


@dataclass(frozen=True)
class LiveStanding:
    """How a learner stands with the live sessions of their run, for completion and the
    certificate: whether the course's attendance rule is met and the hours attended."""

    met: bool
    hours: Decimal | None  # None when the run has no live sessions


def live_standing(*, enrolment: Enrolment, course: CoursePage) -> LiveStanding:
    """Two queries. Sessions that have not ended yet count as not attended: completion waits."""
    if enrolment.run_id is None:
        return LiveStanding(met=True, hours=None)
    sessions = list(
        LiveSession.objects.filter(
            run_id=enrolment.run_id, status=LiveSession.Status.SCHEDULED
        ).only("pk", "duration_minutes")
    )
    if not sessions:
        return LiveStanding(met=True, hours=None)
    attended = set(
        LiveAttendance.objects.filter(
            user_id=enrolment.user_id, session__in=sessions, attended=True
        ).values_list("session_id", flat=True)
    )
    minutes = sum(session.duration_minutes for session in sessions if session.pk in attended)
    met = course.live_attendance_rule == LiveAttendanceRule.NONE or all(
        session.pk in attended for session in sessions
    )
    return LiveStanding(met=met, hours=(Decimal(minutes) / 60).quantize(Decimal("0.1")))


# --- Page contexts (read by the page models' get_context) -------------------------------------


def course_of(lesson: LessonPage) -> CoursePage:
    """The lesson's course, looked up once per lesson object."""
    course = getattr(lesson, "_tandem_course", None)
    if course is None:
        course = lesson._tandem_course = site_cache.cached(
            None,
            f"courses:course-of:{lesson.pk}",
            lambda: CoursePage.objects.ancestor_of(lesson).get(),
        )
    return course


def course_page_context(*, course: CoursePage, user) -> dict:
    """What the course page shows ``user``: outline, progress, runs with free places,
    certificate, trainer kit. A fixed number of queries (at most 15 for the whole page, pinned by
    tests/courses/test_page_queries.py): what a visitor cannot see is not read."""
    trainers = list(course.trainers.all())
    is_trainer = user.is_authenticated and (user.is_superuser or user in trainers)
    enrolment = enrolment_for(user, course)
    outline = course_outline(course)
    can_view = can_view_lessons(user, course, enrolment, is_trainer=is_trainer)
    progress = course_progress(user=user, course=course, outline=outline)
    runs = []
    if user.is_authenticated and enrolment is None and course.enrolment_mode != "closed":
        # The runs to choose from when enrolling, with their free places: one query.
        runs = list(
            course.runs.filter(enrolment_open=True, ends_on__gte=timezone.localdate()).annotate(
                taken=Count(
                    "enrolments", filter=Q(enrolments__status__in=Enrolment.LEARNING_STATUSES)
                )
            )
        )
        for run in runs:  # free places are shown next to each run on the course page
            run.free_places = (  # type: ignore[attr-defined]
                None if run.capacity is None else max(0, run.capacity - run.taken)
            )
    certificate = (
        Certificate.objects.filter(user=user, course=course, revoked_at__isnull=True).first()
        if enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED
        else None
    )
    held = (
        MultiplierQualification.objects.filter(
            user=user, course=course, revoked_at__isnull=True
        ).first()
        if user.is_authenticated
        else None
    )
    kit_items = list(course.trainer_kit_items.all()) if is_trainer or held is not None else []
    return {
        "course": course,
        "enrolment": enrolment,
        "can_view_lessons": can_view,
        "progress": progress,
        "runs": runs,
        "certificate": certificate,
        "kit_items": kit_items,
        "qualification": held if course.is_multiplier_course else None,
        "is_trainer": is_trainer,
        "topics": list(course.topics.all()),
        "audiences": list(course.audiences.all()),
        "trainers": trainers,
        "watched_percent_required": round(100 * float(_conf().get("WATCHED_THRESHOLD"))),
        # Empty: the page names the organisation of its site settings (loaded for every page).
        "certificate_issuer": str(_conf().get("CERTIFICATE_ISSUER"))
        if _conf().courses_settings.is_set("CERTIFICATE_ISSUER")
        else "",
    }


@dataclass(frozen=True)
class LessonAccess:
    """Whether ``user`` may see a lesson; the page's serving turns a refusal into an answer."""

    course: CoursePage
    enrolment: Enrolment | None
    allowed: bool

    @property
    def learning(self) -> bool:
        return self.enrolment is not None and self.enrolment.status in Enrolment.LEARNING_STATUSES


def _lesson_enrolment(lesson: LessonPage, user) -> Enrolment | None:
    """The learner's enrolment in the lesson's course, read once per lesson object and person
    (the check before serving and the page's context ask for it in the same request)."""
    known = getattr(lesson, "_tandem_enrolment", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    enrolment = enrolment_for(user, course_of(lesson), with_run=False)
    lesson._tandem_enrolment = (user.pk, enrolment)
    return enrolment


def lesson_access(*, lesson: LessonPage, user) -> LessonAccess:
    course = course_of(lesson)
    enrolment = _lesson_enrolment(lesson, user)
    return LessonAccess(
        course=course, enrolment=enrolment, allowed=can_view_lessons(user, course, enrolment)
    )


def lesson_media(lesson: LessonPage) -> dict[str, dict]:
    """The videos (with captions and poster) and quizzes the lesson shows, by id: three queries,
    none while the shared cache keeps them (snippets, the same for everyone; every change to a
    video, caption, image or quiz renews the cache's generation)."""

    def build():
        videos = LearningVideo.objects.filter(pk__in=lesson.video_ids()).prefetch_related(
            Prefetch("caption_tracks", queryset=CaptionTrack.objects.order_by("sort_order", "pk")),
            "poster",
        )
        return {
            "videos": {video.pk: video for video in videos},
            "quizzes": Quiz.objects.in_bulk(lesson.quiz_ids()) if lesson.quiz_ids() else {},
        }

    return site_cache.cached(None, f"courses:lesson-media:{lesson.pk}", build)


def lesson_parts(lesson: LessonPage) -> list[dict]:
    """The lesson's content in order, for its page: videos and quizzes by id (the page takes them
    from ``lesson_media``, so the stream loads no snippet), every other block as itself."""
    parts: list[dict] = []
    for index, raw in enumerate(lesson.body.raw_data):
        kind = raw["type"]
        if kind in ("video", "quiz"):
            chosen = raw["value"].get(kind)
            parts.append(
                {
                    "kind": kind,
                    "value": {
                        kind: {"pk": int(chosen) if chosen else None},
                        "required": raw["value"].get("required"),
                    },
                }
            )
        else:
            parts.append({"kind": kind, "block": lesson.body[index]})
    return parts


def lesson_page_context(*, lesson: LessonPage, user) -> dict:
    """What the lesson page shows ``user``: neighbours, progress, videos, quizzes and attempts."""
    course = course_of(lesson)
    outline = course_outline(course)
    progress = course_progress(
        user=user,
        course=course,
        outline=outline,
        records=lesson_progress_records(lesson=lesson, user=user),
    )
    index = next((i for i, state in enumerate(progress.lessons) if state.lesson.pk == lesson.pk), 0)
    enrolment = _lesson_enrolment(lesson, user)
    learning = enrolment is not None and enrolment.status in Enrolment.LEARNING_STATUSES
    video_ids = lesson.video_ids()
    media = lesson_media(lesson)
    videos: dict[int, LearningVideo] = media["videos"]
    quizzes: dict[int, Quiz] = media["quizzes"]
    attempts: dict[int, list[QuizAttempt]] = {}
    if user.is_authenticated and quizzes:
        for attempt in QuizAttempt.objects.filter(user=user, quiz_id__in=list(quizzes)).order_by(
            "-pk"
        ):
            attempts.setdefault(attempt.quiz_id, []).append(attempt)
    state = progress.state_of(lesson)
    return {
        "course": course,
        "progress": progress,
        "lesson_state": state,
        "enrolment": enrolment,
        "learning": learning,
        "previous_lesson": progress.lessons[index - 1].lesson if index > 0 else None,
        "next_lesson": progress.lessons[index + 1].lesson
        if index + 1 < len(progress.lessons)
        else None,
        "lesson_parts": lesson_parts(lesson),
        "lesson_videos": videos,
        "video_progress": video_progress_for(user, video_ids),
        "quizzes": quizzes,
        "quiz_attempts": attempts,
        "needs_mark_done": lesson.needs_mark_done(),
        "requires_video": bool(lesson.required_videos()),
        "requires_quiz": bool(lesson.required_quizzes()),
    }
