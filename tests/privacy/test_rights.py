"""Export (Art. 15/20) and erasure (Art. 17) on the demo organisation: the export holds every
classified field of the person and nothing of anyone else's; after erasure a full database dump
holds neither their name nor their e-mail, and the statistics are unchanged."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cms import privacy
from lms.demo import DEMO_PASSWORD
from lms.models import ErasureRequest
from mentoring import selectors as mentoring_selectors
from mentoring.models import Application, FeedbackResponse, Programme, Session, SessionNote, Tandem
from mentoring.sessions import selectors as session_selectors
from mentoring.sessions import services as session_services

pytestmark = pytest.mark.django_db
SUBJECT = "aylin.demir@musterverband.example"  # a demo mentee in an active tandem with sessions


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo organisation, seeded once for the module (seed_demo is slow); each test's
    changes, the erasure included, are rolled back after it."""
    from django.core.cache import cache
    from django.test import override_settings
    from django.utils.functional import empty

    from courses.storage import private_storage

    overrides = override_settings(
        TANDEM_COURSES_PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("media")
    )
    overrides.enable()
    private_storage._wrapped = empty
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("seed_demo", "--force", stdout=io.StringIO())
            user = get_user_model().objects.get(email=SUBJECT)
            session = Session.objects.filter(mentee=user).order_by("start").first()
            session_services.session_note_save(
                session=session, by=user, text="Meine eigene Notiz zur Delegation"
            )
            session_services.session_note_save(
                session=session, by=session.mentor, text="Notiz der Mentorin über Aylin"
            )
            yield
            transaction.set_rollback(True)
    finally:
        cache.clear()  # Wagtail's cached site root paths belong to the rolled-back world
        overrides.disable()
        private_storage._wrapped = empty


@pytest.fixture
def demo(demo_world, db):
    return get_user_model().objects.get(email=SUBJECT)


