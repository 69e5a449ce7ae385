"""The audit log: logins, role and permission changes, exports, erasures, published matches,
revoked certificates. People appear only as pseudonymous ids (a keyed hash of their account id),
so the log itself names nobody; a superuser can find the events of one account by its id."""

from __future__ import annotations

import logging
from datetime import timedelta

from .models import AuditEvent
from .privacy import register_retention, retention_days
from .pseudonyms import keyed_id

logger = logging.getLogger("tandem.audit")


def pseudonym(user) -> str:
    if user is None or getattr(user, "pk", None) is None:
        return ""
    return keyed_id(f"audit:{user.pk}")


def record(*, action: str, by=None, subject=None, target: str = "", **details) -> None:
    """Write one event: ``by`` did ``action`` (to ``subject``). ``details`` must not contain names,
    e-mail addresses or free text."""
    if "actor" in details:
        raise TypeError("audit.record() names the acting person `by`, not `actor`")
    AuditEvent.objects.create(
        action=action,
        actor=pseudonym(by),
        subject=pseudonym(subject),
        target=target[:120],
        details=details,
    )
    logger.info(
        "audit %s actor=%s subject=%s target=%s",
        action,
        pseudonym(by) or "-",
        pseudonym(subject) or "-",
        target or "-",
    )


@register_retention("audit log after one year")
def audit_log_retention(*, now, dry_run: bool) -> int:
    old = AuditEvent.objects.filter(at__lt=now - timedelta(days=retention_days("AUDIT_DAYS", 365)))
    count = old.count()
    if not dry_run:
        old.delete()
    return count
