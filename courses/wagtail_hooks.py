from django.contrib.auth.models import Permission
from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.personal import MeSection

from . import selectors, services
from .forms import CaptionTrackForm, LearningVideoForm
from .models import (
    Audience,
    CaptionTrack,
    ChapterPage,
    CourseRun,
    LearningVideo,
    LessonPage,
    LessonPageMixin,
    Quiz,
    Topic,
)


class CaptionWarningPanel(Panel):
    """Warns editors while a video has no captions (legal duty: accessible media)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/caption_warning_panel.html"

        def is_shown(self) -> bool:
            return not (self.instance.pk and self.instance.has_captions)


class CaptionTrackPanel(InlinePanel):
    """Caption rows validate every cue and store sanitised WebVTT (SRT is converted)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = CaptionTrackForm
        return options


class LearningVideoViewSet(SnippetViewSet):
    model = LearningVideo
    icon = "media"
    menu_label = _("Learning videos")
    list_display = [
        "title",
        "duration_seconds",
        BooleanColumn("has_captions", label=_("Captions")),
        "created_at",
    ]
    search_fields = ["title", "description", "transcript"]
    edit_handler = ObjectList(
        [
            CaptionWarningPanel(),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("file"),
            MultiFieldPanel(
                [FieldPanel("duration_seconds"), FieldPanel("poster")], heading=_("Playback")
            ),
            CaptionTrackPanel(
                "caption_tracks", heading=_("Captions and chapters"), label=_("Track")
            ),
            FieldPanel("transcript"),
        ],
        base_form_class=LearningVideoForm,
    )


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    list_display = ["title", "pass_mark", "max_attempts"]
    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        FieldPanel("pass_mark"),
        FieldPanel("max_attempts"),
        FieldPanel("questions"),
    ]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    panels = [FieldPanel("name"), FieldPanel("slug")]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Audiences")
    panels = [FieldPanel("name"), FieldPanel("slug")]


class CoursesViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Courses")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (LearningVideoViewSet, QuizViewSet, TopicViewSet, AudienceViewSet)


register_snippet(CoursesViewSetGroup)


@hooks.register("register_me_section")
def my_courses_section(request):
    return MeSection(
        title=_("My courses"),
        url=reverse("courses:mine"),
        order=10,
        description=_(
            "Courses you take, your progress, certificates and multiplier qualifications."
        ),
    )


@hooks.register("filter_site_search_pages")
def hide_lessons_from_site_search(pages, request):
    """The site search lists a lesson only to those the course shows it to (its learners and
    trainers, or everyone when its lessons are public); chapters only lead to their lessons."""
    visible_lessons = pages.type(LessonPage).filter(
        selectors.lessons_visible_in_search(request.user)
    )
    return pages.not_type(LessonPage, ChapterPage) | visible_lessons


@hooks.register("register_page_cache_models")
def models_shown_on_public_course_pages():
    """Besides pages and snippets, what the public course pages show (cms.page_cache)."""
    return [CaptionTrack, CourseRun]


@hooks.register("register_permissions")
def course_trainer_assignment_permission():
    """Shown in the group editor: a course administrator role chooses every course's trainers."""
    return Permission.objects.filter(
        content_type__app_label="courses", codename="assign_course_trainers"
    )


@hooks.register("after_publish_page")
def cache_thumbnails_of_external_videos(request, page):
    specific = page.specific
    if isinstance(specific, LessonPage):
        urls = [
            block["value"].get("url", "")
            for block in specific.body.raw_data
            if block["type"] == "external_video"
        ]
        if urls:
            from .tasks import cache_external_thumbnails

            cache_external_thumbnails.enqueue(urls)


@hooks.register("before_serve_page")
def lesson_access(page, request, serve_args, serve_kwargs):
    """Lessons are for the course's learners and trainers (as Wagtail's own view restrictions, a
    hook before serving): others are sent to log in or shown why the lesson is locked (403). A
    learner's visit is recorded."""
    if not isinstance(page, LessonPageMixin):
        return None
    access = selectors.lesson_access(lesson=page, user=request.user)
    if access.allowed:
        if access.learning:
            services.lesson_visit(user=request.user, lesson=page)
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return TemplateResponse(
        request,
        "courses/lesson_locked.html",
        {"course": access.course, "lesson": page, "enrolment": access.enrolment},
        status=403,
    )


@hooks.register("register_me_section")
def my_live_sessions_section(request):
    """Upcoming live sessions the person registered for (or waits for) or hosts, with their
    links; while a room is open, the way straight in. Learners of a run without any see how to
    register; people who neither learn in a run nor host see no section."""
    from django.utils import timezone

    from .live.selectors import hosted_live_sessions, join_window, learns_in_a_run, my_live_sessions

    user = request.user
    rows = my_live_sessions(user) if user.is_authenticated else []
    hosted = hosted_live_sessions(user)
    if not rows and not hosted and not learns_in_a_run(user):
        return None
    now = timezone.now()
    sessions = sorted(
        [(row.session, row.can_join) for row in rows]
        + [(session, True) for session in hosted if session.pk not in {r.session.pk for r in rows}],
        key=lambda pair: (pair[0].start, pair[0].pk),
    )
    links = []
    for session, may_join in sessions[:5]:
        when = date_format(localtime(session.start), "DATETIME_FORMAT")
        opens, closes = join_window(session)
        if may_join and opens <= now < closes and not session.is_cancelled:
            links.append(
                (
                    _("Enter the room now: %(title)s") % {"title": session.title},
                    reverse("courses:live-join", args=[session.uuid]),
                )
            )
        else:
            links.append(
                (f"{session.title} – {when}", reverse("courses:live-session", args=[session.uuid]))
            )
    return MeSection(
        title=_("My live sessions"),
        url=reverse("courses:live-mine"),
        order=11,
        description=(
            _("Dated live sessions of your course runs you registered for or host.")
            if sessions
            else _(
                "You have no upcoming live sessions. When the trainers of your course run schedule one, register for it on the course page."
            )
        ),
        links=links or [(_("My courses"), reverse("courses:mine"))],
    )


@hooks.register("register_reminder_sweep")
def live_session_sweep() -> int:
    """Reminders before live sessions, and attendance once their room has closed."""
    from .live.reminders import live_reminders_send_due
    from .live.services import live_attendance_compute_due

    live_attendance_compute_due()
    return live_reminders_send_due()
