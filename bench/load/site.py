"""What the load needs from the topology's database, run inside its Django (production settings,
the topology's environment): ``python -m bench.load.site prepare VIDEO_FILE`` prints JSON with
the addresses, sessions for the enrolled learner and the mentee, the tandem and its free slots, and
puts VIDEO_FILE in place of the demo video; ``python -m bench.load.site release JSON`` cancels what
a phase that was stopped between a booking and its cancellation left booked;
``python -m bench.load.site restore JSON`` also puts the demo video back (for a topology that keeps
running)."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta


def _session_for(user) -> str:
    """A signed-in session as a login creates it (the load itself never logs in: allauth limits
    logins per address, and logging in is not what is measured)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _slots_one_per_week(tandem) -> tuple[int, list[str]]:
    """One free slot per calendar week, at least three days ahead (changing a session closes
    shortly before it starts): each load user books and cancels in a week of its own, so that
    the users never compete for one slot or one week's limit."""
    from django.utils import timezone

    from mentoring.sessions import selectors

    now = timezone.now()
    result = selectors.tandem_slots(
        tandem=tandem, length=None, start=now + timedelta(days=3), end=now + timedelta(days=90)
    )
    weeks: dict[tuple[int, int], str] = {}
    for slot in result.slots:
        week = tuple(slot.start.isocalendar())[:2]
        weeks.setdefault(week, slot.start.isoformat())
    return result.length, list(weeks.values())


def prepare(video_path: str) -> dict:
    from django.core.files import File

    from courses.models import CourseCataloguePage, CoursePage, LearningVideo
    from courses.selectors import lessons_showing_video
    from lms.models import User
    from mentoring.models import Tandem

    learner = User.objects.get(email="teilnehmerin@musterverband.example")
    video = LearningVideo.objects.get(title="Digitale Beratung: Einführung")
    lesson = lessons_showing_video(video)[0]
    course = CoursePage.objects.ancestor_of(lesson).live().get()
    catalogue = CourseCataloguePage.objects.live().first()
    tandem = (
        Tandem.objects.filter(
            mentor__user__email="mentorin@musterverband.example", status=Tandem.Status.ACTIVE
        )
        .select_related("mentee__user")
        .get()
    )
    length, slots = _slots_one_per_week(tandem)

    original = {"name": video.file.name, "size": video.file_size}
    with open(video_path, "rb") as source:
        name = video.file.storage.save("bench/video-200mb.mp4", File(source))
    LearningVideo.objects.filter(pk=video.pk).update(
        file=name, file_size=os.path.getsize(video_path)
    )
    return {
        "catalogue": catalogue.url,
        "course": course.url,
        "lesson": lesson.url,
        "video": f"/courses/videos/{video.pk}/file/",
        "video_id": video.pk,
        "video_original": original,
        "video_object": name,
        "learner_session": _session_for(learner),
        "mentee_session": _session_for(tandem.mentee.user),
        "tandem": tandem.pk,
        "booking": f"/mentoring/tandems/{tandem.pk}/book/",
        "slots_api": f"/api/v1/tandems/{tandem.pk}/slots/",
        "length": length,
        "slots": slots,
    }


def release(prepared: dict) -> int:
    """Cancel the sessions the load booked in its slots and left booked (locust stops its users
    wherever they are, possibly between a booking and its cancellation)."""
    from django.utils.dateparse import parse_datetime

    from mentoring.models import Session
    from mentoring.sessions import services

    left = Session.objects.filter(
        tandem_id=prepared["tandem"],
        start__in=[parse_datetime(start) for start in prepared["slots"]],
        status__in=Session.ACTIVE,
    ).select_related("mentee")
    released = 0
    for session in left:
        try:
            services.session_cancel(session=session, by=session.mentee, reason="Lasttest")
            released += 1
        except services.SessionError as error:
            print(f"not released: {session.start}: {error.message}", file=sys.stderr)
    return released


def restore(prepared: dict) -> None:
    from django.conf import settings
    from django.utils.module_loading import import_string

    from courses.models import LearningVideo

    release(prepared)

    video = LearningVideo.objects.get(pk=prepared["video_id"])
    storage = video.file.storage
    LearningVideo.objects.filter(pk=video.pk).update(
        file=prepared["video_original"]["name"], file_size=prepared["video_original"]["size"]
    )
    storage.delete(prepared["video_object"])
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    for key in (prepared["learner_session"], prepared["mentee_session"]):
        store.delete(key)


def main() -> None:
    import django

    django.setup()
    command, argument = sys.argv[1], sys.argv[2]
    if command == "prepare":
        print(json.dumps(prepare(argument)))
    elif command == "release":
        print(release(json.loads(argument)))
    else:
        restore(json.loads(argument))


if __name__ == "__main__":
    main()
