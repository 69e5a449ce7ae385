"""Around a session: the shared agenda, each member's private notes, the mentee's feedback and
"my partner did not come"."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Session, SessionFeedback, SessionNote
from .errors import NOT_ACTIVE, NOT_YET_HELD, SessionError, session_role

ONLY_MENTEE_FEEDBACK = _("Feedback on sessions comes from mentees.")
FEEDBACK_TWICE = _("You have already given feedback on this session.")
RATING_RANGE = _("Please rate from 1 to 5.")


@transaction.atomic
def session_set_agenda(*, session: Session, by, agenda: str) -> Session:
    session_role(session, by)
    session.agenda = (agenda or "").strip()[:5000]
    session.save(update_fields=["agenda", "changed_at"])
    return session


@transaction.atomic
def session_note_save(*, session: Session, by, text: str) -> SessionNote | None:
    """Private notes of one member; an empty text deletes them."""
    session_role(session, by)
    text = (text or "").strip()
    if not text:
        SessionNote.objects.filter(session=session, author=by).delete()
        return None
    note, _created = SessionNote.objects.update_or_create(
        session=session, author=by, defaults={"text": text[:20000]}
    )
    return note


@transaction.atomic
def session_feedback_submit(
    *, session: Session, by, rating: int, text: str = "", now: datetime | None = None
) -> SessionFeedback:
    now = now or timezone.now()
    if session_role(session, by) != "mentee":
        raise SessionError(ONLY_MENTEE_FEEDBACK, code="not_allowed")
    if session.status == Session.Status.CANCELLED:
        raise SessionError(NOT_ACTIVE, code="cancelled")
    if now < session.start:
        raise SessionError(NOT_YET_HELD, code="not_yet")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SessionError(RATING_RANGE, field="rating")
    if SessionFeedback.objects.filter(session=session).exists():
        raise SessionError(FEEDBACK_TWICE, code="already_given")
    return SessionFeedback.objects.create(
        session=session, rating=rating, text=(text or "").strip()[:5000]
    )


@transaction.atomic
def session_mark_no_show(*, session: Session, by, now: datetime | None = None) -> Session:
    """The member who came marks that the other member did not come."""
    now = now or timezone.now()
    role = session_role(session, by)
    if session.status == Session.Status.CANCELLED:
        raise SessionError(NOT_ACTIVE, code="cancelled")
    if now < session.start:
        raise SessionError(NOT_YET_HELD, code="not_yet")
    if role == "mentor":
        session.mentee_no_show = True
    else:
        session.mentor_no_show = True
    session.save(update_fields=["mentor_no_show", "mentee_no_show", "changed_at"])
    return session
