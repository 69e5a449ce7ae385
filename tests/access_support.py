"""The small world the access matrix (tests/test_access_matrix.py) asks every URL about.

Courses: course A (trainer A, learner enrolled, certificate, multiplier qualification, trainer
kit, video with captions, a quiz) and course B (trainer B, a peer with a certificate, an open
enrolment request and a name correction). Mentoring: programme P1 (manager P1, active tandem T1
of mentee and mentor, a booked session S1, a draft matching run R1) and programme P2 (manager
P2, active tandem T2 whose mentee is the role "t2_member", session S2, run R2).

The roles are the people the matrix logs in as; everyone else (trainer A, the peer, T2's mentor)
only owns things."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.models import Site

from tests.factories import UserFactory

ROLES = (
    "anon",
    "learner",
    "mentee",
    "mentor",
    "t2_member",
    "trainer_b",
    "manager_p2",
    "manager_p1",
    "editor",
    "superuser",
)

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4
JITSI_BEARER = "access-matrix-bearer-token"


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _book(tandem, by):
    from mentoring.sessions import selectors, services

    now = timezone.now()
    slot = selectors.tandem_slots(
        tandem=tandem, length=60, start=now + timedelta(hours=2), end=now + timedelta(days=14)
    ).slots[0]
    return services.session_book(tandem=tandem, start=slot.start, length=60, by=by).session


def _manager(programme, user):
    programme.managers.add(user)
    programme.save()  # parental many-to-many relations are written on save
    return user


def build_world() -> SimpleNamespace:
    from cms.models import HomePage
    from cms.pages import get_base_page_model
    from courses.models import (
        Audience,
        CaptionTrack,
        Certificate,
        ChapterPage,
        CourseCataloguePage,
        CoursePage,
        Enrolment,
        LearningVideo,
        LessonPage,
        MultiplierQualification,
        NameCorrectionRequest,
        Quiz,
        Topic,
        TrainerKitItem,
    )
    from mentoring import services as mentoring_services
    from mentoring.models import ProgrammeEnding, ProgrammePage
    from mentoring.sessions import services as session_services
    from tests.conftest import ensure_wagtail_baseline
    from tests.mentoring.conftest import make_active_tandem, make_programme

    ensure_wagtail_baseline()
    w = SimpleNamespace()

    # --- Site ----------------------------------------------------------------------------------
    Page = get_base_page_model()
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    w.home = HomePage(title="Willkommen", slug="home", intro="Schulungen und Mentoring.")
    root.add_child(instance=w.home)
    w.home.save_revision().publish()
    Site.objects.all().delete()
    w.site = Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=w.home,
        is_default_site=True,
        site_name="Testverband",
    )

    # --- People --------------------------------------------------------------------------------
    w.users = {"anon": None}
    w.users["learner"] = UserFactory(first_name="Lena", last_name="Lernende")
    w.users["trainer_b"] = UserFactory(
        groups=["Trainer:innen"], first_name="Bernd", last_name="Trainer"
    )
    w.users["manager_p1"] = UserFactory(groups=["Programmleitung"])
    w.users["manager_p2"] = UserFactory(groups=["Programmleitung"])
    w.users["editor"] = UserFactory(groups=["Redaktion"])
    w.users["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    w.trainer_a = UserFactory(groups=["Trainer:innen"], first_name="Anna", last_name="Trainerin")
    w.peer = UserFactory(first_name="Paul", last_name="Peer")

    # --- Courses -------------------------------------------------------------------------------
    w.catalogue = _publish(w.home, CourseCataloguePage(title="Kurse", slug="kurse"))
    w.video = LearningVideo(
        title="Einführung", duration_seconds=100, mime_type="video/mp4", file_size=len(FAKE_MP4)
    )
    w.video.file.save("einfuehrung.mp4", ContentFile(FAKE_MP4), save=False)
    w.video.save()
    w.track = CaptionTrack.objects.create(
        video=w.video,
        language="de",
        kind="captions",
        webvtt="WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHallo.\n",
    )
    w.quiz = Quiz.objects.create(
        title="Abschlussquiz",
        pass_mark=50,
        max_attempts=3,
        questions=[
            (
                "question",
                {
                    "text": "Eigener Server?",
                    "kind": "single",
                    "explanation": "",
                    "options": [
                        {"text": "Ja", "is_correct": True, "feedback": ""},
                        {"text": "Nein", "is_correct": False, "feedback": ""},
                    ],
                },
            ),
        ],
    )

    w.topic = Topic.objects.create(name="Beratung", slug="beratung")
    w.audience = Audience.objects.create(name="Ehrenamtliche", slug="ehrenamtliche")
    course_a = _publish(
        w.catalogue,
        CoursePage(
            title="Digitale Beratung",
            slug="digitale-beratung",
            summary="Beratung per Video.",
            duration_hours=Decimal("6.0"),
            is_multiplier_course=True,
            lessons_public=False,
        ),
    )
    course_a.trainers.set([w.trainer_a])
    course_a.save_revision().publish()
    chapter = _publish(course_a, ChapterPage(title="Grundlagen", slug="grundlagen"))
    w.lesson_video = _publish(
        chapter,
        LessonPage(
            title="Video", slug="video", body=[("video", {"video": w.video, "required": True})]
        ),
    )
    w.lesson_quiz = _publish(
        course_a,
        LessonPage(title="Quiz", slug="quiz", body=[("quiz", {"quiz": w.quiz, "required": True})]),
    )
    w.course_a = CoursePage.objects.get(pk=course_a.pk)

    course_b = _publish(
        w.catalogue,
        CoursePage(
            title="Moderation",
            slug="moderation",
            summary="Gruppen leiten.",
            duration_hours=Decimal("3.0"),
            lessons_public=False,
        ),
    )
    course_b.trainers.set([w.users["trainer_b"]])
    course_b.save_revision().publish()
    w.lesson_b = _publish(
        course_b, LessonPage(title="Lesen", slug="lesen", body=[("paragraph", "<p>Text.</p>")])
    )
    w.course_b = CoursePage.objects.get(pk=course_b.pk)

    now = timezone.now()
    learner = w.users["learner"]
    w.enrolment_a = Enrolment.objects.create(
        user=learner, course=w.course_a, status=Enrolment.Status.ACTIVE
    )
    w.enrolment_b = Enrolment.objects.create(
        user=w.peer, course=w.course_b, status=Enrolment.Status.REQUESTED
    )

    # Live sessions: course A's run with the learner registered; course B's run (trainer B's).
    from courses.models import CourseRun, LiveSession, LiveSessionRegistration

    def _run(course):
        return CourseRun.objects.create(
            course=course,
            title="Durchgang",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=30),
            capacity=10,
            enrolment_open=False,  # enrolling without choosing a run stays possible
        )

    w.run_a, w.run_b = _run(w.course_a), _run(w.course_b)
    Enrolment.objects.filter(pk=w.enrolment_a.pk).update(run=w.run_a)
    w.live_a = LiveSession.objects.create(
        run=w.run_a, title="Auftakt", start=now + timedelta(days=2), duration_minutes=60
    )
    w.live_b = LiveSession.objects.create(
        run=w.run_b, title="Moderation live", start=now + timedelta(days=2), duration_minutes=60
    )
    LiveSessionRegistration.objects.create(
        session=w.live_a, user=learner, status=LiveSessionRegistration.Status.REGISTERED
    )

    def certificate(user, course):
        return Certificate.objects.create(
            user=user,
            course=course,
            holder_name=user.get_full_name(),
            course_title=course.title,
            hours=course.duration_hours,
            trainer_names="",
            issued_at=now,
        )

    w.certificate_a = certificate(learner, w.course_a)
    w.certificate_b = certificate(w.peer, w.course_b)
    w.correction_a = NameCorrectionRequest.objects.create(
        certificate=w.certificate_a, requested_name="Lena Neu"
    )
    w.correction_b = NameCorrectionRequest.objects.create(
        certificate=w.certificate_b, requested_name="Paul Neu"
    )
    MultiplierQualification.objects.create(
        user=learner, course=w.course_a, certificate=w.certificate_a, granted_at=now
    )
    w.kit_item = TrainerKitItem.objects.create(
        course=w.course_a,
        title="Leitfaden",
        file=ContentFile(b"%PDF-1.4 kit", name="leitfaden.pdf"),
    )

    # --- Mentoring -----------------------------------------------------------------------------
    w.p1 = make_programme("p1")
    w.p2 = make_programme("p2")
    _manager(w.p1, w.users["manager_p1"])
    _manager(w.p2, w.users["manager_p2"])
    w.programme_page = _publish(
        w.home,
        ProgrammePage(
            title="Cross-Mentoring",
            slug="cross-mentoring",
            programme=w.p1,
            intro="Frauen in Führung.",
        ),
    )
    w.t1 = make_active_tandem(w.p1, windows=EVERY_DAY)
    w.t2 = make_active_tandem(w.p2, windows=EVERY_DAY)
    w.users["mentee"] = w.t1.mentee.user
    w.users["mentor"] = w.t1.mentor.user
    w.users["t2_member"] = w.t2.mentee.user
    w.s1 = _book(w.t1, w.users["mentee"])
    w.s2 = _book(w.t2, w.users["t2_member"])
    w.r1 = mentoring_services.matching_run(programme=w.p1, by=w.users["manager_p1"])
    w.r2 = mentoring_services.matching_run(programme=w.p2, by=w.users["manager_p2"])
    # an ending of P1 that concerned no tandem (so that t1 stays active for the other cases)
    w.e1 = ProgrammeEnding.objects.create(programme=w.p1, ended_at=timezone.now())
    w.calendar_token = session_services.calendar_token_get_or_create(user=w.users["mentee"]).token

    # --- Video rooms: trainer_b hosts a team room with manager_p1 as colleague -------------------
    from django.contrib.auth.models import Permission

    from video import meetings

    host = w.users["trainer_b"]
    host.user_permissions.add(Permission.objects.get(codename="host_rooms"))
    host = type(host).objects.get(pk=host.pk)
    w.users["trainer_b"] = host
    now = timezone.now()
    w.video_room = meetings.room_create(
        host=host,
        kind="team",
        title="Teamrunde",
        dates=[(now + timedelta(minutes=5), now + timedelta(hours=1))],
        colleagues=[w.users["manager_p1"]],
    )
    w.video_invitation, w.video_token = meetings.invitation_create(room=w.video_room, by=host)
    revoked, w.video_revoked_token = meetings.invitation_create(room=w.video_room, by=host)
    meetings.invitation_revoke(invitation=revoked, by=host)
    # --- A mail that failed for good, for the outbox's retry page --------------------------------
    from cms.models import OutgoingMail

    w.failed_mail = OutgoingMail.objects.create(
        key="access-matrix-failed",
        to_address="niemand@example.org",
        subject="Erinnerung",
        status=OutgoingMail.Status.FAILED,
        last_error="550 mailbox unavailable",
    )
    # --- Knowledge base ------------------------------------------------------------------------
    # A members-only space: none of the roles belongs to it (its manager only owns it).
    from knowledge import services as knowledge_services
    from knowledge.models import KnowledgeArticlePage

    w.kb_manager = UserFactory(first_name="Wiebke", last_name="Wikiteam")
    w.kb_space = knowledge_services.space_create(
        parent=w.home, title="Datenschutz", managers=[w.kb_manager]
    )
    article = KnowledgeArticlePage(
        title="Löschfristen", slug="loeschfristen", summary="Wann wir löschen."
    )
    w.kb_space.add_child(instance=article)
    article.save_revision().publish()
    w.kb_article = KnowledgeArticlePage.objects.get(pk=article.pk)
    return w
