"""Lesson content for the API: what the page shows, as data. Quizzes come without the
correct answers; videos with the addresses of the access-checked file and caption views."""

from django.urls import reverse
from wagtail.rich_text import expand_db_html

from ..models import LearningVideo, Quiz
from ..services import quiz_questions


def lesson_blocks(lesson, *, request) -> list[dict]:
    raw = lesson.body.raw_data
    video_ids = [
        int(b["value"]["video"]) for b in raw if b["type"] == "video" and b["value"].get("video")
    ]
    quiz_ids = [
        int(b["value"]["quiz"]) for b in raw if b["type"] == "quiz" and b["value"].get("quiz")
    ]
    videos = {
        v.pk: v
        for v in LearningVideo.objects.filter(pk__in=video_ids).prefetch_related("caption_tracks")
    }
    quizzes = {q.pk: q for q in Quiz.objects.filter(pk__in=quiz_ids)}
    blocks = []
    for block in raw:
        kind, value = block["type"], block["value"]
        item: dict = {"id": block["id"], "type": kind}
        if kind == "video" and int(value.get("video") or 0) in videos:
            video = videos[int(value["video"])]
            item.update(
                {
                    "video": video.pk,
                    "title": video.title,
                    "required": bool(value.get("required")),
                    "duration_seconds": video.duration_seconds,
                    "mime_type": video.mime_type,
                    "file_url": reverse("courses:video-file", kwargs={"video_id": video.pk}),
                    "transcript": video.transcript,
                    "tracks": [
                        {
                            "language": t.language,
                            "kind": t.kind,
                            "label": t.label,
                            "url": reverse(
                                "courses:caption-track",
                                kwargs={"video_id": video.pk, "track_id": t.pk},
                            ),
                        }
                        for t in video.caption_tracks.all()
                    ],
                }
            )
        elif kind == "quiz" and int(value.get("quiz") or 0) in quizzes:
            quiz = quizzes[int(value["quiz"])]
            item.update(
                {
                    "quiz": quiz.pk,
                    "title": quiz.title,
                    "pass_mark": quiz.pass_mark,
                    "max_attempts": quiz.max_attempts,
                    "required": bool(value.get("required")),
                    "questions": [
                        {
                            "id": q["id"],
                            "text": q["text"],
                            "kind": q["kind"],
                            "options": [{"id": o["id"], "text": o["text"]} for o in q["options"]],
                        }
                        for q in quiz_questions(quiz)
                    ],
                }
            )
        elif kind in {"paragraph"}:
            item["html"] = expand_db_html(value)
        elif kind == "callout":
            item.update(
                {
                    "kind": value.get("kind"),
                    "title": value.get("title", ""),
                    "html": expand_db_html(value.get("text", "")),
                }
            )
        else:
            item["value"] = value
        blocks.append(item)
    return blocks
