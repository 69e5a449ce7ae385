"""The course journey end to end in a real browser: a trainer builds a course in the Wagtail
admin, and a learner enrols, really watches the video, passes the quiz, downloads the
certificate and has it verified by someone who is not logged in."""

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils.functional import empty

from courses import services
from courses.models import (
    CaptionTrack,
    Certificate,
    CourseCataloguePage,
    CoursePage,
    Enrolment,
    LearningVideo,
    LessonPage,
    Quiz,
    VideoProgress,
)
from courses.storage import private_storage
from tests.courses.conftest import publish
from tests.factories import PASSWORD, UserFactory

from .conftest import BrowserSession, screenshot_on_failure

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_TIMEOUT_MS = 30_000

SRT = """1
00:00:00,500 --> 00:00:01,800
Hallo und willkommen.

2
00:00:02,000 --> 00:00:02,900
<i>Leise Musik</i>
"""


# --- Helpers -------------------------------------------------------------------------------


@pytest.fixture
def private_media(settings, tmp_path):
    """Videos and caption sources land in a throwaway folder (the storage is lazy: reset it)."""
    settings.TANDEM_COURSES_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield tmp_path / "private"
    private_storage._wrapped = empty


def make_video(folder: Path, *, seconds: int, webm: bool = False) -> tuple[Path, float]:
    """A real, playable test-card clip (no audio), and its length in seconds."""
    if webm:
        path = folder / "clip.webm"
        codec = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"]
    else:
        path = folder / "clip.mp4"
        codec = ["-c:v", "libx264", "-profile:v", "baseline", "-movflags", "+faststart"]
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=duration={seconds}:size=320x180:rate=15",
            *codec,
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    _frames, length = imageio_ffmpeg.count_frames_and_secs(str(path))
    return path, length


def browser_plays_h264(page) -> bool:
    return page.evaluate(
        "() => document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.42E01E\"')"
    ) in {"probably", "maybe"}


