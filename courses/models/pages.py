from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, PagePermissionTester
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from cms.pages import get_base_page_model, page_parent_link
from cms.site_cache import CachedViewRestrictionsMixin

from ..blocks import LessonBlocks
from ..panels import TrainersPanel
from ..roles import is_trainer_staff
from ..storage import get_private_storage
from .live import LiveAttendanceRule

Page = get_base_page_model()

CATALOGUE_PAGE_SIZE = 12


class CourseFormat(models.TextChoices):
    SELF_PACED = "self_paced", _("self-paced online")
    LIVE_ONLINE = "live_online", _("live online")
    BLENDED = "blended", _("blended")
    IN_PERSON = "in_person", _("in person")


class EnrolmentMode(models.TextChoices):
    OPEN = "open", _("open: learners enrol themselves")
    APPROVAL = "approval", _("by approval: a trainer accepts requests")
    CLOSED = "closed", _("closed: no new enrolments")


class CatalogueTrainerPermissionTester(PagePermissionTester):
    """On a catalogue (and only there, not inherited by its courses) members of the trainers'
    group may add a course and publish it right away."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.adds_courses = is_trainer_staff(user)
        if self.adds_courses and not user.is_superuser:
            self.permissions = self.permissions | {"add"}

    def can_publish_subpage(self):
        return super().can_publish_subpage() or (
            self.adds_courses and self.user.is_active and self.can_add_subpage()
        )


class CourseCatalogueMixin(models.Model):
    """A catalogue of the courses below it, with filters, search and pagination."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [FieldPanel("intro")]

    class Meta:
        abstract = True

    def permissions_for_user(self, user):
        return CatalogueTrainerPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import (  # selectors import the models
            catalogue_courses,
            catalogue_filters,
            catalogue_participation,
        )

        context = super().get_context(request, *args, **kwargs)
        filters = catalogue_filters(request.GET)
        courses = catalogue_courses(catalogue=self, filters=filters)
        page_obj = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            {
                "filters": filters,
                "page_obj": page_obj,
                "courses": page_obj.object_list,
                "participation": catalogue_participation(request.user, page_obj.object_list),
                "query_prefix": (query.urlencode() + "&") if query else "",
            }
        )
        return context


class CourseCataloguePage(CachedViewRestrictionsMixin, CourseCatalogueMixin, Page):  # noqa: DJ008 - __str__ comes from the page model
    page_ptr = page_parent_link()

    content_panels = Page.content_panels + CourseCatalogueMixin.content_panels
    subpage_types = ["courses.CoursePage"]
    template = "courses/course_catalogue_page.html"

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")


