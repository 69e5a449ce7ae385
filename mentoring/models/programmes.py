from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import BaseLogEntry, Orderable
from wagtail.models.audit_log import ModelLogEntryManager

from cms.panels import GrantingFieldPanel

from .availability import SessionRules

# Matching must never use special categories of personal data (GDPR Art. 9).
SPECIAL_CATEGORY_WORDS = (
    "gesundheit",
    "health",
    "krankheit",
    "behinderung",
    "disability",
    "religion",
    "glaube",
    "konfession",
    "ethni",
    "herkunft",
    "rasse",
    "race",
    "sexuelle",
    "sexual",
    "gewerkschaft",
    "union membership",
    "politisch",
    "political",
    "biometri",
    "genetisch",
    "genetic",
)
SPECIAL_CATEGORY_REFUSED = _(
    "Matching must not use special categories of personal data (health, religion, ethnic origin, "
    "political opinion, sexual orientation, union membership, biometric or genetic data)."
)


class MatchingMode(models.TextChoices):
    MANAGER = "manager", _("the programme management matches")
    MENTEE_CHOOSES = "mentee_chooses", _("mentees choose from suggestions")
    HYBRID = "hybrid", _("hybrid: suggestions, then the management completes")


class Fairness(models.TextChoices):
    NONE = "none", _("highest total score")
    LIFT_WEAKEST = "lift_weakest", _("lift the weakest pairs")
    WAITING_LONGEST = "waiting_longest", _("prefer people who have waited longest")


class ManagersPanel(GrantingFieldPanel):
    """A programme's managers read its applications: administrators name them."""

    read_only_help_text = _(
        "Administrators name a programme's managers (whoever may create programmes)."
    )


class Programme(SessionRules, ClusterableModel):
    """A time-bound mentoring round (cohort) with its own rules."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    applications_open = models.DateTimeField(_("applications open"))
    applications_close = models.DateTimeField(_("applications close"))
    matching_on = models.DateField(_("matching date"))
    starts_on = models.DateField(_("programme starts"))
    ends_on = models.DateField(_("programme ends"))
    matching_mode = models.CharField(
        _("matching mode"),
        max_length=20,
        choices=MatchingMode.choices,
        default=MatchingMode.MANAGER,
    )
    fairness = models.CharField(
        _("fairness"), max_length=20, choices=Fairness.choices, default=Fairness.NONE
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "For mentors who left “mentees at most” empty in their application. A mentor's own "
            "answer always wins; to give one mentor more places, use “Raise places” in the "
            "matching workspace (with her consent)."
        ),
    )
    suggestions_per_mentee = models.PositiveSmallIntegerField(
        _("suggestions per mentee"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    managers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme managers"),
        related_name="managed_programmes",
        blank=True,
    )
    privacy_notice_version = models.CharField(
        _("version of the privacy notice"),
        max_length=50,
        default="1",
        help_text=_("Recorded with every consent; raise it when the notice changes."),
    )
    sessions_need_confirmation = models.BooleanField(
        _("mentees confirm sessions the mentor proposes"), default=False
    )
    session_change_cutoff_hours = models.PositiveSmallIntegerField(
        _("changes possible until (hours before)"),
        default=24,
        validators=[MaxValueValidator(336)],
        help_text=_("Later than this, a session can no longer be moved or cancelled online."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("applications_open"),
                FieldPanel("applications_close"),
                FieldPanel("matching_on"),
                FieldPanel("starts_on"),
                FieldPanel("ends_on"),
            ],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("matching_mode"),
                FieldPanel("fairness"),
                FieldPanel("default_mentor_capacity"),
                FieldPanel("suggestions_per_mentee"),
            ],
            heading=_("Matching"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("session_lengths"),
                FieldPanel("buffer_before"),
                FieldPanel("buffer_after"),
                FieldPanel("min_notice_hours"),
                FieldPanel("horizon_days"),
                FieldPanel("max_per_day"),
                FieldPanel("max_per_week"),
                FieldPanel("sessions_need_confirmation"),
                FieldPanel("session_change_cutoff_hours"),
            ],
            heading=_("Sessions"),
        ),
        ManagersPanel("managers"),
        FieldPanel("privacy_notice_version"),
        InlinePanel("criteria", heading=_("Matching questions and rules"), label=_("Criterion")),
    ]

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("mentoring programme")
        verbose_name_plural = _("mentoring programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_close__gt=F("applications_open")),
                name="programme_application_window",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The dates in the order people live them: applications, then the matching, then the
        programme; a programme that seemed to start before its application deadline confused
        applicants."""
        super().clean()
        errors = {}
        opens, closes = self.applications_open, self.applications_close
        if opens and closes and closes <= opens:
            errors["applications_close"] = _("Applications must close after they open.")
        close_day = timezone.localdate(closes) if closes else None
        if close_day and self.matching_on and self.matching_on < close_day:
            errors["matching_on"] = _("The matching comes after the application deadline.")
        if self.matching_on and self.starts_on and self.starts_on < self.matching_on:
            errors["starts_on"] = _("The programme starts after the matching.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The programme ends after it starts.")
        if errors:
            raise ValidationError(errors)


