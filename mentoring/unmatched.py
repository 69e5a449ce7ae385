"""Services: the next steps for a mentee without a mentor (pair by hand, one more place for a
mentor with her consent, the waiting list)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms import audit

from . import notifications
from .errors import MentoringError
from .models import (
    Application,
    PairRule,
    Tandem,
)

if TYPE_CHECKING:
    from cms.typing import User


MENTOR_FULL = _(
    "{name} already accompanies {load} of {places} mentees. Confirm to pair above her places."
)
MENTEE_HAS_TANDEM = _("This mentee already has a tandem.")
PAIR_FORBIDDEN = _("This pair was declined or excluded before; choose another mentor.")
CONSENT_OF_MENTOR_REQUIRED = _("Please confirm that the mentor has agreed.")
PLACES_AT_MOST = _("A mentor accompanies at most 10 mentees.")


def _mentor_load(mentor: Application) -> tuple[int, int]:
    load = mentor.mentor_tandems.filter(status__in=Tandem.OPEN_STATUSES).count()
    return load, mentor.capacity or mentor.programme.default_mentor_capacity


@transaction.atomic
def tandem_pair_by_hand(
    *, mentee: Application, mentor: Application, by: User, over_capacity: bool = False
) -> Tandem:
    """The programme management proposes a tandem outside a matching run (e.g. for a mentee no
    run could place). Above the mentor's places only when confirmed; both are asked as usual."""
    # the mentor's row is locked and read afresh: two managers pairing at once see one load
    mentor = (
        Application.objects.select_for_update()
        .select_related("programme", "user")
        .get(pk=mentor.pk)
    )
    if mentee.mentee_tandems.filter(status__in=Tandem.OPEN_STATUSES).exists():
        raise MentoringError(MENTEE_HAS_TANDEM, code="has_tandem")
    if PairRule.objects.filter(mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBIDDEN).exists():
        raise MentoringError(PAIR_FORBIDDEN, code="forbidden", field="mentor")
    load, places = _mentor_load(mentor)
    if load >= places and not over_capacity:
        raise MentoringError(
            format_lazy(
                MENTOR_FULL,
                name=mentor.user.get_full_name() or mentor.user.email,
                load=load,
                places=places,
            ),
            code="over_capacity",
            field="mentor",
        )
    tandem = Tandem.objects.create(programme=mentee.programme, mentee=mentee, mentor=mentor)
    if mentee.waiting_since:
        mentee.waiting_since = None
        mentee.save(update_fields=["waiting_since"])
    notifications.tandems_proposed([tandem.pk])
    audit.record(
        action="tandem.paired_by_hand",
        by=by,
        target=f"programme {mentee.programme_id}, tandem {tandem.pk}",
        over_capacity=load >= places,
    )
    return tandem


@transaction.atomic
def mentor_add_place(*, mentor: Application, by: User, consented: bool) -> Application:
    """One more place for one mentor, only with her consent (recorded); she is told by e-mail."""
    if not consented:
        raise MentoringError(CONSENT_OF_MENTOR_REQUIRED, code="consent_required", field="consented")
    mentor = Application.objects.select_for_update().select_related("programme").get(pk=mentor.pk)
    places = (mentor.capacity or mentor.programme.default_mentor_capacity) + 1
    if places > 10:
        raise MentoringError(PLACES_AT_MOST, code="too_many")
    mentor.capacity = places
    mentor.save(update_fields=["capacity"])
    mentor_id = mentor.pk
    transaction.on_commit(lambda: _notify_application(mentor_id, "places_raised"))
    audit.record(
        action="mentor.places_raised",
        by=by,
        subject=mentor.user,
        target=f"programme {mentor.programme_id}",
        places=places,
        mentor_consented=True,
    )
    return mentor


@transaction.atomic
def mentee_waitlist(*, mentee: Application, by: User) -> Application:
    """Put a mentee without a mentor on the waiting list and tell her; the waiting list keeps
    her in every following matching run (fairness "waited longest" prefers her)."""
    mentee = Application.objects.select_for_update().get(pk=mentee.pk)
    if mentee.waiting_since is None:
        mentee.waiting_since = timezone.now()
        mentee.save(update_fields=["waiting_since"])
        mentee_id = mentee.pk
        transaction.on_commit(lambda: _notify_application(mentee_id, "waiting_list"))
        audit.record(
            action="mentee.waitlisted",
            by=by,
            subject=mentee.user,
            target=f"programme {mentee.programme_id}",
        )
    return mentee


def _notify_application(application_id: int, kind: str) -> None:
    from .tasks import notify_application

    notify_application.enqueue(application_id, kind)