class CoursePageMixin(models.Model):
    """What a course is, who it is for and how one takes part. Reusable on a site's own page."""

    summary = models.TextField(
        _("summary"), help_text=_("Two or three sentences for the catalogue.")
    )
    learning_objectives = RichTextField(
        _("learning objectives"), features=RICH_TEXT_FEATURES, blank=True
    )
    prerequisites = RichTextField(_("prerequisites"), features=RICH_TEXT_FEATURES, blank=True)
    topics = ParentalManyToManyField("courses.Topic", verbose_name=_("topics"), blank=True)
    audiences = ParentalManyToManyField("courses.Audience", verbose_name=_("audiences"), blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.SELF_PACED
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="de"
    )
    duration_hours = models.DecimalField(_("duration in hours"), max_digits=5, decimal_places=1)
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="trained_courses",
    )
    enrolment_mode = models.CharField(
        _("enrolment"), max_length=20, choices=EnrolmentMode.choices, default=EnrolmentMode.OPEN
    )
    lessons_public = models.BooleanField(
        _("lessons are public"),
        default=False,
        help_text=_("If off, only enrolled learners and the course's trainers see the lessons."),
    )
    certificate_enabled = models.BooleanField(_("issue a certificate"), default=True)
    is_multiplier_course = models.BooleanField(
        _("multiplier course"),
        default=False,
        help_text=_("Completing it qualifies learners as multipliers and unlocks the trainer kit."),
    )
    live_attendance_rule = models.CharField(
        _("live session attendance for completion"),
        max_length=20,
        choices=LiveAttendanceRule.choices,
        default=LiveAttendanceRule.NONE,
        help_text=_(
            "Whether completion and the certificate require attending the live sessions of the "
            "learner's course run."
        ),
    )
    live_attendance_percent = models.PositiveSmallIntegerField(
        _("required share of each live session in percent"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    content_panels = [
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("prerequisites"),
        MultiFieldPanel(
            [
                FieldPanel("topics"),
                FieldPanel("audiences"),
                FieldPanel("format"),
                FieldPanel("language"),
                FieldPanel("duration_hours"),
            ],
            heading=_("Catalogue"),
        ),
        MultiFieldPanel(
            [
                TrainersPanel("trainers"),
                FieldPanel("enrolment_mode"),
                FieldPanel("lessons_public"),
                FieldPanel("certificate_enabled"),
                FieldPanel("is_multiplier_course"),
                FieldPanel("live_attendance_rule"),
                FieldPanel("live_attendance_percent"),
            ],
            heading=_("Taking part"),
        ),
        InlinePanel("trainer_kit_items", heading=_("Trainer kit"), label=_("Material")),
    ]
    search_fields = [
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
        index.FilterField("format"),
        index.FilterField("language"),
    ]
    # The admin form (courses.forms.CoursePageForm, which limits who may change the trainers) is
    # attached as ``base_form_class`` in CoursesConfig.ready: models never import forms.

    class Meta:
        abstract = True

    def with_content_json(self, content):
        """Who trains a course is access to its learners' data, not content: a revision
        (published later, scheduled or restored) never changes it; the form changes it at once."""
        page = super().with_content_json(content)
        page.trainers = list(self.trainers.all())
        return page


class CoursePage(CachedViewRestrictionsMixin, CoursePageMixin, Page):  # noqa: DJ008 - __str__ comes from the page model
    page_ptr = page_parent_link()

    content_panels = Page.content_panels + CoursePageMixin.content_panels
    search_fields = Page.search_fields + CoursePageMixin.search_fields
    parent_page_types = ["courses.CourseCataloguePage"]
    subpage_types = ["courses.ChapterPage", "courses.LessonPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        permissions = [("assign_course_trainers", _("Can choose the trainers of every course"))]

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_page_context  # selectors import the models

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self, user=request.user))
        return context


class TrainerKitItem(Orderable):
    """Material for qualified multipliers and trainers only: never reachable by a public URL."""

    course = ParentalKey(CoursePage, related_name="trainer_kit_items", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to="trainer-kit/", storage=get_private_storage)

    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = _("trainer kit material")
        verbose_name_plural = _("trainer kit materials")

    def __str__(self) -> str:
        return self.title


class ChapterPageMixin(models.Model):
    """Groups lessons; its lessons follow in tree order. Visiting it opens its first lesson."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [FieldPanel("intro")]

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        first = self.get_children().live().first()
        return redirect(first.url if first else self.get_parent().url)


class ChapterPage(CachedViewRestrictionsMixin, ChapterPageMixin, Page):  # noqa: DJ008 - __str__ comes from the page model
    page_ptr = page_parent_link()

    content_panels = Page.content_panels + ChapterPageMixin.content_panels
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/chapter_page.html"

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")


class LessonPageMixin(models.Model):
    """A lesson: text, videos, documents, quizzes. Done when its required parts are."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(LessonBlocks(), verbose_name=_("content"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), null=True, blank=True
    )
    requires_mark_done = models.BooleanField(
        _("learner marks as done"),
        default=False,
        help_text=_(
            "Lessons without a required video or quiz always ask the learner to mark them as done."
        ),
    )

    content_panels = [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("estimated_minutes"),
        FieldPanel("requires_mark_done"),
    ]
    search_fields = [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_page_context  # selectors import the models

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_page_context(lesson=self, user=request.user))
        return context

    def _required(self, block_type: str, key: str) -> list[int]:
        # Read the raw stream: no query for the chosen snippets.
        return [
            int(block["value"][key])
            for block in self.body.raw_data
            if block["type"] == block_type
            and block["value"].get("required")
            and block["value"].get(key)
        ]

    def _chosen(self, block_type: str, key: str) -> list[int]:
        return [
            int(block["value"][key])
            for block in self.body.raw_data
            if block["type"] == block_type and block["value"].get(key)
        ]

    def video_ids(self) -> list[int]:
        return self._chosen("video", "video")

    def quiz_ids(self) -> list[int]:
        return self._chosen("quiz", "quiz")

    def required_videos(self) -> list[int]:
        return self._required("video", "video")

    def required_quizzes(self) -> list[int]:
        return self._required("quiz", "quiz")

    def needs_mark_done(self) -> bool:
        return self.requires_mark_done or not (self.required_videos() or self.required_quizzes())


class LessonPage(CachedViewRestrictionsMixin, LessonPageMixin, Page):  # noqa: DJ008 - __str__ comes from the page model
    page_ptr = page_parent_link()

    content_panels = Page.content_panels + LessonPageMixin.content_panels
    search_fields = Page.search_fields + LessonPageMixin.search_fields
    parent_page_types = ["courses.CoursePage", "courses.ChapterPage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