def criterion_kind_choices() -> list[tuple[str, object]]:
    """The comparisons programme managers choose from: the built-in ones and every kind a site
    registered (``mentoring.matching.register_criterion_kind`` or the Wagtail hook
    ``register_tandem_matching_criteria``). Evaluated whenever a form or a check needs them."""
    from ..matching.site_kinds import available_kinds

    built_in = dict(Criterion.Kind.choices)
    choices = []
    for name, kind in available_kinds().items():
        label = kind.label or built_in.get(name) or name
        choices.append((name, label if isinstance(label, str | Promise) else str(label)))
    return choices


class Criterion(Orderable):
    """One matching question of a programme: what both sides are asked, how answers compare,
    and how much it counts (weight 0–10) or whether it is a hard rule. The engine scores it in
    its plain-data form, :class:`mentoring.matching.ScoringCriterion`."""

    class Kind(models.TextChoices):
        OVERLAP = "overlap", _("overlap (e.g. topics, languages, times)")
        EQUAL = "equal", _("same answer (e.g. format, region)")
        DIFFERENT = "different", _("different answer (e.g. organisation, for cross-mentoring)")
        PREFERENCE = "preference", _("mentee's preference about the mentor")

    class Rule(models.TextChoices):
        NONE = "", _("no rule: weight only")
        MUST_MATCH = "must_match", _("must match")
        MUST_DIFFER = "must_differ", _("must differ")

    class AnswerType(models.TextChoices):
        SINGLE = "single", _("one choice")
        MULTIPLE = "multiple", _("several choices")

    programme = ParentalKey(Programme, related_name="criteria", on_delete=models.CASCADE)
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Stable internal name, e.g. “topics”.")
    )
    kind = models.CharField(_("comparison"), max_length=20, choices=criterion_kind_choices)
    mentee_question = models.CharField(_("question to mentees"), max_length=300, blank=True)
    mentor_question = models.CharField(_("question to mentors"), max_length=300, blank=True)
    answer_type = models.CharField(
        _("answers"), max_length=10, choices=AnswerType.choices, default=AnswerType.MULTIPLE
    )
    choices = models.TextField(_("choices"), help_text=_("One choice per line."))
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=5, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices, blank=True, default="")
    required = models.BooleanField(_("answer required"), default=True)

    panels = [
        FieldPanel("key"),
        FieldPanel("kind"),
        FieldPanel("mentee_question"),
        FieldPanel("mentor_question"),
        FieldPanel("answer_type"),
        FieldPanel("choices"),
        FieldPanel("weight"),
        FieldPanel("rule"),
        FieldPanel("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("matching criterion")
        verbose_name_plural = _("matching criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"], name="criterion_key_unique_per_programme"
            ),
            models.CheckConstraint(condition=Q(weight__lte=10), name="criterion_weight_at_most_10"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def asks(self, role: str) -> str:
        return self.mentee_question if role == "mentee" else self.mentor_question

    def clean(self) -> None:
        text = " ".join(
            [self.key, self.mentee_question, self.mentor_question, self.choices]
        ).lower()
        if any(word in text for word in SPECIAL_CATEGORY_WORDS):
            raise ValidationError(SPECIAL_CATEGORY_REFUSED)
        if not (self.mentee_question or self.mentor_question):
            raise ValidationError(_("Ask mentees, mentors or both."))
        if not self.choice_list:
            raise ValidationError({"choices": _("Give at least one choice.")})


class ProgrammeLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        """The admin's site history: a manager sees the entries of her own programmes only."""
        if user.is_superuser:
            return self.all()
        managed = Programme.objects.filter(managers=user).values_list("pk", flat=True)
        return self.filter(object_id__in=[str(pk) for pk in managed])


class ProgrammeLogEntry(BaseLogEntry):
    """The admin history of programmes (Wagtail's log entry model for them, registered in
    wagtail_hooks.py), kept apart from other models' so that it can be scoped per programme."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = ProgrammeLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("programme history entry")
        verbose_name_plural = _("programme history entries")

    def __str__(self) -> str:
        return f"{self.action} {self.object_id}"
