"""The outbox against a real SMTP server (aiosmtpd on loopback): mail is recorded with the change
that causes it, never lost while the server is down, sent exactly once when it is back, retried
after temporary refusals, given up after permanent ones, and resent once after a worker died."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.core import mail as django_mail
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from cms import outbox
from cms.mail import send_templated_mail, site_url
from cms.models import OutgoingMail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = OutgoingMail.Status
QUERIES = 11  # session, user, backlog (3), the page and its count, Wagtail's menu


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An SMTP server's handler: keeps what it accepts; refuses addresses listed in ``refuse``
    with the given answer (e.g. "450 ..." or "550 ...")."""

    def __init__(self):
        self.received: list = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.received if address in rcpt]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a loopback port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return settings


def notice(to, key: str = "") -> int:
    """An e-mail recorded in a committed transaction (its sending task runs after the commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        return send_templated_mail(
            template="lms/emails/erasure_requested",
            to=to,
            context={
                "name": "Lea Muster",
                "erasure": type("E", (), {"due_at": timezone.now()})(),
                "url": site_url("/me/privacy/"),
            },
            key=key,
        )


def later(seconds: int) -> timezone.datetime:
    return timezone.now() + timedelta(seconds=seconds)


def test_mail_is_recorded_while_the_server_is_down_and_sent_once_when_it_is_back(
    smtp_down, settings
):
    assert notice("lea@example.org") == 1  # no exception: the page that caused it answers
    (row,) = OutgoingMail.objects.all()
    assert row.status == Status.PENDING and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error and row.next_attempt_at > timezone.now()

    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_PORT = port
        assert outbox.send_due() == 0  # not due yet: the backoff is respected
        assert outbox.send_due(now=later(3600)) == 1
        assert outbox.send_due(now=later(7200)) == 0  # never twice
    finally:
        controller.stop()
    (message,) = sink.to("lea@example.org")
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at and row.last_error == ""
    assert message["Message-ID"] == outbox.message_id(row.key)


def test_the_same_key_is_recorded_and_sent_once(smtp):
    assert notice("lea@example.org", key="reminder:1:24h:x:7") == 1
    assert notice("lea@example.org", key="reminder:1:24h:x:7") == 0
    assert OutgoingMail.objects.count() == 1
    assert outbox.send_due(now=later(3600)) == 0
    assert len(smtp.to("lea@example.org")) == 1


def test_a_temporary_refusal_of_one_recipient_delays_only_that_mail(smtp):
    smtp.refuse["ben@example.org"] = "450 4.2.1 Mailbox busy, try later"
    notice("ben@example.org")
    notice("lea@example.org")
    assert len(smtp.to("lea@example.org")) == 1 and smtp.to("ben@example.org") == []
    ben = OutgoingMail.objects.get(to_address="ben@example.org")
    assert ben.status == Status.PENDING and ben.last_error.startswith("450")

    del smtp.refuse["ben@example.org"]
    assert outbox.send_due(now=later(3600)) == 1
    assert outbox.send_due(now=later(7200)) == 0
    assert len(smtp.to("ben@example.org")) == 1 and len(smtp.to("lea@example.org")) == 1


def test_a_permanent_refusal_fails_for_good_with_the_reason_and_others_go_on(smtp):
    smtp.refuse["weg@example.org"] = "550 5.1.1 No such user"
    OutgoingMail.objects.create(key="a", to_address="weg@example.org", subject="A", body="a")
    OutgoingMail.objects.create(key="b", to_address="lea@example.org", subject="B", body="b")
    assert outbox.send_due() == 1
    refused = OutgoingMail.objects.get(key="a")
    assert refused.status == Status.FAILED and "550" in refused.last_error
    assert "No such user" in refused.last_error
    assert outbox.send_due(now=later(86400)) == 0  # never tried again by itself
    assert len(smtp.to("lea@example.org")) == 1 and smtp.to("weg@example.org") == []


def test_temporary_failures_give_up_after_the_last_attempt(smtp, settings):
    settings.TANDEM_OUTBOX_MAX_ATTEMPTS = 2
    smtp.refuse["ben@example.org"] = "451 try again"
    OutgoingMail.objects.create(key="a", to_address="ben@example.org", subject="A", body="a")
    outbox.send_due()
    outbox.send_due(now=later(86400))
    row = OutgoingMail.objects.get()
    assert row.status == Status.FAILED and row.last_error.startswith("gave up after 2 attempts")


def test_a_mail_claimed_by_a_worker_that_died_is_sent_once_by_a_later_sweep(smtp, settings):
    OutgoingMail.objects.create(key="a", to_address="lea@example.org", subject="A", body="a")
    claimed = outbox._claim(timezone.now(), None)  # the worker claimed it, then was killed
    assert claimed is not None and claimed.status == Status.SENDING
    assert outbox.send_due() == 0  # still being sent as far as anyone knows
    stale = settings.TANDEM_OUTBOX_STALE_SECONDS + 1
    assert outbox.send_due(now=later(stale)) == 1
    assert outbox.send_due(now=later(stale * 2)) == 0
    assert len(smtp.to("lea@example.org")) == 1


def test_when_the_queue_is_down_the_mail_stays_recorded_and_the_sweep_sends_it(smtp, monkeypatch):
    class DownQueue:
        def enqueue(self, *args):
            raise ConnectionError("Redis is down")

        def get_backend(self):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(outbox, "deliver", DownQueue())
    assert notice("lea@example.org") == 1  # no exception reaches the caller
    assert OutgoingMail.objects.get().status == Status.PENDING and smtp.received == []
    monkeypatch.undo()
    from django.core.management import call_command

    call_command("send_outbox", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.to("lea@example.org")) == 1


def test_sign_up_and_password_reset_answer_while_the_mail_server_is_down(
    client, home_page, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("account_signup"),
            {
                "first_name": "Fatma",
                "last_name": "Yilmaz",
                "email": "fatma@example.org",
                "password1": "ein-langes-Passwort-7",
                "password2": "ein-langes-Passwort-7",
            },
        )
    assert answer.status_code == 302
    verification = OutgoingMail.objects.get(to_address="fatma@example.org")
    assert verification.status == Status.PENDING and verification.recipient.first_name == "Fatma"
    UserFactory(email="reset@example.org")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert answer.status_code == 302
    reset = OutgoingMail.objects.get(to_address="reset@example.org")
    assert reset.status == Status.PENDING and "/accounts/password/reset/key/" in reset.body


def test_healthz_answers_503_when_mail_waits_too_long(client, settings):
    settings.TANDEM_OUTBOX_MAX_PENDING_AGE = 600
    OutgoingMail.objects.create(key="a", to_address="lea@example.org", subject="A", body="a")
    answer = client.get("/healthz/")
    assert answer.status_code == 200 and answer.json()["outbox"]["pending"] == 1
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(seconds=601))
    answer = client.get("/healthz/")
    assert answer.status_code == 503
    assert answer.json()["checks"]["outbox"] == "late"
    assert answer.json()["outbox"]["oldest_pending_seconds"] >= 601


def test_sent_mail_is_deleted_after_its_retention_period():
    old = timezone.now() - timedelta(days=31)
    OutgoingMail.objects.create(key="a", to_address="a@x.org", status=Status.SENT, created_at=old)
    OutgoingMail.objects.create(key="b", to_address="b@x.org", created_at=old)  # still pending
    assert outbox.outbox_retention(now=timezone.now(), dry_run=False) == 1
    assert list(OutgoingMail.objects.values_list("key", flat=True)) == ["b"]


def test_superusers_see_the_outbox_and_retry_a_failed_mail_after_confirming(client):
    failed = OutgoingMail.objects.create(
        key="a",
        to_address="weg@example.org",
        subject="Ihr Termin",
        status=Status.FAILED,
        last_error="550 5.1.1 No such user",
    )
    OutgoingMail.objects.create(key="b", to_address="lea@example.org", subject="Hallo")
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="Redaktion"))
    client.force_login(staff)
    assert client.get(reverse("cms_outbox")).status_code in (302, 403)
    assert client.post(reverse("cms_outbox_retry", args=[failed.pk])).status_code in (302, 403)

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("cms_outbox"), {"status": "failed"}).content.decode()
    assert "weg@example.org" in page and "No such user" in page and "lea@example.org" not in page
    confirm = client.get(reverse("cms_outbox_retry", args=[failed.pk]))
    assert confirm.status_code == 200 and "No such user" in confirm.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.FAILED  # asking changes nothing
    django_mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(reverse("cms_outbox_retry", args=[failed.pk]))
    assert answer.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SENT  # the test settings' mail backend accepts everything
    assert [m.to for m in django_mail.outbox] == [["weg@example.org"]]


def test_the_outbox_listing_has_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for index in range(3):
        OutgoingMail.objects.create(key=f"k{index}", to_address="a@x.org", subject="S")
    client.get(reverse("cms_outbox"))
    with django_assert_num_queries(QUERIES):
        client.get(reverse("cms_outbox"))
    for index in range(3, 9):
        OutgoingMail.objects.create(key=f"k{index}", to_address="a@x.org", subject="S")
    with django_assert_num_queries(QUERIES):
        client.get(reverse("cms_outbox"))


@pytest.mark.parametrize(
    ("language", "recorded"), [("de", "03.12.2026 14:00"), ("en", "12/03/2026 2 p.m.")]
)
def test_the_outbox_shows_its_times_in_the_readers_language(client, language, recorded):
    moment = datetime(2026, 12, 3, 13, 0, 5, tzinfo=UTC)
    mail = OutgoingMail.objects.create(key="a", to_address="a@x.org", subject="S")
    OutgoingMail.objects.filter(pk=mail.pk).update(created_at=moment)
    client.force_login(
        UserFactory(is_superuser=True, is_staff=True, language=language, time_zone="Europe/Berlin")
    )
    page = client.get(reverse("cms_outbox")).content.decode()
    assert f"<td>{recorded}</td>" in page
