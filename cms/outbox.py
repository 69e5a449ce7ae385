"""The outbox: every e-mail is recorded, then sent by the worker, never lost and not doubled.

Recording (``record``, called by ``cms.mail.send_templated_mail`` and allauth's adapter) writes one
``OutgoingMail`` row per recipient in the transaction of the change that causes the mail: a booking
that is rolled back sends nothing, a booking that commits has its mails on record even when the
mail server or the queue is down. After the commit, a task (``deliver``) is queued for the new mail;
if queueing fails (Redis down), the mail stays pending and the periodic sweep
(``manage.py send_outbox``, also run by ``session_reminders``) sends it.

Sending (``send_due``) claims one due row at a time (PostgreSQL: ``SELECT ... FOR UPDATE SKIP
LOCKED``, then a status change from "pending" to "sending" that only one worker can make), hands it
to the SMTP server and marks it "sent". A temporary failure (no connection, a 4xx answer) puts the
row back to "pending" with an exponentially growing wait; a permanent refusal of the recipient or
the message (a 5xx answer) marks it "failed" for good with the server's reason. Each row has one
recipient, so one refused recipient never holds up or repeats another's mail.

Exactly once, and where it ends: the claim guarantees that two workers never send the same row at
the same time and that a row marked "sent" is never sent again. A worker that dies between the claim
and the mark leaves the row "being sent"; after ``TANDEM_OUTBOX_STALE_SECONDS`` the sweep sends it
again. If it died *after* the SMTP server accepted the mail but *before* the mark was written (a
window of one database write), that mail arrives twice: SMTP offers no way to ask whether a mail
was accepted, so the outbox is at-least-once in that window and exactly-once everywhere else. Both
copies carry the same Message-ID (derived from the idempotency key), which mail servers and clients
use to recognise duplicates.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django_tasks import task

from . import conf
from .models import OutgoingMail
from .privacy import register_erasure_hook, register_retention, retention_days

logger = logging.getLogger("tandem.mail")
Status = OutgoingMail.Status
MAX_WAIT = timedelta(hours=6)


def message_id(key: str) -> str:
    """The Message-ID of the mail with this idempotency key: the same for every attempt."""
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "tandem"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{host}>"


def _encode_attachment(filename: str, content: str | bytes, mimetype: str) -> dict[str, str]:
    if isinstance(content, bytes):
        return {
            "filename": filename,
            "mimetype": mimetype,
            "base64": base64.b64encode(content).decode(),
        }
    return {"filename": filename, "mimetype": mimetype, "text": content}


def _decode_attachment(data: dict[str, str]) -> tuple[str, str | bytes, str]:
    content: str | bytes = (
        base64.b64decode(data["base64"]) if "base64" in data else data.get("text", "")
    )
    return data["filename"], content, data["mimetype"]


def _account(to: Any):
    user_model = get_user_model()
    return to if isinstance(to, user_model) and to.pk is not None else None


def record(
    *,
    to: Any,
    subject: str,
    body: str,
    html: str = "",
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
    key: str = "",
    template: str = "",
    from_address: str = "",
    account: Any = None,
) -> OutgoingMail | None:
    """Record one mail to ``to`` (an account or an address) and queue its sending after the commit.
    With a ``key`` that is already on record, nothing is recorded and None is returned."""
    address = to if isinstance(to, str) else to.email
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(
                key=key or f"mail:{uuid.uuid4().hex}",
                template=template[:120],
                recipient=_account(account if account is not None else to),
                to_address=address,
                from_address=from_address,
                subject=subject,
                body=body,
                html=html,
                attachments=[_encode_attachment(*item) for item in attachments],
            )
    except IntegrityError:
        if key and OutgoingMail.objects.filter(key=key).exists():
            return None  # recorded before: the same mail is never recorded (or sent) twice
        raise
    transaction.on_commit(partial(enqueue, mail.pk))
    return mail


def record_message(message: EmailMessage, *, key: str = "", template: str = "") -> int:
    """Record a message built elsewhere (allauth's) for each of its recipients; how many."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", ()) or ():
        if mimetype == "text/html":
            html = str(content)
    attachments = [item for item in message.attachments if isinstance(item, tuple)]
    recorded = 0
    recipients = list(message.to) + list(message.cc) + list(message.bcc)
    accounts = get_user_model()._default_manager
    for index, address in enumerate(recipients):
        account = accounts.filter(email__iexact=address).order_by("pk").first()
        mail_key = f"{key}:{index}" if key and len(recipients) > 1 else key
        if record(
            to=address,
            subject=str(message.subject),
            body=str(message.body),
            html=html,
            attachments=attachments,
            key=mail_key,
            template=template,
            from_address=message.from_email or "",
            account=account,
        ):
            recorded += 1
    return recorded


def enqueue(mail_id: int, *, run_after: datetime | None = None) -> bool:
    """Queue sending ``mail_id``; when the queue is unreachable, log it: the sweep sends it later."""
    try:
        if run_after is not None:
            if not deliver.get_backend().supports_defer:
                return False
            deliver.using(run_after=run_after).enqueue(mail_id)
        else:
            deliver.enqueue(mail_id)
    except Exception:  # noqa: BLE001 - the queue (Redis) is down; the mail is on record
        logger.warning("outbox: could not queue mail %s; the sweep will send it", mail_id)
        return False
    return True


@task()
def deliver(mail_id: int) -> int:
    """Send one recorded mail if it is still due (a no-op when another worker sent it)."""
    return send_due(ids=[mail_id])


@task()
def sweep() -> int:
    """Send every due mail (``manage.py send_outbox`` runs the same)."""
    return send_due()


# --- Sending -----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    stale = now - timedelta(seconds=int(conf.get("OUTBOX_STALE_SECONDS")))
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=stale
    )