def label(text: str) -> re.Pattern:
    """A field's exact label; Wagtail appends a "*" to required ones."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$", re.IGNORECASE)


def field(scope, text: str):
    """The form control labelled ``text`` (Wagtail also labels panels and anchors by it)."""
    return scope.locator("input, textarea, select").and_(scope.get_by_label(label(text)))


def admin_open(session: BrowserSession, path: str) -> None:
    response = session.page.goto(session.url(path))
    assert response is not None and response.status == 200, (path, response and response.status)
    session.page.wait_for_load_state("networkidle")


def admin_save(page) -> None:
    """Click "Speichern" and wait until Wagtail has left the form (it stays there on errors)."""
    form_url = page.url
    page.locator("button.action-save").first.click()
    page.wait_for_url(lambda url: url != form_url, timeout=ADMIN_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")


def admin_publish(page) -> None:
    form_url = page.url
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(lambda url: url != form_url and "/edit/" not in url, timeout=ADMIN_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")


def add_stream_block(page, stream_root: str, block_label: str | None = None) -> None:
    """Open the "+" of a StreamField (the last one: appends) and pick a block type."""
    page.locator(f"{stream_root} button.c-sf-add-button[title]").last.click()
    if block_label is not None:
        page.get_by_role("option", name=block_label, exact=True).click()


def choose_snippet(page, button_text: str, title: str) -> None:
    page.get_by_role("button", name=button_text).last.click()
    modal = page.get_by_role("dialog")
    modal.get_by_role("link", name=title).click()
    expect(modal).to_be_hidden(timeout=ADMIN_TIMEOUT_MS)


# --- The trainer ---------------------------------------------------------------------------


def test_trainer_builds_a_course_in_the_wagtail_admin(
    browser_session, site_settings, home_page, private_media, tmp_path
):
    catalogue = publish(home_page, CourseCataloguePage(title="Kurse", slug="kurse"))
    trainer = UserFactory(groups=["Trainer:innen"], first_name="Tanja", last_name="Trainerin")
    assert not trainer.is_superuser
    video_path, _length = make_video(tmp_path, seconds=3)
    srt_path = tmp_path / "einfuehrung.srt"
    srt_path.write_text(SRT, encoding="utf-8")

    browser_session.login(trainer.email, PASSWORD)
    page = browser_session.page
    page.set_default_timeout(ADMIN_TIMEOUT_MS)

    with screenshot_on_failure(page, "admin-video"):
        admin_open(browser_session, "/admin/snippets/courses/learningvideo/add/")
        field(page, "Titel").fill("Einführung in die Videoberatung")
        field(page, "Videodatei").set_input_files(str(video_path))
        field(page, "Dauer in Sekunden").fill("3")
        page.get_by_role("button", name="Spur hinzufügen").click()
        field(page, "Sprache").select_option("de")
        field(page, "Art").select_option("captions")
        field(page, "Oder eine Datei hochladen").set_input_files(str(srt_path))
        admin_save(page)
    video = LearningVideo.objects.get(title="Einführung in die Videoberatung")
    assert video.mime_type == "video/mp4" and video.file_size == video_path.stat().st_size
    assert video.duration_seconds == 3
    track = video.caption_tracks.get()
    assert (track.language, track.kind) == ("de", "captions")

    with screenshot_on_failure(page, "admin-quiz"):
        admin_open(browser_session, "/admin/snippets/courses/quiz/add/")
        field(page, "Titel").fill("Quiz Videoberatung")
        field(page, "Bestehensgrenze in Prozent").fill("100")
        add_stream_block(page, "#questions-root")  # the only block type: inserted directly
        question = page.locator("[data-contentpath=questions]")
        field(question, "Frage").fill("Wo liegen die Videos?")
        question.locator("button[data-streamfield-list-add]").last.click()
        answers = field(question, "Antwort")
        expect(answers).to_have_count(2)
        answers.nth(0).fill("Auf unserem eigenen Server")
        answers.nth(1).fill("Bei einem Videoportal")
        field(question, "richtig").nth(0).check()
        admin_save(page)
    quiz = Quiz.objects.get(title="Quiz Videoberatung")
    [question_data] = services.quiz_questions(quiz)
    assert question_data["kind"] == "single"
    assert [(o["text"], o["is_correct"]) for o in question_data["options"]] == [
        ("Auf unserem eigenen Server", True),
        ("Bei einem Videoportal", False),
    ]

    with screenshot_on_failure(page, "admin-course"):
        admin_open(browser_session, f"/admin/pages/add/courses/coursepage/{catalogue.pk}/")
        field(page, "Titel").first.fill("Videoberatung")
        field(page, "Kurzbeschreibung").fill("Beratung per Video, sicher und barrierefrei.")
        field(page, "Dauer in Stunden").fill("2.5")
        admin_publish(page)
    course = CoursePage.objects.get(title="Videoberatung")
    assert course.live and course.get_parent().pk == catalogue.pk

    with screenshot_on_failure(page, "admin-lesson"):
        admin_open(browser_session, f"/admin/pages/add/courses/lessonpage/{course.pk}/")
        field(page, "Titel").first.fill("Sicher beraten")
        add_stream_block(page, "#body-root", "Lernvideo")
        choose_snippet(page, "Lernvideo auswählen", "Einführung in die Videoberatung")
        add_stream_block(page, "#body-root", "Quiz")
        choose_snippet(page, "Quiz auswählen", "Quiz Videoberatung")
        admin_publish(page)
    lesson = LessonPage.objects.get(title="Sicher beraten")
    assert lesson.live and lesson.get_parent().pk == course.pk
    blocks = [(block["type"], block["value"]) for block in lesson.body.raw_data]
    assert [kind for kind, _value in blocks] == ["video", "quiz"]
    assert blocks[0][1]["video"] == video.pk and blocks[1][1]["quiz"] == quiz.pk
    assert lesson.required_videos() == [video.pk] and lesson.required_quizzes() == [quiz.pk]

    browser_session.assert_only_own_origin()

    # Last, so that everything above is still exercised while the known bug makes this fail:
    # the uploaded SRT must have been converted to WebVTT.
    track.refresh_from_db()
    assert track.webvtt.startswith("WEBVTT"), f"caption track stored {track.webvtt!r}"
    assert "00:00:00.500 --> 00:00:01.800\nHallo und willkommen." in track.webvtt


# --- The learner ---------------------------------------------------------------------------


def build_course(home_page, folder: Path, *, webm: bool):
    """Like tests/courses/conftest.py, but with a real, playable video."""
    catalogue = publish(home_page, CourseCataloguePage(title="Kurse", slug="kurse"))
    trainer = UserFactory(groups=["Trainer:innen"], first_name="Tanja", last_name="Trainerin")
    clip, length = make_video(folder, seconds=4, webm=webm)
    video = LearningVideo(
        title="Einführung",
        duration_seconds=length,
        file_size=clip.stat().st_size,
        mime_type="video/webm" if webm else "video/mp4",
    )
    video.file.save(clip.name, ContentFile(clip.read_bytes()), save=False)
    video.save()
    CaptionTrack.objects.create(
        video=video,
        language="de",
        kind="captions",
        webvtt="WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHallo und willkommen.\n",
    )
    quiz = Quiz.objects.create(
        title="Abschlussquiz",
        pass_mark=100,
        max_attempts=3,
        questions=[
            (
                "question",
                {
                    "text": "Wo liegen unsere Lernvideos?",
                    "kind": "single",
                    "explanation": "",
                    "options": [
                        {"text": "Auf unserem eigenen Server", "is_correct": True, "feedback": ""},
                        {"text": "Bei einem Videoportal", "is_correct": False, "feedback": ""},
                    ],
                },
            ),
        ],
    )
    course = publish(
        catalogue,
        CoursePage(
            title="Digitale Beratung",
            slug="digitale-beratung",
            summary="Beratung per Video.",
            duration_hours=Decimal("2.0"),
            lessons_public=False,
            certificate_enabled=True,
        ),
    )
    course.trainers.set([trainer])
    course.save_revision().publish()
    video_lesson = publish(
        course,
        LessonPage(
            title="Das Video", slug="video", body=[("video", {"video": video, "required": True})]
        ),
    )
    quiz_lesson = publish(
        course,
        LessonPage(
            title="Das Quiz", slug="quiz", body=[("quiz", {"quiz": quiz, "required": True})]
        ),
    )
    return CoursePage.objects.get(pk=course.pk), video, video_lesson, quiz_lesson


def test_learner_enrols_watches_passes_and_verifies_certificate(
    browser, live_server, browser_session, site_settings, home_page, private_media, tmp_path
):
    page = browser_session.page
    webm = not browser_plays_h264(page)  # Debian's chromium has H.264; fall back to VP9 if not
    course, video, video_lesson, quiz_lesson = build_course(home_page, tmp_path, webm=webm)
    learner = UserFactory(first_name="Lena", last_name="Lernende")
    browser_session.login(learner.email, PASSWORD)

    with screenshot_on_failure(page, "learner-course"):
        browser_session.visit("/kurse/")
        course_link = page.locator("main").get_by_role("link", name="Digitale Beratung")
        assert course_link.get_attribute("href") == course.url
        browser_session.visit(course.url)
        enrolment_box = page.locator("section.enrolment-box")
        enrolment_box.get_by_role("button", name="In den Kurs einschreiben", exact=True).click()
        expect(
            page.get_by_text("Sie sind eingeschrieben. Viel Freude beim Lernen!")
        ).to_be_visible()
        assert Enrolment.objects.get(user=learner, course=course).status == Enrolment.Status.ACTIVE
        start = enrolment_box.get_by_role("link", name="Kurs beginnen")
        assert start.get_attribute("href") == video_lesson.url

    with screenshot_on_failure(page, "learner-video"):
        browser_session.visit(video_lesson.url)
        player = page.locator(f"video[data-video-id='{video.pk}']")
        status = page.locator(f"#video-{video.pk}-status")
        player.evaluate(
            "v => v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}))"
        )
        assert abs(player.evaluate("v => v.duration") - video.duration_seconds) < 0.5
        # Muted, because headless browsers refuse to autoplay sound; at normal speed, because the
        # server credits no more than twice the wall-clock time a visit has been open.
        player.evaluate("v => { v.muted = true; v.playbackRate = 1; return v.play(); }")
        player.evaluate(
            "v => v.ended || new Promise(r => v.addEventListener('ended', r, {once: true}))",
            timeout=30_000,
        )
        expect(status).to_have_text("Angesehen", timeout=15_000)
        progress = VideoProgress.objects.get(user=learner, video=video)
        assert progress.completed_at is not None
        assert progress.watched_seconds >= 0.9 * video.duration_seconds
        page.get_by_role("navigation", name="Lektionen").get_by_role(
            "link", name="Das Quiz →"
        ).click()
        page.wait_for_url(browser_session.url(quiz_lesson.url))

    with screenshot_on_failure(page, "learner-quiz"):
        browser_session.check_page()  # the same checks as visit(): own origin only, axe-core
        page.get_by_label("Auf unserem eigenen Server").check()
        page.get_by_role("button", name="Antworten absenden").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("Mit 100 % bestanden.").first).to_be_visible()
        browser_session.check_page()

    with screenshot_on_failure(page, "learner-certificate"):
        # Passing the final quiz opened the course-complete page; back to the course from there.
        page.locator("main").get_by_role("link", name="Digitale Beratung", exact=True).click()
        page.wait_for_url(browser_session.url(course.url))
        browser_session.check_page()
        assert (
            Enrolment.objects.get(user=learner, course=course).status == Enrolment.Status.COMPLETED
        )
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Zertifikat herunterladen (PDF)").click()
        pdf = Path(download_info.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
    certificate = Certificate.objects.get(user=learner, course=course, revoked_at__isnull=True)
    assert download_info.value.suggested_filename == f"Zertifikat-{certificate.code}.pdf"
    browser_session.assert_only_own_origin()

    context = browser.new_context(locale="en-US", timezone_id="Europe/Berlin")
    try:
        stranger = BrowserSession(context.new_page(), live_server.url)
        with screenshot_on_failure(stranger.page, "verify"):
            stranger.visit(f"/certificates/verify/{certificate.code}/")
            main = stranger.page.locator("main")
            expect(main.get_by_role("status")).to_have_text("Dieses Zertifikat ist gültig.")
            expect(main).to_contain_text("Lena Lernende")
            expect(main).to_contain_text("Digitale Beratung")
            assert (
                stranger.page.get_by_role("link", name="Anmelden", exact=True).count() == 1
            )  # logged out
    finally:
        context.close()


# --- The same pages in English ------------------------------------------------------------


def test_course_pages_in_english_are_accessible_and_local(
    browser_session, site_settings, home_page
):
    catalogue = publish(home_page, CourseCataloguePage(title="Kurse", slug="kurse"))
    course = publish(
        catalogue,
        CoursePage(
            title="Datenschutz im Ehrenamt",
            slug="datenschutz",
            summary="Grundlagen.",
            duration_hours=Decimal("2.0"),
            enrolment_mode="open",
        ),
    )
    lesson = publish(
        course,
        LessonPage(
            title="Personenbezogene Daten",
            slug="daten",
            body=[("paragraph", "<p>Alle Angaben zu einer Person.</p>")],
        ),
    )
    learner = UserFactory()
    services.enrolment_request(user=learner, course=course)
    browser_session.login(learner.email, PASSWORD)
    page = browser_session.page
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    for path in [catalogue.url, course.url, lesson.url, "/courses/mine/"]:
        browser_session.visit(path)
        assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="My courses").count() == 1
    browser_session.visit(lesson.url)
    assert page.get_by_role("button", name="Mark lesson as done").count() == 1
