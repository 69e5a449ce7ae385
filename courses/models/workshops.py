"""Workshops in live sessions: tables (a topic, optionally a fixed table host), rounds and who
sat where in which round (World Café). The rotation itself is :mod:`courses.live.workshop.plan`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_TABLES = 20
MAX_ROUNDS = 12


class LiveWorkshop(models.Model):
    """A live session run as a workshop: its rounds and the state of the current one. A removed
    workshop (``removed_at``) is kept with its tables and seating for the undo window
    (``TANDEM_COURSES_WORKSHOP_UNDO_DAYS``); the retention rules delete it after that."""

    session = models.OneToOneField(
        "courses.LiveSession",
        on_delete=models.CASCADE,
        related_name="workshop",
        verbose_name=_("live session"),
    )
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=3)
    round_minutes = models.PositiveSmallIntegerField(_("minutes per round"), default=20)
    current_round = models.PositiveSmallIntegerField(
        _("current round"), default=0, help_text=_("0: everyone is in the main room.")
    )
    round_started_at = models.DateTimeField(_("round started"), null=True, blank=True)
    round_ends_at = models.DateTimeField(_("round ends"), null=True, blank=True)
    removed_at = models.DateTimeField(
        _("removed"),
        null=True,
        blank=True,
        help_text=_("The live session is a plain session again; it can be undone for a while."),
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("removed by"),
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.CheckConstraint(
                condition=Q(rounds__gte=1) & Q(rounds__lte=MAX_ROUNDS),
                name="live_workshop_rounds_range",
            ),
            models.CheckConstraint(
                condition=Q(round_minutes__gte=1) & Q(round_minutes__lte=120),
                name="live_workshop_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.rounds} × {self.round_minutes}"

    @property
    def in_round(self) -> bool:
        return self.current_round > 0


class WorkshopTable(models.Model):
    """One table of a workshop: a topic and, optionally, a host who stays at it every round."""

    workshop = models.ForeignKey(
        LiveWorkshop, on_delete=models.CASCADE, related_name="tables", verbose_name=_("workshop")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    topic = models.CharField(_("topic"), max_length=200)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("table host"),
    )
    breakout_room = models.CharField(
        _("breakout room on the video server"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Reported by the host's browser when a round starts; maps occupant events."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("workshop table")
        verbose_name_plural = _("workshop tables")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "position"], name="workshop_table_position_once"
            )
        ]

    def __str__(self) -> str:
        return self.topic


class WorkshopSeat(models.Model):
    """Where a person sat in one round (the history the rotation needs)."""

    workshop = models.ForeignKey(
        LiveWorkshop, on_delete=models.CASCADE, related_name="seats", verbose_name=_("workshop")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    table = models.ForeignKey(
        WorkshopTable, on_delete=models.CASCADE, related_name="seats", verbose_name=_("table")
    )

    class Meta:
        ordering = ["round", "table__position", "pk"]
        verbose_name = _("workshop seat")
        verbose_name_plural = _("workshop seats")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "round", "user"], name="workshop_seat_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} r{self.round} {self.user_id} → {self.table_id}"
