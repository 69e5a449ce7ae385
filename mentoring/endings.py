"""Services: ending tandems, one early or all of a programme at its end, and undoing that."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms import audit

from . import conf
from .errors import NOT_A_MEMBER, NOT_ACTIVE, REASON_REQUIRED, MentoringError
from .models import (
    Programme,
    ProgrammeEnding,
    Tandem,
)

if TYPE_CHECKING:
    from cms.typing import User


@transaction.atomic
def tandem_end_early(*, tandem: Tandem, by: User, reason: str) -> Tandem:
    """A member (or the programme management) ends the tandem before the programme's end."""
    tandem = (
        Tandem.objects.select_for_update()
        .select_related("mentee", "mentor", "programme")
        .get(pk=tandem.pk)
    )
    if (
        by.pk not in (tandem.mentee.user_id, tandem.mentor.user_id)
        and not tandem.programme.managers.filter(pk=by.pk).exists()
        and not by.is_superuser
    ):
        raise MentoringError(NOT_A_MEMBER, code="not_a_member")
    if tandem.status != Tandem.Status.ACTIVE:
        raise MentoringError(NOT_ACTIVE, code="not_active")
    reason = " ".join(reason.split())
    if not reason:
        raise MentoringError(REASON_REQUIRED, field="reason")
    tandem.status = Tandem.Status.ENDED_EARLY
    tandem.ended_at = timezone.now()
    tandem.end_reason = reason[:500]
    tandem.save(update_fields=["status", "ended_at", "end_reason"])
    return tandem


PROGRAMME_NOT_OVER = _(
    "The programme runs until {date}. To end it earlier, give a reason (it is recorded)."
)
NOTHING_TO_END = _("There are no active tandems to end.")
UNDO_EXPIRED = _("This step can no longer be undone: the {days} days for it have passed.")
ALREADY_UNDONE = _("This step has already been undone.")
SESSIONS_CANCELLED_REASON = _("The mentoring programme has ended.")


@transaction.atomic
def programme_end(
    *,
    programme: Programme,
    by: User | None,
    early_reason: str = "",
    now: datetime | None = None,
) -> ProgrammeEnding:
    """End the programme's active tandems: complete them, cancel their future sessions (each
    member gets the cancellation notice), thank the members with a link to the final feedback,
    and record who did it. Before the programme's end date only with a reason."""
    from .sessions.services import sessions_cancel_with_tandem_end

    now = now or timezone.now()
    early_reason = " ".join(early_reason.split())
    if timezone.localdate(now) < programme.ends_on and not early_reason:
        raise MentoringError(
            format_lazy(PROGRAMME_NOT_OVER, date=date_format(programme.ends_on)),
            code="not_over",
            field="early_reason",
        )
    tandems = list(
        Tandem.objects.select_for_update().filter(programme=programme, status=Tandem.Status.ACTIVE)
    )
    if not tandems:
        raise MentoringError(NOTHING_TO_END, code="nothing_to_end")
    Tandem.objects.filter(pk__in=[t.pk for t in tandems]).update(
        status=Tandem.Status.COMPLETED, ended_at=now
    )
    sessions = sessions_cancel_with_tandem_end(
        tandems=tandems, by=by, reason=str(SESSIONS_CANCELLED_REASON), now=now
    )
    ending = ProgrammeEnding.objects.create(
        programme=programme, ended_at=now, ended_by=by, early_reason=early_reason[:500]
    )
    ending.tandems.set(tandems)
    ending.sessions.set(sessions)
    ending_id = ending.pk
    transaction.on_commit(lambda: _notify_ending(ending_id, "programme_ended"))
    audit.record(
        action="programme.ended",
        by=by,
        target=f"programme {programme.pk}",
        tandems=len(tandems),
        sessions_cancelled=len(sessions),
        early=bool(early_reason),
    )
    return ending


def programme_end_undo_until(ending: ProgrammeEnding) -> datetime:
    return ending.ended_at + timedelta(days=int(conf.get("PROGRAMME_END_UNDO_DAYS")))


@transaction.atomic
def programme_end_undo(
    *, ending: ProgrammeEnding, by: User | None, now: datetime | None = None
) -> list[Tandem]:
    """Reopen the tandems an ending completed (within ``TANDEM_MENTORING_PROGRAMME_END_UNDO_DAYS``).
    The sessions it cancelled stay cancelled (both members were told); the tandems book again."""
    now = now or timezone.now()
    ending = ProgrammeEnding.objects.select_for_update().get(pk=ending.pk)
    if ending.undone_at:
        raise MentoringError(ALREADY_UNDONE, code="undone")
    if now > programme_end_undo_until(ending):
        raise MentoringError(
            format_lazy(UNDO_EXPIRED, days=conf.get("PROGRAMME_END_UNDO_DAYS")), code="expired"
        )
    reopen = list(
        ending.tandems.select_for_update()
        .filter(status=Tandem.Status.COMPLETED)
        .exclude(  # a mentee who has since got another open tandem keeps that one
            mentee__mentee_tandems__status__in=Tandem.OPEN_STATUSES
        )
    )
    Tandem.objects.filter(pk__in=[t.pk for t in reopen]).update(
        status=Tandem.Status.ACTIVE, ended_at=None
    )
    ending.undone_at, ending.undone_by = now, by
    ending.save(update_fields=["undone_at", "undone_by"])
    ending_id = ending.pk
    transaction.on_commit(lambda: _notify_ending(ending_id, "programme_reopened"))
    audit.record(
        action="programme.end_undone",
        by=by,
        target=f"programme {ending.programme_id}",
        tandems=len(reopen),
    )
    return reopen


def _notify_ending(ending_id: int, kind: str) -> None:
    from .tasks import notify_programme_ending

    notify_programme_ending.enqueue(ending_id, kind)
