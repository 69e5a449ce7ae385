"""German demo data for the courses app: two courses, a generated captioned video, a quiz, a
trainer kit and learners at different stages. Idempotent."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from fpdf import FPDF

from . import services
from .models import (
    Audience,
    CaptionTrack,
    ChapterPage,
    CourseCataloguePage,
    CoursePage,
    CourseRun,
    LearningVideo,
    LessonPage,
    Quiz,
    Topic,
    TrainerKitItem,
)

VIDEO_SECONDS = 24
CAPTIONS_DE = """WEBVTT

00:00:00.500 --> 00:00:05.000
Willkommen zur Schulung „Digitale Beratung“.

00:00:05.500 --> 00:00:11.000
Digitale Beratung erreicht Menschen, die nicht in die Beratungsstelle kommen können.

00:00:11.500 --> 00:00:17.000
Wichtig ist eine datenschutzkonforme Videoplattform auf dem eigenen Server.

00:00:17.500 --> 00:00:23.500
Im nächsten Kapitel üben wir, ein Beratungsgespräch per Video zu gestalten.
"""
CAPTIONS_EN = """WEBVTT

00:00:00.500 --> 00:00:05.000
Welcome to the course "Digital counselling".

00:00:05.500 --> 00:00:11.000
Digital counselling reaches people who cannot come to the counselling centre.

00:00:11.500 --> 00:00:17.000
What matters is a privacy-compliant video platform on your own server.

00:00:17.500 --> 00:00:23.500
In the next chapter we practise running a counselling session by video.
"""
CHAPTERS_DE = """WEBVTT

00:00:00.000 --> 00:00:11.000
Warum digitale Beratung?

00:00:11.000 --> 00:00:17.000
Datenschutz und Plattform

00:00:17.000 --> 00:00:24.000
Ausblick
"""
TRANSCRIPT = (
    "Willkommen zur Schulung „Digitale Beratung“. Digitale Beratung erreicht Menschen, die nicht in die "
    "Beratungsstelle kommen können. Wichtig ist eine datenschutzkonforme Videoplattform auf dem eigenen "
    "Server. Im nächsten Kapitel üben wir, ein Beratungsgespräch per Video zu gestalten.\n\n"
    "Bild: farbige Testbilder mit Zeitanzeige. Ton: ein ruhiger Signalton."
)


def generate_demo_video() -> bytes | None:
    """A short MP4 made on this machine with the ffmpeg binary that imageio-ffmpeg ships."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "demo.mp4"
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=duration={VIDEO_SECONDS}:size=640x360:rate=25",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:duration={VIDEO_SECONDS}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-movflags",
            "+faststart",
            "-shortest",
            str(target),
        ]
        result = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
        if result.returncode != 0 or not target.exists():
            return None
        return target.read_bytes()


