"""Every e-mail the project sends, of every kind: each link leads to the site's public address
(SITE_URL) even when the request came in on another host or port, and the e-mail names the
organisation (from the site settings), never a host name.

The kinds are discovered: every ``<app>/emails/<kind>_subject.txt`` of the project and every
allauth ``account/email/<kind>_subject.txt``. A new kind without a case in SENDERS fails here."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.utils import timezone
from wagtail.models import Site

from cms.models import OutgoingMail, SiteSettings
from cms.outbox import message_id
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
SITE = "https://tandem.example.org:8811"
ORGANISATION = "Musterverband e. V."
REQUEST_HOST = "127.0.0.1:8811"  # where `make run PORT=8811` is reached; not the public address
URL = re.compile(r"https?://[^\s<>\"')]+")


def project_kinds() -> set[str]:
    """``app/emails/kind`` of every e-mail template of the project's own template folders: the
    project's template directories and those of every installed app that lives in the project."""
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT.resolve())
    ]
    kinds = set()
    for folder in folders:
        for subject in folder.glob("**/emails/*_subject.txt"):
            kinds.add(subject.relative_to(folder).as_posix().removesuffix("_subject.txt"))
    return kinds


def allauth_kinds() -> set[str]:
    folders = [Path(allauth.__file__).parent / "templates", ROOT / "templates"]
    return {
        f"account/email/{subject.name.removesuffix('_subject.txt')}"
        for folder in folders
        for subject in (folder / "account" / "email").glob("*_subject.txt")
    }


# --- Senders: each sends its kind through the code that sends it on the site -------------------


def _request():
    request = RequestFactory().get("/", HTTP_HOST=REQUEST_HOST)
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


def _allauth(send):
    def run(user):
        request = _request()
        with allauth_context.request_context(request):
            send(request, user)

    return run


def _confirmation(signup: bool):
    def send(request, user):
        address = EmailAddress.objects.create(
            user=user, email=f"neu-{signup}@example.org", primary=False, verified=False
        )
        address.send_confirmation(request, signup=signup)

    return _allauth(send)


def _reset(email_of):
    def send(request, user):
        form = ResetPasswordForm(data={"email": email_of(user)})
        assert form.is_valid(), form.errors
        form.save(request)

    return _allauth(send)


def _notification(kind: str, **context):
    def send(request, user):
        with override_settings(ACCOUNT_EMAIL_NOTIFICATIONS=True):
            get_adapter(request).send_notification_mail(f"account/email/{kind}", user, context)

    return _allauth(send)


def _code(kind: str):
    def send(request, user):
        get_adapter(request).send_mail(f"account/email/{kind}", user.email, {"code": "K7Q-2PX"})

    return _allauth(send)


def _already_exists(request, user):
    get_adapter(request).send_account_already_exists_mail(user.email)


def _erasure(user):
    from lms import admin_views, services

    admin_views._tell(user, services.erasure_request(user=user))


def _session(kind: str):
    def send(user):
        from mentoring.sessions import notifications, services
        from tests.mentoring.conftest import make_active_tandem

        tandem = make_active_tandem()
        berlin = ZoneInfo("Europe/Berlin")
        session = services.session_book(
            tandem=tandem,
            start=datetime(2027, 5, 4, 10, tzinfo=berlin),
            length=60,
            by=tandem.mentee.user,
            now=datetime(2027, 5, 3, 6, tzinfo=berlin),
        ).session
        if kind in ("24h", "1h"):
            notifications.session_reminder(session, kind)
        else:
            notifications.session_changed(session, kind)

    return send


def _tandem_proposed(user):
    from mentoring.notifications import tandem_proposed
    from tests.mentoring.conftest import make_active_tandem

    tandem = make_active_tandem()
    tandem_proposed(tandem)


# Courses: a course (under the site's home page) with a run the person learns in.


def _course():
    from courses.models import CourseCataloguePage, CoursePage
    from tests.courses.conftest import publish

    home = Site.objects.get(is_default_site=True).root_page
    catalogue = publish(home, CourseCataloguePage(title="Kurse", slug="kurse"))
    return publish(
        catalogue,
        CoursePage(
            title="Digitale Beratung",
            slug="digitale-beratung",
            summary="Beratung per Video.",
            duration_hours=Decimal("6.0"),
        ),
    )


