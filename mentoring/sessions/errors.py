"""The error every session service raises, and the messages shared by several of them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cms.errors import ServiceError

from .. import conf
from ..models import Session, Tandem
from . import slots as engine

NOT_A_MEMBER = _("You are not part of this tandem.")
SESSIONS_DISABLED = _("Video sessions are switched off on this site.")
NOT_ACTIVE = _("This session is cancelled.")
REASON_REQUIRED = _("Please give a reason.")
NOT_YET_HELD = _("This is possible once the session has started.")
WINDOW_ORDER = _("The end must be after the start.")


class SessionError(ServiceError):
    """A rule of sessions was not met; ``alternatives`` are free slots offered instead."""

    def __init__(
        self,
        message,
        *,
        code: str = "invalid",
        field: str | None = None,
        alternatives: list[engine.Slot] | None = None,
    ):
        super().__init__(message, code=code, field=field)
        self.alternatives = alternatives or []


def ensure_enabled() -> None:
    if not conf.get("SESSIONS_ENABLED"):
        raise SessionError(SESSIONS_DISABLED, code="sessions_disabled")


def tandem_role(tandem: Tandem, user) -> str:
    """ "mentor" or "mentee"; anyone else is refused."""
    if user.pk == tandem.mentor.user_id:
        return "mentor"
    if user.pk == tandem.mentee.user_id:
        return "mentee"
    raise SessionError(NOT_A_MEMBER, code="not_a_member")


def session_role(session: Session, by) -> str:
    role = session.member_role(by)
    if role is None:
        raise SessionError(NOT_A_MEMBER, code="not_a_member")
    return role
