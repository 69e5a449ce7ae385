"""The one way Tandem sends e-mail: ``send_templated_mail``.

Every e-mail is two or three templates, ``<template>_subject.txt``, ``<template>_body.txt`` and
optionally ``<template>_body.html``, e.g. ``mentoring/emails/session_booked``. They are rendered in
the recipient's language and time zone (the account's ``language`` and ``time_zone``, else the
site's), so dates in them (``{{ moment|date:"DATETIME_FORMAT" }}``, the ``cms_mail`` tags) read as
the recipient expects. The text templates are rendered without HTML escaping; the subject is made
one line. Every template gets ``recipient`` (the account, or None for a bare address) and
``site_url`` (the site's address without a trailing slash: links in e-mails are absolute).

Nothing else in Tandem calls Django's ``send_mail`` or ``EmailMessage``: this is the choke point
where every mail is recorded in the outbox (``cms.outbox``), in the transaction of the change that
causes it, and sent by the worker after the commit, retried while the mail server fails. A ``key``
(e.g. ``reminder:<session>:<kind>:<start>:<recipient>``) makes a mail idempotent: recorded and sent
once however often it is asked for. Attachments whose content depends on the language (a calendar
file's title) are made inside ``recipient_locale(to)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import timezone, translation

from . import outbox


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


def site_url(path: str = "") -> str:
    """The absolute address of ``path`` on this site (WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@contextmanager
def recipient_locale(
    to: Any, *, language: str | None = None, time_zone: str | None = None
) -> Iterator[None]:
    """The recipient's language and time zone, active inside the block."""
    language = language or getattr(to, "language", "") or settings.LANGUAGE_CODE
    zone = time_zone or getattr(to, "time_zone", "") or settings.TIME_ZONE
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        yield


def _render(name: str, context: dict, *, autoescape: bool) -> str:
    return Engine.get_default().get_template(name).render(Context(context, autoescape=autoescape))


def render_mail(*, template: str, to: Any, context: dict | None = None) -> tuple[str, str, str]:
    """Subject, text body and HTML body ("" when the e-mail has none), as ``to`` will read them."""
    values = {
        "recipient": None if isinstance(to, str) else to,
        "site_url": site_url(),
        **(context or {}),
    }
    subject = " ".join(_render(f"{template}_subject.txt", values, autoescape=False).split())
    body = _render(f"{template}_body.txt", values, autoescape=False)
    try:
        html = _render(f"{template}_body.html", values, autoescape=True)
    except TemplateDoesNotExist:
        html = ""
    return subject, body, html


@dataclass(frozen=True)
class RenderedMail:
    """An e-mail rendered for its recipient and not yet recorded. ``record()`` puts it in the
    outbox, in the current transaction. A change can thus render its mails before it takes a
    lock and record them while it holds it (``mentoring.sessions.booking.session_book``)."""

    to: Any
    template: str
    subject: str
    body: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    key: str = ""

    def record(self) -> int:
        """Record it in the outbox; 1, or 0 when its ``key`` was recorded before."""
        mail = outbox.record(
            to=self.to,
            subject=self.subject,
            body=self.body,
            html=self.html,
            attachments=[(a.filename, a.content, a.mimetype) for a in self.attachments],
            key=self.key,
            template=self.template,
        )
        return 1 if mail is not None else 0


def render_templated_mail(
    *,
    template: str,
    to: Any,
    context: dict | None = None,
    attachments: Sequence[Attachment] = (),
    language: str | None = None,
    time_zone: str | None = None,
    key: str = "",
) -> RenderedMail:
    """The e-mail ``template`` to ``to``, rendered as ``send_templated_mail`` renders it."""
    with recipient_locale(to, language=language, time_zone=time_zone):
        subject, body, html = render_mail(template=template, to=to, context=context)
    return RenderedMail(to, template, subject, body, html, tuple(attachments), key)


def send_templated_mail(
    *,
    template: str,
    to: Any,
    context: dict | None = None,
    attachments: Sequence[Attachment] = (),
    language: str | None = None,
    time_zone: str | None = None,
    key: str = "",
) -> int:
    """Record the e-mail ``template`` to ``to`` (an account or an address) in the outbox, to be sent
    after the commit; returns how many were recorded (1, or 0 when the ``key`` was recorded before).
    """
    return render_templated_mail(
        template=template,
        to=to,
        context=context,
        attachments=attachments,
        language=language,
        time_zone=time_zone,
        key=key,
    ).record()
