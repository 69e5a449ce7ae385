from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils.functional import empty

from courses.models import (
    CaptionTrack,
    ChapterPage,
    CourseCataloguePage,
    CoursePage,
    LearningVideo,
    LessonPage,
    Quiz,
)
from courses.storage import private_storage
from tests.factories import UserFactory

# A real MP4 starts with an ftyp box; these bytes are enough for content sniffing and serving.
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 40


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def private_media(settings, tmp_path):
    """Videos and kits land in a throwaway folder (the storage is set up lazily, so reset it)."""
    settings.TANDEM_COURSES_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield tmp_path / "private"
    private_storage._wrapped = empty


@pytest.fixture
def trainer(db):
    return UserFactory(groups=["Trainer:innen"], first_name="Tanja", last_name="Trainerin")


@pytest.fixture
def learner(db):
    return UserFactory(first_name="Lena", last_name="Lernende")


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def catalogue(home_page):
    return publish(home_page, CourseCataloguePage(title="Kurse", slug="kurse"))


@pytest.fixture
def video(private_media):
    video = LearningVideo(
        title="Einführung", duration_seconds=100, mime_type="video/mp4", file_size=len(FAKE_MP4)
    )
    video.file.save("einfuehrung.mp4", ContentFile(FAKE_MP4), save=False)
    video.save()
    CaptionTrack.objects.create(
        video=video,
        language="de",
        kind="captions",
        webvtt="WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHallo und willkommen.\n",
    )
    return video


@pytest.fixture
def quiz(db):
    return Quiz.objects.create(
        title="Abschlussquiz",
        pass_mark=50,
        max_attempts=3,
        questions=[
            (
                "question",
                {
                    "text": "Eigener Server?",
                    "kind": "single",
                    "explanation": "Daten bleiben bei uns.",
                    "options": [
                        {"text": "Ja", "is_correct": True, "feedback": "Richtig."},
                        {"text": "Nein", "is_correct": False, "feedback": "Leider falsch."},
                    ],
                },
            ),
            (
                "question",
                {
                    "text": "Was gehört dazu?",
                    "kind": "multiple",
                    "explanation": "",
                    "options": [
                        {"text": "A", "is_correct": True, "feedback": ""},
                        {"text": "B", "is_correct": True, "feedback": ""},
                        {"text": "C", "is_correct": False, "feedback": "C nicht."},
                    ],
                },
            ),
        ],
    )


@pytest.fixture
def course(catalogue, trainer, video, quiz):
    course = publish(
        catalogue,
        CoursePage(
            title="Digitale Beratung",
            slug="digitale-beratung",
            summary="Beratung per Video.",
            duration_hours=Decimal("6.0"),
            is_multiplier_course=True,
            lessons_public=False,
        ),
    )
    course.trainers.set([trainer])
    course.save_revision().publish()
    chapter = publish(course, ChapterPage(title="Grundlagen", slug="grundlagen"))
    publish(
        chapter,
        LessonPage(
            title="Video", slug="video", body=[("video", {"video": video, "required": True})]
        ),
    )
    publish(chapter, LessonPage(title="Lesen", slug="lesen", body=[("paragraph", "<p>Text.</p>")]))
    publish(
        course,
        LessonPage(title="Quiz", slug="quiz", body=[("quiz", {"quiz": quiz, "required": True})]),
    )
    return CoursePage.objects.get(pk=course.pk)


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def correct_answers(quiz):
    from courses.services import quiz_questions

    return {
        q["id"]: [o["id"] for o in q["options"] if o["is_correct"]] for q in quiz_questions(quiz)
    }