def _pdf(title: str, lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def _quiz() -> Quiz:
    quiz = Quiz.objects.filter(title="Quiz: Digitale Beratung").first()
    if quiz:
        return quiz
    return Quiz.objects.create(
        title="Quiz: Digitale Beratung",
        introduction="Drei Fragen zum Abschluss des Kapitels.",
        pass_mark=66,
        max_attempts=0,
        questions=[
            (
                "question",
                {
                    "text": "Wo sollte die Videoplattform für Beratungen laufen?",
                    "kind": "single",
                    "explanation": "Eigener Server heißt: keine Daten bei Dritten.",
                    "options": [
                        {
                            "text": "Auf dem eigenen Server der Organisation",
                            "is_correct": True,
                            "feedback": "Richtig: so bleiben die Daten bei Ihnen.",
                        },
                        {
                            "text": "Bei einem beliebigen kostenlosen Anbieter",
                            "is_correct": False,
                            "feedback": "Kostenlose Anbieter finanzieren sich oft über Daten.",
                        },
                    ],
                },
            ),
            (
                "question",
                {
                    "text": "Was gehört zu einer guten Video-Beratung?",
                    "kind": "multiple",
                    "explanation": "",
                    "options": [
                        {
                            "text": "Vorab klären, wie man sich einwählt",
                            "is_correct": True,
                            "feedback": "",
                        },
                        {
                            "text": "Das Gespräch ohne Einwilligung aufzeichnen",
                            "is_correct": False,
                            "feedback": "Aufzeichnungen sind ohne Einwilligung unzulässig.",
                        },
                        {
                            "text": "Einen ruhigen Ort ohne Mithörende wählen",
                            "is_correct": True,
                            "feedback": "",
                        },
                    ],
                },
            ),
            (
                "question",
                {
                    "text": "Wer sind Multiplikator:innen?",
                    "kind": "single",
                    "explanation": "",
                    "options": [
                        {
                            "text": "Menschen, die Wissen in ihre Teams weitertragen",
                            "is_correct": True,
                            "feedback": "",
                        },
                        {"text": "Ein Rechenprogramm", "is_correct": False, "feedback": ""},
                    ],
                },
            ),
        ],
    )


def _video() -> LearningVideo | None:
    video = LearningVideo.objects.filter(title="Digitale Beratung: Einführung").first()
    if video:
        return video
    data = generate_demo_video()
    if data is None:
        return None
    video = LearningVideo(
        title="Digitale Beratung: Einführung",
        duration_seconds=VIDEO_SECONDS,
        description="Kurze Einführung mit Untertiteln auf Deutsch und Englisch.",
        mime_type="video/mp4",
        file_size=len(data),
        transcript=TRANSCRIPT,
    )
    video.file.save("digitale-beratung.mp4", ContentFile(data), save=False)
    video.save()
    for language, kind, text in (
        ("de", "captions", CAPTIONS_DE),
        ("en", "subtitles", CAPTIONS_EN),
        ("de", "chapters", CHAPTERS_DE),
    ):
        CaptionTrack.objects.create(video=video, language=language, kind=kind, webvtt=text)
    return video


def _add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def seed(*, home, trainer, learners: dict) -> CourseCataloguePage:
    catalogue = CourseCataloguePage.objects.first()
    if catalogue is None:
        catalogue = _add(
            home,
            CourseCataloguePage(
                title="Kurse",
                slug="kurse",
                intro="Schulungen für Haupt- und Ehrenamtliche – viele davon als Multiplikator:innen-Schulung.",
            ),
        )
    topics = {
        name: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in (
            ("Digitale Beratung", "digitale-beratung"),
            ("Datenschutz", "datenschutz"),
            ("Führung", "fuehrung"),
        )
    }
    audiences = {
        name: Audience.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in (
            ("Hauptamtliche", "hauptamtliche"),
            ("Ehrenamtliche", "ehrenamtliche"),
            ("Führungskräfte", "fuehrungskraefte"),
        )
    }
    if CoursePage.objects.child_of(catalogue).exists():
        live_sessions(learners=learners)
        return catalogue

    video = _video()
    quiz = _quiz()
    course = CoursePage(
        title="Digitale Beratung – Chancen für die sozialpädagogische Arbeit",
        slug="digitale-beratung",
        summary="Multiplikator:innen-Schulung: Beratung per Video und Chat datenschutzkonform anbieten und "
        "das Wissen ins eigene Team tragen.",
        learning_objectives="<ul><li>Chancen und Grenzen digitaler Beratung einschätzen</li>"
        "<li>Eine datenschutzkonforme Plattform auswählen</li>"
        "<li>Ein Beratungsgespräch per Video strukturieren</li></ul>",
        prerequisites="<p>Erfahrung in der Beratungsarbeit.</p>",
        duration_hours=Decimal("6.0"),
        format="blended",
        language="de",
        enrolment_mode="open",
        lessons_public=False,
        certificate_enabled=True,
        is_multiplier_course=True,
    )
    _add(catalogue, course)
    course.topics.set([topics["Digitale Beratung"], topics["Datenschutz"]])
    course.audiences.set([audiences["Hauptamtliche"], audiences["Ehrenamtliche"]])
    course.trainers.set([trainer])
    course.save_revision().publish()
    basics = _add(course, ChapterPage(title="Grundlagen", slug="grundlagen"))
    practice = _add(course, ChapterPage(title="Praxis", slug="praxis"))
    intro_body = [
        (
            "paragraph",
            "<p>Digitale Beratung ergänzt die Beratung vor Ort. Sehen Sie sich das "
            "Video an – mit Untertiteln und Transkript.</p>",
        )
    ]
    if video:
        intro_body.append(("video", {"video": video, "required": True}))
    _add(
        basics,
        LessonPage(
            title="Was ist digitale Beratung?",
            slug="was-ist-digitale-beratung",
            intro="Begriffe, Formen und Chancen.",
            body=intro_body,
            estimated_minutes=20,
        ),
    )
    _add(
        basics,
        LessonPage(
            title="Eine datenschutzkonforme Plattform wählen",
            slug="plattform-waehlen",
            estimated_minutes=30,
            intro="Worauf es bei der Auswahl ankommt.",
            requires_mark_done=True,
            body=[
                (
                    "paragraph",
                    "<p>Stimmen Sie die Auswahl mit Ihrer bzw. Ihrem Datenschutzbeauftragten ab: "
                    "Welche Plattform, welcher Server, welche Daten?</p>",
                ),
                (
                    "callout",
                    {
                        "kind": "tip",
                        "title": "Tipp",
                        "text": "<p>Betreiben Sie die Plattform auf dem eigenen Server.</p>",
                    },
                ),
            ],
        ),
    )
    _add(
        practice,
        LessonPage(
            title="Beratung per Video gestalten",
            slug="beratung-per-video",
            estimated_minutes=40,
            intro="Ablauf, Gesprächsführung und Abschluss.",
            body=[
                (
                    "paragraph",
                    "<p>Planen Sie Einstieg, Hauptteil und Abschluss wie im Präsenzgespräch.</p>",
                ),
                ("quiz", {"quiz": quiz, "required": True}),
            ],
        ),
    )
    TrainerKitItem.objects.create(
        course=course,
        title="Leitfaden für Multiplikator:innen",
        description="Ablauf, Methoden und Zeitplan der Schulung.",
        file=ContentFile(
            _pdf(
                "Leitfaden für Multiplikator:innen",
                [
                    "Ablauf der Schulung in drei Modulen.",
                    "Methoden: Rollenspiel, Fallarbeit, kollegiale Beratung.",
                ],
            ),
            name="leitfaden-multiplikatorinnen.pdf",
        ),
    )

    second = CoursePage(
        title="Datenschutz im Ehrenamt – Grundlagen",
        slug="datenschutz-im-ehrenamt",
        summary="Was Ehrenamtliche über personenbezogene Daten wissen müssen.",
        duration_hours=Decimal("2.0"),
        format="live_online",
        language="de",
        enrolment_mode="approval",
        lessons_public=False,
    )
    _add(catalogue, second)
    second.topics.set([topics["Datenschutz"]])
    second.audiences.set([audiences["Ehrenamtliche"]])
    second.trainers.set([trainer])
    second.save_revision().publish()
    _add(
        second,
        LessonPage(
            title="Was sind personenbezogene Daten?",
            slug="personenbezogene-daten",
            body=[("paragraph", "<p>Alle Angaben, die sich auf eine Person beziehen.</p>")],
        ),
    )
    from django.utils import timezone

    today = timezone.localdate()
    CourseRun.objects.create(
        course=second,
        title="Frühjahr",
        starts_on=today,
        ends_on=today.replace(year=today.year + 1),
        capacity=12,
        trainer=trainer,
    )

    _learning_stages(course, learners, video, quiz)
    live_sessions(learners=learners)
    return catalogue


LIVE_SOON = timedelta(minutes=10)


def live_sessions(*, learners: dict) -> None:
    """ "Datenschutz im Ehrenamt" gets two live sessions in its run: on every run one that starts
    within minutes (so its room can be tried right after ``make run``) and one next week. The
    learner halfway through the other course is enrolled in the run and registered for both."""
    from django.utils import timezone

    from .live import services as live_services
    from .models import Enrolment, LiveSession

    course = CoursePage.objects.filter(slug="datenschutz-im-ehrenamt").first()
    run = course.runs.order_by("pk").first() if course else None
    if run is None:
        return
    now = timezone.now()
    sessions = run.live_sessions.filter(status=LiveSession.Status.SCHEDULED)
    soon = sessions.filter(
        start__gt=now - timedelta(minutes=30), start__lte=now + LIVE_SOON
    ).first()
    if soon is None:
        soon = LiveSession.objects.create(
            run=run,
            title="Auftakt: Datenschutz live",
            start=(now + LIVE_SOON).replace(second=0, microsecond=0),
            duration_minutes=60,
            created_by=run.trainer,
        )
    later = sessions.filter(title="Praxisfragen aus dem Verein").first()
    if later is None:
        later = LiveSession.objects.create(
            run=run,
            title="Praxisfragen aus dem Verein",
            start=(now + timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0),
            duration_minutes=90,
            seats=8,
            created_by=run.trainer,
        )
    world_cafe(
        run, start=(now + timedelta(days=14)).replace(hour=18, minute=0, second=0, microsecond=0)
    )
    learner = learners.get("halfway")
    if learner is None:
        return
    if not Enrolment.objects.filter(user=learner, course=course).exists():
        Enrolment.objects.create(
            user=learner,
            course=course,
            run=run,
            status=Enrolment.Status.ACTIVE,
            decided_by=run.trainer,
        )
    for session in (soon, later):
        live_services.live_registration_create(session=session, user=learner)


WORLD_CAFE_TABLES = (
    "Einwilligungen im Verein: was wir wirklich brauchen",
    "Messenger und Mitgliederlisten",
    "Fotos bei Veranstaltungen",
)


def world_cafe(run, *, start) -> None:
    """A World Café workshop in the run: three tables (the trainer hosts the first), three rounds
    of 15 minutes; the rounds are started in the video room."""
    from .models import LiveSession, LiveWorkshop, WorkshopTable

    title = "World Café: Datenschutz im Vereinsalltag"
    session = run.live_sessions.filter(title=title).first()
    if session is None:
        session = LiveSession.objects.create(
            run=run, title=title, start=start, duration_minutes=75, created_by=run.trainer
        )
    workshop, _created = LiveWorkshop.objects.get_or_create(
        session=session, defaults={"rounds": 3, "round_minutes": 15}
    )
    for position, topic in enumerate(WORLD_CAFE_TABLES):
        WorkshopTable.objects.get_or_create(
            workshop=workshop,
            position=position,
            defaults={"topic": topic, "host": run.trainer if position == 0 else None},
        )


def _learning_stages(course: CoursePage, learners: dict, video, quiz) -> None:
    """One learner finished (certificate), one halfway."""
    lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
    finished = learners.get("finished")
    if finished is not None:
        services.enrolment_request(user=finished, course=course)
        for lesson in lessons:
            if video and video.pk in lesson.required_videos():
                progress = services.VideoProgress.objects.create(
                    user=finished,
                    video=video,
                    intervals=[[0.0, float(VIDEO_SECONDS)]],
                    watched_seconds=float(VIDEO_SECONDS),
                    position=float(VIDEO_SECONDS),
                )
                progress.completed_at = progress.updated_at
                progress.save(update_fields=["completed_at"])
            if quiz.pk in lesson.required_quizzes():
                questions = services.quiz_questions(quiz)
                services.quiz_submit(
                    user=finished,
                    quiz=quiz,
                    lesson=lesson,
                    answers={
                        q["id"]: [o["id"] for o in q["options"] if o["is_correct"]]
                        for q in questions
                    },
                )
            if lesson.needs_mark_done():
                services.lesson_mark_done(user=finished, lesson=lesson)
            else:
                services.lesson_evaluate(user=finished, lesson=lesson)
    halfway = learners.get("halfway")
    if halfway is not None:
        services.enrolment_request(user=halfway, course=course)
        second_lesson = lessons[1] if len(lessons) > 1 else None
        if second_lesson is not None:
            services.lesson_mark_done(user=halfway, lesson=second_lesson)
