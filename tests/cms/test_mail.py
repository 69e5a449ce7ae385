"""The one mail helper: templates rendered in the recipient's language and time zone, recorded
in the outbox and sent after the commit; the only place (with the outbox) that hands mail to
Django."""

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import TestCase

from cms.mail import Attachment, send_templated_mail, site_url

ROOT = Path(__file__).resolve().parents[2]
# E-mails sign with the organisation's name from the site settings, and are recorded in the
# outbox, sent after the commit: both need the database.
pytestmark = pytest.mark.django_db


def erasure_mail(to, **options):
    erasure = SimpleNamespace(due_at=datetime(2027, 1, 14, 23, 30, tzinfo=UTC))
    with TestCase.captureOnCommitCallbacks(execute=True):
        return send_templated_mail(
            template="lms/emails/erasure_requested",
            to=to,
            context={"name": "Lea Muster", "erasure": erasure, "url": site_url("/me/privacy/")},
            **options,
        )


def test_a_mail_reads_in_the_recipients_language_and_time_zone():
    person = SimpleNamespace(email="lea@example.org", language="de", time_zone="Asia/Tokyo")
    assert erasure_mail(person) == 1
    (message,) = mail.outbox
    assert message.to == ["lea@example.org"]
    assert message.subject == "Ihr Konto wird gelöscht"
    assert message.body.startswith("Guten Tag Lea Muster,\n\nwie gewünscht")
    assert "am 15. Januar 2027 08:30 gelöscht" in message.body  # Tokyo is 9 hours ahead
    assert f"{site_url()}/me/privacy/" in message.body


def test_a_bare_address_gets_the_site_language_unless_one_is_given():
    erasure_mail("kontakt@example.org", language="en", time_zone="UTC")
    assert mail.outbox[0].subject == "Your account will be deleted"
    assert "Jan. 14, 2027, 11:30 p.m." in mail.outbox[0].body


def test_text_mails_are_not_html_escaped_and_attachments_are_kept():
    person = SimpleNamespace(email="a@example.org", language="de", time_zone="Europe/Berlin")
    with TestCase.captureOnCommitCallbacks(execute=True):
        send_templated_mail(
            template="lms/emails/erasure_requested",
            to=person,
            context={
                "name": "Ayşe & <Ben>",
                "erasure": SimpleNamespace(due_at=datetime(2027, 1, 1, tzinfo=UTC)),
                "url": "https://example.org/?a=1&b=2",
            },
            attachments=[Attachment("note.txt", "Hallo", "text/plain")],
        )
    (message,) = mail.outbox
    assert "Ayşe & <Ben>" in message.body and "?a=1&b=2" in message.body
    assert message.attachments == [("note.txt", "Hallo", "text/plain")]
    assert not message.alternatives  # no HTML template: text only


def test_nothing_but_the_helper_hands_mail_to_django():
    senders = re.compile(
        r"(?<!def )\b(send_mail|send_mass_mail|mail_admins|EmailMessage|EmailMultiAlternatives)\b"
    )
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("cms", "courses", "mentoring", "lms")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and path not in (ROOT / "cms" / "mail.py", ROOT / "cms" / "outbox.py")
        and senders.search(path.read_text())
    ]
    assert offenders == []


def test_mails_sign_with_the_organisation_from_the_site_cache_and_see_a_change_at_once(
    site_settings, settings, django_assert_num_queries
):
    """With the shared cache on, a mail reads the organisation's name without a query once it
    is kept; a change to the settings shows in the next mail."""
    from cms.templatetags.cms_mail import organisation_name

    settings.TANDEM_PAGE_CACHE = True
    assert organisation_name() == "Testverband e. V."
    with django_assert_num_queries(0):
        assert organisation_name() == "Testverband e. V."
    site_settings.organisation_name = "Nachbarschaftshilfe e. V."
    site_settings.save()
    assert organisation_name() == "Nachbarschaftshilfe e. V."
    erasure_mail(SimpleNamespace(email="lea@example.org", language="de", time_zone="UTC"))
    assert "Nachbarschaftshilfe e. V." in mail.outbox[0].body