def dump() -> str:
    """Every value of every table, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def statistics(programme: Programme) -> dict:
    return {
        "applications": sorted(
            Application.objects.filter(programme=programme).values_list("role", "status")
        ),
        "tandems": sorted(
            Tandem.objects.filter(programme=programme).values_list("status", flat=True)
        ),
        "feedback": [
            mentoring_selectors.feedback_aggregates(programme=programme, phase=phase)
            for phase in FeedbackResponse.Phase.values
        ],
        "sessions": session_selectors.programme_session_stats(
            programme=programme, now=timezone.now() + timedelta(days=1)
        ),
    }


def test_export_holds_every_classified_field_of_the_person_and_nothing_of_others(demo, client):
    client.force_login(demo)
    response = client.post(reverse("me-privacy-export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["daten.html", "daten.json"]
    data = json.loads(archive.read("daten.json"))
    sections = {section["model"]: section for section in data["sections"]}
    for record in privacy.records():
        rows = record.rows_of(demo)
        exported = [name for name, spec in record.personal.items() if spec.export]
        if rows.exists() and exported:
            assert record.model in sections, record.model
            assert set(exported) <= set(sections[record.model]["rows"][0]), record.model
    assert {
        "lms.User",
        "mentoring.Application",
        "mentoring.Tandem",
        "mentoring.Session",
        "mentoring.SessionNote",
        "mentoring.ConsentRecord",
    } <= set(sections)
    text = archive.read("daten.json").decode() + archive.read("daten.html").decode()
    assert "Meine eigene Notiz zur Delegation" in text
    assert "Notiz der Mentorin" not in text
    others = get_user_model().objects.exclude(pk=demo.pk).values_list("email", flat=True)
    assert not [email for email in others if email in text]
    assert "password" not in sections["lms.User"]["rows"][0]


def test_erasure_after_cool_off_leaves_no_name_or_email_and_keeps_the_statistics(demo, client):
    programme = Programme.objects.get()
    before = statistics(programme)
    client.post(
        reverse("account_login"), {"login": SUBJECT, "password": "falsch-geraten"}
    )  # a failed login
    assert "Aylin" in dump() and SUBJECT in dump()
    client.force_login(demo)
    assert (
        client.post(reverse("me-privacy"), {"action": "erase"}).status_code == 400
    )  # not confirmed
    assert (
        client.post(
            reverse("me-privacy"), {"action": "erase", "confirm": "on", "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    erasure = ErasureRequest.objects.get()
    assert erasure.due_at - erasure.requested_at >= timedelta(days=14) - timedelta(seconds=5)
    call_command("enforce_retention", stdout=io.StringIO())
    assert "Aylin" in dump()  # nothing happens during the cool-off
    call_command("enforce_retention", stdout=io.StringIO())
    later = erasure.due_at + timedelta(minutes=1)
    for description, rule in privacy.retention_rules():
        if "erasure" in description:
            assert rule(now=later, dry_run=False) == 1
    everything = dump()
    assert "Aylin" not in everything and "Demir" not in everything and SUBJECT not in everything
    assert "aylin.demir" not in everything.lower()
    assert "Meine eigene Notiz" not in everything and "Notiz der Mentorin" not in everything
    assert statistics(programme) == before
    erasure.refresh_from_db()
    assert erasure.completed_at and erasure.user is None and erasure.counts
    assert "Aylin" not in json.dumps(erasure.counts)


def test_the_person_can_cancel_during_the_cool_off(demo, client):
    client.force_login(demo)
    client.post(
        reverse("me-privacy"), {"action": "erase", "confirm": "on", "password": DEMO_PASSWORD}
    )
    page = client.get(reverse("me-privacy")).content.decode()
    assert "Mein Konto behalten" in page
    client.post(reverse("me-privacy"), {"action": "cancel"})
    erasure = ErasureRequest.objects.get()
    assert erasure.cancelled_at is not None
    for description, rule in privacy.retention_rules():
        if "erasure" in description:
            assert rule(now=erasure.due_at + timedelta(days=1), dry_run=False) == 0
    demo.refresh_from_db()
    assert demo.email == SUBJECT and demo.is_active


def test_dry_run_counts_without_changing(demo):
    out = io.StringIO()
    SessionNote.objects.update()
    call_command("enforce_retention", "--dry-run", stdout=out)
    assert "würde" in out.getvalue() or "would" in out.getvalue()
    assert SessionNote.objects.count() == 2


def test_a_programme_manager_requests_erasure_for_a_participant_who_is_told(
    demo, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    manager = get_user_model().objects.get(email="programmleitung@musterverband.example")
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=manager, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    client.force_login(manager)
    url = reverse("lms_erasure_for_person", args=[demo.pk])
    assert client.get(url).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        assert client.post(url).status_code == 302
    erasure = ErasureRequest.objects.get()
    assert erasure.user == demo and erasure.by_staff
    assert mail.outbox[0].to == [SUBJECT] and reverse("me-privacy") in mail.outbox[0].body
    learner = get_user_model().objects.get(
        email="lernende@musterverband.example"
    )  # not in the programme
    assert client.get(reverse("lms_erasure_for_person", args=[learner.pk])).status_code == 404


def test_a_mentors_availability_is_exported_and_goes_with_her():
    """The mentor's django-scheduler calendar holds her availability and her private notes on
    absences: they are in her export and gone after erasure, calendar included."""
    from schedule.models import Calendar, Event, Occurrence

    from tests.mentoring.conftest import make_active_tandem

    mentor = make_active_tandem().mentor.user
    schedule = mentor.mentor_schedule
    session_services.availability_add_exception(
        schedule=schedule,
        kind="blocked",
        date_from=timezone.localdate() + timedelta(days=10),
        note="Kur in Bad Kissingen",
    )
    weekly = Event.objects.filter(calendar=schedule.calendar, rule__frequency="WEEKLY").first()
    next(weekly.occurrences_after(timezone.now())).cancel()
    exported = {section["model"]: section for section in privacy.export_person(mentor)}
    assert len(exported["schedule.Event"]["rows"]) == 6  # five weekly windows, one absence
    assert "Kur in Bad Kissingen" in json.dumps(exported["schedule.Event"]["rows"])
    assert exported["schedule.Occurrence"]["rows"][0]["cancelled"] is True
    calendar_id = schedule.calendar_id
    privacy.erase_person(mentor)
    assert not Event.objects.filter(calendar_id=calendar_id).exists()
    assert not Occurrence.objects.filter(event__calendar_id=calendar_id).exists()
    assert not Calendar.objects.filter(pk=calendar_id).exists()


def test_availability_that_has_passed_is_deleted_by_the_retention_rules():
    from schedule.models import Event

    from tests.mentoring.conftest import make_active_tandem

    schedule = make_active_tandem().mentor.user.mentor_schedule
    absence = session_services.availability_add_exception(
        schedule=schedule, kind="blocked", date_from=timezone.localdate() + timedelta(days=3)
    )
    (rule,) = [
        rule
        for description, rule in privacy.retention_rules()
        if description.startswith("mentoring: availability")
    ]
    rule(now=timezone.now() + timedelta(days=5), dry_run=False)
    assert not Event.objects.filter(pk=absence.pk).exists()
    assert len(session_selectors.weekly_windows(schedule)) == 5  # the weekly windows go on