def _course_completed(user):
    from courses.models import Enrolment
    from courses.services import course_completed_notify

    enrolment = Enrolment.objects.create(
        user=user, course=_course(), status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    course_completed_notify(enrolment_id=enrolment.pk)


def _live(kind: str):
    def send(user):
        from courses.live import reminders, services
        from tests.courses.live_support import enrol, make_run, make_session

        trainer = UserFactory()
        run = make_run(_course(), trainer=trainer)
        other = enrol(run, UserFactory())[0]
        enrol(run, user)
        start = timezone.now() + {
            "reminder_24h": timedelta(hours=20),
            "reminder_1h": timedelta(minutes=30),
        }.get(kind, timedelta(days=2))
        if kind == "announced":
            services.live_session_create(
                run=run, title="Auftakt", start=start, duration_minutes=60, by=trainer
            )
            return
        session = make_session(run, start=start, seats=1)
        if kind in ("waitlisted", "promoted"):
            first = services.live_registration_create(session=session, user=other)
        registration = services.live_registration_create(session=session, user=user)
        if kind == "promoted":
            services.live_registration_cancel(registration=first)
        elif kind == "unregistered":
            services.live_registration_cancel(registration=registration)
        elif kind == "changed":
            services.live_session_update(
                session=session,
                title="Auftakt",
                start=start + timedelta(hours=1),
                duration_minutes=60,
                seats=1,
                by=trainer,
            )
        elif kind == "cancelled":
            services.live_session_cancel(session=session, by=trainer, reason="Krankheit")
        elif kind.startswith("reminder_"):
            reminders.live_reminders_send_due()

    return send


# Knowledge: a space under the home page with one person per role.


def _space(**options):
    from tests.knowledge.conftest import make_space

    return make_space(Site.objects.get(is_default_site=True).root_page, "Datenschutz", **options)


def _approval_requested(user):
    from knowledge.models import KnowledgeArticlePage
    from tests.knowledge.conftest import publish_article

    space, people = _space(requires_approval=True)
    article = publish_article(space, title="Schutzkonzept")
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    article.get_workflow().start(article, people.approver)


def _confirmation_reminder(user):
    from knowledge import services
    from knowledge.models import KnowledgeArticlePage
    from tests.knowledge.conftest import publish_article

    space, people = _space()
    article = publish_article(space, title="Datenschutzleitlinie")
    article.mandatory_for.set([space.readers_group])
    article.save_revision().publish()
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    services.confirmation_reminders_send(article=article, by=people.manager)


def _review_due(user):
    from knowledge import services
    from tests.knowledge.conftest import publish_article

    space, people = _space()
    publish_article(space, title="Löschfristen", content_owner=people.editor)
    services.review_reminders_send(
        today=timezone.localdate() + timedelta(days=space.review_interval_days)
    )


# Mentoring: the programme's life cycle.


def _places_raised(user):
    from mentoring import services
    from tests.mentoring.conftest import make_active_tandem

    tandem = make_active_tandem()
    services.mentor_add_place(mentor=tandem.mentor, by=UserFactory(), consented=True)


def _waiting_list(user):
    from mentoring import services
    from tests.mentoring.conftest import apply, make_programme

    mentee = apply(make_programme(), "mentee", "KV Süd", ["Führung"], user=user)
    services.mentee_waitlist(mentee=mentee, by=UserFactory())


def _programme_end(undo: bool):
    def send(user):
        from mentoring import services
        from tests.mentoring.conftest import make_active_tandem

        tandem = make_active_tandem()
        ending = services.programme_end(
            programme=tandem.programme, by=None, early_reason="Förderung endet"
        )
        if undo:
            services.programme_end_undo(ending=ending, by=None)

    return send


def _times_requested(user):
    from mentoring.sessions.availability import tandem_request_times
    from tests.mentoring.conftest import make_active_tandem

    tandem_request_times(tandem=make_active_tandem(windows=[]))


def _video_unconfigured(user):
    from video.services import unconfigured_notify_operators

    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    cache.delete("video:unconfigured-notice")  # at most once a day: the last case's notice
    unconfigured_notify_operators(hint="TANDEM_JITSI_DOMAIN")


def _room_mail(kind: str):
    def send(user):
        from video.meetings import new_room_name
        from video.models import VideoRoom, VideoRoomDate
        from video.notifications import colleagues_notify

        room = VideoRoom.objects.create(
            kind="team", title="Teamrunde", host=UserFactory(), room_name=new_room_name()
        )
        start = timezone.now() + timedelta(days=3)
        VideoRoomDate.objects.create(room=room, start=start, end=start + timedelta(hours=1))
        colleagues_notify(room, kind=kind, people=[user], sequence=1)

    return send


SENDERS = {
    "account/email/account_already_exists": _allauth(_already_exists),
    "account/email/email_changed": _notification(
        "email_changed", from_email="alt@example.org", to_email="neu@example.org"
    ),
    "account/email/email_confirm": _notification("email_confirm"),
    "account/email/email_confirmation": _confirmation(signup=False),
    "account/email/email_confirmation_signup": _confirmation(signup=True),
    "account/email/email_deleted": _notification("email_deleted", deleted_email="alt@example.org"),
    "account/email/login_code": _code("login_code"),
    "account/email/password_changed": _notification("password_changed"),
    "account/email/password_reset": _notification("password_reset"),
    "account/email/password_reset_code": _code("password_reset_code"),
    "account/email/password_reset_key": _reset(lambda user: user.email),
    "account/email/password_set": _notification("password_set"),
    "account/email/unknown_account": _reset(lambda user: "niemand@example.org"),
    "courses/emails/course_completed": _course_completed,
    **{
        f"courses/emails/live_{kind}": _live(kind)
        for kind in (
            "announced",
            "cancelled",
            "changed",
            "promoted",
            "registered",
            "reminder_1h",
            "reminder_24h",
            "unregistered",
            "waitlisted",
        )
    },
    "knowledge/emails/approval_requested": _approval_requested,
    "knowledge/emails/confirmation_reminder": _confirmation_reminder,
    "knowledge/emails/review_due": _review_due,
    "lms/emails/erasure_requested": _erasure,
    "mentoring/emails/places_raised": _places_raised,
    "mentoring/emails/programme_ended": _programme_end(undo=False),
    "mentoring/emails/programme_reopened": _programme_end(undo=True),
    "mentoring/emails/session_booked": _session("booked"),
    "mentoring/emails/session_cancelled": _session("cancelled"),
    "mentoring/emails/session_confirmed": _session("confirmed"),
    "mentoring/emails/session_proposed": _session("proposed"),
    "mentoring/emails/session_reminder_1h": _session("1h"),
    "mentoring/emails/session_reminder_24h": _session("24h"),
    "mentoring/emails/session_rescheduled": _session("rescheduled"),
    "mentoring/emails/tandem_proposed": _tandem_proposed,
    "mentoring/emails/times_requested": _times_requested,
    "mentoring/emails/waiting_list": _waiting_list,
    "video/emails/unconfigured": _video_unconfigured,
    "video/emails/room_invited": _room_mail("invited"),
    "video/emails/room_changed": _room_mail("changed"),
    "video/emails/room_removed": _room_mail("removed"),
}

KINDS = sorted(project_kinds() | allauth_kinds())


def test_the_kinds_are_found():
    assert "account/email/password_reset_key" in KINDS
    assert "mentoring/emails/session_booked" in KINDS
    assert "lms/emails/erasure_requested" in KINDS


@pytest.fixture
def organisation(home_page):
    settings_ = SiteSettings.for_site(Site.objects.get(root_page=home_page))
    settings_.organisation_name = ORGANISATION
    settings_.save()
    return settings_


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_email_links_to_the_site_and_names_the_organisation(
    kind, language, organisation, django_capture_on_commit_callbacks
):
    assert kind in SENDERS, f"New e-mail kind {kind!r}: add a case to SENDERS in {__file__}"
    user = UserFactory(first_name="Lea", last_name="Muster", language=language)
    mail.outbox.clear()
    with override_settings(
        SITE_URL=SITE,
        WAGTAILADMIN_BASE_URL=SITE,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "127.0.0.1"],
        LANGUAGE_CODE=language,
    ):
        # Mail is recorded in the outbox and sent after the commit: run the commit's callbacks.
        with django_capture_on_commit_callbacks(execute=True):
            SENDERS[kind](user)
        # The mails of this kind (a case may send others while it builds its objects).
        ids = {
            message_id(key)
            for key in OutgoingMail.objects.filter(
                template=kind, status=OutgoingMail.Status.SENT
            ).values_list("key", flat=True)
        }
    sent = [message for message in mail.outbox if message.extra_headers.get("Message-ID") in ids]
    assert sent, f"{kind}: nothing was sent"
    for message in sent:
        texts = [message.subject, message.body] + [
            content for content, _type in getattr(message, "alternatives", [])
        ]
        links = [link for text in texts for link in URL.findall(str(text))]
        for link in links:
            assert link.startswith(SITE + "/"), f"{kind}: {link} does not lead to {SITE}"
        assert ORGANISATION in message.body, f"{kind}: the organisation is not named"
        assert REQUEST_HOST not in message.body and "testserver" not in message.body
    if kind.startswith("account/email/"):
        body = sent[-1].body
        greeting = "Hallo von" if language == "de" else "Hello from"
        assert f"{greeting} {ORGANISATION}!" in body
