from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MatchingRun(models.Model):
    """A draft proposal computed from the applications and rules at one moment. The manager
    reviews it, may swap or pin, re-runs, and finally publishes one run."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        DISCARDED = "discarded", _("discarded")

    programme = models.ForeignKey(
        "mentoring.Programme", on_delete=models.CASCADE, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    settings_snapshot = models.JSONField(_("weights and rules used"), default=dict)
    unmatched = models.JSONField(_("unmatched and why"), default=list)
    pin_issues = models.JSONField(_("pinned pairs not kept and why"), default=list, blank=True)
    matched_count = models.PositiveIntegerField(_("pairs"), default=0)
    total_score = models.FloatField(_("total score"), default=0)
    seconds = models.FloatField(_("computing time"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status="published"),
                name="matching_run_one_published_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"

    @property
    def average_fit(self) -> float | None:
        """The proposed pairs' mean fit on the 0–100 scale of each pair's score (None without
        pairs): the total weighted score as a share of what as many perfect pairs would get."""
        if not self.matched_count:
            return None
        weights = sum(c.get("weight") or 0 for c in self.settings_snapshot.get("criteria", []))
        if weights <= 0:
            return 100.0
        return 100 * self.total_score / (self.matched_count * weights)


class Proposal(models.Model):
    """One proposed pair of a run, with its explanation and the alternatives for the mentee."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey("mentoring.Application", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("mentoring.Application", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score (0–100)"))
    raw_score = models.FloatField(_("weighted score"))
    breakdown = models.JSONField(_("explanation"), default=list)
    alternatives = models.JSONField(_("alternatives"), default=list)
    pinned = models.BooleanField(_("pinned"), default=False)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposal_one_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id}"


class TandemResponse(models.TextChoices):
    PENDING = "pending", _("open")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class TandemQuerySet(models.QuerySet):
    def of_member(self, user) -> "TandemQuerySet":
        """The tandems ``user`` is the mentor or the mentee of (the people, with their accounts, loaded)."""
        return self.filter(Q(mentor__user=user) | Q(mentee__user=user)).select_related(
            "programme", "mentor__user", "mentee__user"
        )


class Tandem(models.Model):
    """A mentor–mentee pair: proposed → active (both accepted) → completed or ended early."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        ENDED_EARLY = "ended_early", _("ended early")
        DECLINED = "declined", _("declined")

    Response = TandemResponse

    OPEN_STATUSES = (Status.PROPOSED, Status.ACTIVE)

    programme = models.ForeignKey(
        "mentoring.Programme", on_delete=models.CASCADE, related_name="tandems"
    )
    mentee = models.ForeignKey(
        "mentoring.Application", on_delete=models.CASCADE, related_name="mentee_tandems"
    )
    mentor = models.ForeignKey(
        "mentoring.Application", on_delete=models.CASCADE, related_name="mentor_tandems"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    mentee_response = models.CharField(
        _("mentee's answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    mentor_response = models.CharField(
        _("mentor's answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=500, blank=True)
    times_requested_at = models.DateTimeField(
        _("mentor asked to set times"),
        null=True,
        blank=True,
        help_text=_("When the mentee wanted to book before the mentor had set times (told once)."),
    )

    objects = TandemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tandem")
        verbose_name_plural = _("tandems")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status__in=["proposed", "active"]),
                name="tandem_one_open_per_mentee",
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | (Q(mentee_response="accepted") & Q(mentor_response="accepted")),
                name="tandem_active_only_when_both_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} & {self.mentee}"
