"""The audit log: logins, role and permission changes, exports, erasures, published matches,
revoked certificates. People appear only as pseudonymous ids (a keyed hash of their account id),
so the log itself names nobody; a superuser can find the events of one account by its id."""

from __future__ import annotations

import logging

from .pseudonyms import keyed_id

logger = logging.getLogger("tandem.audit")


def pseudonym(user) -> str:
    if user is None or getattr(user, "pk", None) is None:
        return ""
    return keyed_id(f"audit:{user.pk}")


def record(*, action: str, actor=None, subject=None, target: str = "", **details) -> None:
    """Write one event. ``details`` must not contain names, e-mail addresses or free text."""
    from .models import AuditEvent

    AuditEvent.objects.create(
        action=action,
        actor=pseudonym(actor),
        subject=pseudonym(subject),
        target=target[:120],
        details=details,
    )
    logger.info(
        "audit %s actor=%s subject=%s target=%s",
        action,
        pseudonym(actor) or "-",
        pseudonym(subject) or "-",
        target or "-",
    )
