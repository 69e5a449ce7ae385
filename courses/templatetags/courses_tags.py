from django import template

from ..services import quiz_questions

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def watched_percent(progress, video) -> int:
    if not progress or not video.duration_seconds:
        return 0
    return min(100, round(100 * progress.watched_seconds / video.duration_seconds))


@register.simple_tag
def quiz_sheet(quiz, attempt=None) -> list[dict]:
    """The quiz for display. Correctness is only looked at for a submitted attempt, and then
    only to say whether each answer was right and to show the chosen options' feedback."""
    sheet = []
    for question in quiz_questions(quiz):
        chosen = set((attempt.answers or {}).get(question["id"], [])) if attempt else set()
        correct = {option["id"] for option in question["options"] if option["is_correct"]}
        sheet.append(
            {
                "id": question["id"],
                "text": question["text"],
                "kind": question["kind"],
                "options": [
                    {
                        "id": option["id"],
                        "text": option["text"],
                        "chosen": option["id"] in chosen,
                        "feedback": option["feedback"]
                        if attempt and option["id"] in chosen
                        else "",
                    }
                    for option in question["options"]
                ],
                "answered_correctly": bool(attempt) and chosen == correct,
                "explanation": question["explanation"] if attempt else "",
            }
        )
    return sheet


@register.simple_tag
def video_chapters(video) -> list:
    from ..captions import CaptionError, chapters, parse_captions

    for track in video.caption_tracks.all():
        if track.kind == "chapters":
            try:
                return chapters(parse_captions(track.webvtt))
            except CaptionError:
                return []
    return []


@register.simple_tag
def external_video(url: str):
    from ..embeds import parse_external_video

    return parse_external_video(url)


@register.simple_tag
def quiz_state(quiz, attempts) -> dict:
    """Whether the learner may still submit: not after passing, not after the last attempt."""
    attempts = list(attempts or [])
    passed = any(attempt.passed for attempt in attempts)
    exhausted = bool(quiz.max_attempts) and len(attempts) >= quiz.max_attempts
    return {"passed": passed, "exhausted": exhausted and not passed, "closed": passed or exhausted}