def _claim(now: datetime, ids: Iterable[int] | None) -> OutgoingMail | None:
    """The next due mail, now "sending" for this worker alone (or None)."""
    with transaction.atomic():
        candidates = OutgoingMail.objects.filter(_due(now))
        if ids is not None:
            candidates = candidates.filter(pk__in=list(ids))
        for pk in (
            candidates.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:5]
        ):
            # The status change is the claim: of two workers that read the same row (SQLite has no
            # row locks) only one changes it.
            if (
                OutgoingMail.objects.filter(_due(now), pk=pk).update(
                    status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
                )
                == 1
            ):
                return OutgoingMail.objects.get(pk=pk)
    return None


def _message(mail: OutgoingMail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        mail.subject,
        mail.body,
        mail.from_address or None,
        [mail.to_address],
        connection=connection,
        headers={"Message-ID": message_id(mail.key)},
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    for data in mail.attachments:
        message.attach(*_decode_attachment(data))
    return message


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def classify(error: BaseException) -> tuple[bool, bool, str]:
    """(permanent, connection lost, reason) of a sending error. Permanent: the server refused this
    recipient or this message with a 5xx answer. A refused sender or login is a configuration
    problem of the site, not of the mail: it stays temporary and is retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (450, b""))
        return 500 <= code < 600, False, f"{code} {_text(text)}".strip()
    if isinstance(error, smtplib.SMTPDataError):
        return (
            500 <= error.smtp_code < 600,
            False,
            f"{error.smtp_code} {_text(error.smtp_error)}",
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return False, True, f"{error.smtp_code} {_text(error.smtp_error)}"
    return False, True, f"{type(error).__name__}: {error}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: the first wait, doubled each time."""
    first = timedelta(seconds=int(conf.get("OUTBOX_RETRY_SECONDS")))
    return min(first * (2 ** max(attempts - 1, 0)), MAX_WAIT)


def _failed(mail: OutgoingMail, *, permanent: bool, reason: str, now: datetime) -> None:
    gave_up = permanent or mail.attempts >= int(conf.get("OUTBOX_MAX_ATTEMPTS"))
    changes: dict[str, Any] = {"claimed_at": None, "last_error": reason[:2000]}
    if gave_up:
        changes["status"] = Status.FAILED
        if not permanent:
            changes["last_error"] = f"gave up after {mail.attempts} attempts: {reason}"[:2000]
        logger.warning("outbox: mail %s failed for good: %s", mail.pk, changes["last_error"])
    else:
        changes["status"] = Status.PENDING
        changes["next_attempt_at"] = now + backoff(mail.attempts)
        logger.info("outbox: mail %s not sent yet (%s), next attempt later", mail.pk, reason)
    OutgoingMail.objects.filter(pk=mail.pk, status=Status.SENDING).update(**changes)
    if not gave_up:
        enqueue(mail.pk, run_after=changes["next_attempt_at"] + timedelta(seconds=1))


def send_due(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Send the due mails (only ``ids`` if given), each once; returns how many were sent. A lost
    connection to the mail server ends the round: the rest waits for the next one."""
    ids = list(ids) if ids is not None else None
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        while (mail := _claim(now or timezone.now(), ids)) is not None:
            try:
                _message(mail, connection).send()
            except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
                permanent, connection_lost, reason = classify(error)
                _failed(mail, permanent=permanent, reason=reason, now=now or timezone.now())
                if connection_lost:
                    break
                continue
            OutgoingMail.objects.filter(pk=mail.pk).update(
                status=Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
            )
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection
            pass
    return sent


# --- Superusers' actions and the health check ---------------------------------------------------


def retry(mail_ids: Iterable[int]) -> int:
    """Put mails that failed for good back in the queue, due now; how many."""
    now = timezone.now()
    ids = list(
        OutgoingMail.objects.filter(pk__in=list(mail_ids), status=Status.FAILED).values_list(
            "pk", flat=True
        )
    )
    OutgoingMail.objects.filter(pk__in=ids, status=Status.FAILED).update(
        status=Status.PENDING, next_attempt_at=now, attempts=0, claimed_at=None
    )
    for pk in ids:
        transaction.on_commit(partial(enqueue, pk))
    return len(ids)


def backlog(now: datetime | None = None) -> dict[str, Any]:
    """Unsent mails (pending or being sent), the age of the oldest in seconds, and those failed
    for good; ``late`` when the oldest waits longer than TANDEM_OUTBOX_MAX_PENDING_AGE."""
    now = now or timezone.now()
    unsent = OutgoingMail.objects.filter(status__in=[Status.PENDING, Status.SENDING])
    summary = unsent.aggregate(oldest=Min("created_at"))
    oldest = summary["oldest"]
    age = int((now - oldest).total_seconds()) if oldest else 0
    return {
        "pending": unsent.count(),
        "oldest_pending_seconds": age,
        "failed": OutgoingMail.objects.filter(status=Status.FAILED).count(),
        "late": age > int(conf.get("OUTBOX_MAX_PENDING_AGE")),
    }


@register_retention("outbox: content of sent e-mails after 30 days")
def outbox_retention(*, now, dry_run: bool) -> int:
    """Sent (and failed) mails are deleted after ``TANDEM_RETENTION["OUTBOX_DAYS"]`` days."""
    old = OutgoingMail.objects.filter(
        status__in=[Status.SENT, Status.FAILED],
        created_at__lt=now - timedelta(days=retention_days("OUTBOX_DAYS", 30)),
    )
    count = old.count()
    if not dry_run:
        old.delete()
    return count


@register_erasure_hook
def erase_mentions(user) -> dict[str, int]:
    """Mails to other people that name the erased person (a partner's session notices, calendar
    entries with both names) are deleted with the person's own: the outbox keeps only a few weeks
    of mail, so they are looked through here rather than linked to everyone they mention."""
    terms = [
        term.strip().lower()
        for term in (user.email, user.first_name, user.last_name)
        if term and len(term.strip()) >= 2
    ]
    if not terms:
        return {}
    doomed = []
    for mail in OutgoingMail.objects.exclude(recipient=user).iterator():
        parts = [mail.to_address, mail.subject, mail.body, mail.html]
        for data in mail.attachments:
            text = data.get("text") or ""
            parts.append(text.replace("\r\n ", "").replace("\n ", ""))  # unfolded calendar lines
        content = "\n".join(parts).lower()
        if any(term in content for term in terms):
            doomed.append(mail.pk)
    deleted, _ = OutgoingMail.objects.filter(pk__in=doomed).delete()
    return {"cms.OutgoingMail (mentions)": deleted} if deleted else {}
