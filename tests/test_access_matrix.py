"""The access matrix: every URL pattern of Tandem (site, /me/, courses, mentoring incl. sessions
and the Jitsi endpoints, the Wagtail admin views Tandem registers, and API v1) × every role ×
own/foreign object, with the status each one must answer.

Rules the table encodes:
- anonymous: pages redirect to the login (302); the API answers 403 (session authentication
  comes first, so DRF sends 403, not 401); the Jitsi endpoints answer 401 without the bearer token.
- people who are not members of an object get 404 for it: its existence stays private.
- members get 200 (pages), or the answer of a successful/invalid action (302, 400, 201 …).
- staff-only admin views: a manager's own programme 200, another manager's programme 404;
  people without admin access are sent to the login (302).
- POST-only endpoints are asked with GET (405) and with an empty POST body.

A real access bug is kept as a single ``xfail(strict=True)`` case: the suite stays green and
the case turns red as soon as the bug is fixed (then remove the marker).

``test_every_url_pattern_is_in_the_matrix`` fails when a URL pattern is added without a row
here (Tandem's own) or without an entry in THIRD_PARTY (patterns tested upstream)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.functional import empty
from rest_framework.test import APIClient

from tests.access_support import JITSI_BEARER, ROLES, build_world

NON_STAFF = ("learner", "mentee", "mentor", "t2_member")
STAFF = ("trainer_b", "manager_p2", "manager_p1", "editor")
LOGGED_IN = NON_STAFF + STAFF + ("superuser",)


def E(default: int, **overrides: int) -> dict[str, int]:
    """Expected status per role: ``default`` for every role not named."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    return {role: overrides.get(role, default) for role in ROLES}


def page(default=404, **overrides):
    """A login-required page: anonymous visitors go to the login."""
    return E(default, **{"anon": 302, **overrides})


def api(default=404, **overrides):
    """An authenticated API endpoint: anonymous callers get 403."""
    return E(default, **{"anon": 403, **overrides})


def admin(default=404, **overrides):
    """A Wagtail admin view: anonymous and people without admin access go to the login."""
    return E(default, **{"anon": 302, **dict.fromkeys(NON_STAFF, 302), **overrides})


@dataclass
class Case:
    name: str  # the URL pattern's name, with its namespace
    expect: dict[str, int]
    kwargs: Callable | None = None  # world -> reverse() kwargs
    url: Callable | None = None  # world -> URL, for patterns reverse() cannot build
    method: str = "get"
    variant: str = ""
    data: Callable | dict | None = None
    api: bool = False
    headers: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    roles: tuple[str, ...] = ROLES
    xfail: dict[str, str] = field(default_factory=dict)  # role -> bug

    def path(self, w) -> str:
        if self.url is not None:
            return self.url(w)
        return reverse(self.name, kwargs=self.kwargs(w) if self.kwargs else None)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}" + (f" [{self.variant}]" if self.variant else "")


# GET on a POST-only endpoint does not depend on the object: a logged-out, an ordinary and a
# super user show the answer (login/403 first, then 405).
PROBE_ROLES = ("anon", "t2_member", "superuser")


def get_post(
    name,
    own: dict[str, int],
    *,
    kwargs=None,
    variant="",
    data=None,
    api_=False,
    xfail=None,
    default=404,
    **extra,
):
    """A POST-only endpoint: GET answers 405 (after the login check), POST answers ``own`` for
    the roles named and ``default`` (404) for everyone else."""
    anon = 403 if api_ else 302
    post = E(default, **{"anon": anon, **own})
    get = E(405, anon=anon)
    return [
        Case(name, get, kwargs=kwargs, variant=variant, api=api_, roles=PROBE_ROLES, **extra),
        Case(
            name,
            post,
            kwargs=kwargs,
            method="post",
            variant=variant,
            data=data,
            api=api_,
            xfail=xfail or {},
            **extra,
        ),
    ]


def admin_post(name, own: dict[str, int], *, kwargs, variant="", data=None, xfail=None):
    """A POST-only admin view: non-staff go to the login, staff get 405 for GET."""
    return [
        Case(name, admin(405), kwargs=kwargs, variant=variant, roles=PROBE_ROLES + ("manager_p2",)),
        Case(
            name,
            admin(**own),
            kwargs=kwargs,
            method="post",
            variant=variant,
            data=data,
            xfail=xfail or {},
        ),
    ]


def members(status, *roles, **more):
    return {**dict.fromkeys(roles, status), **more}


T1 = ("mentee", "mentor")
BEARER = {"HTTP_AUTHORIZATION": f"Bearer {JITSI_BEARER}"}
JITSI_ON = {"TANDEM_VIDEO_JITSI_API_TOKEN": JITSI_BEARER}
JITSI_OFF = {"TANDEM_VIDEO_JITSI_API_TOKEN": ""}
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"

# --- Site views (lms, cms) --------------------------------------------------------------------

CASES: list[Case] = [
    Case("healthz", E(200)),
    Case("wagtailadmin_login_redirect", E(302)),
    Case("search", E(200), url=lambda w: reverse("search") + "?q=Beratung"),
    Case("sitemap", E(200)),
    Case("me", page(200)),
    Case("me-profile", page(200)),
    Case("me-api-token", page(200)),
    Case("me-api-token", page(200), method="post", variant="rotate"),
    Case("me-privacy", page(200)),
    *get_post("me-privacy-export", dict.fromkeys(LOGGED_IN, 200)),
    Case("set_language", E(405)),
    Case("set_language", E(302), method="post", data={"language": "en", "next": "/"}),
    # Pages Wagtail serves: the page types are Tandem's.
    Case("wagtail_serve", E(200), url=lambda w: w.home.url, variant="home"),
    Case(
        "wagtail_serve",
        E(200),
        url=lambda w: w.course_a.url,
        variant="course page (public catalogue)",
    ),
    Case("wagtail_serve", E(200), url=lambda w: w.programme_page.url, variant="programme page"),
    # Lessons: a locked page (403, "enrol to see it") by design; the course outline is public.
    # Editors edit every page, so they see its lessons; trainer B trains only course B.
    Case(
        "wagtail_serve",
        page(403, **members(200, "learner", "editor", "superuser")),
        url=lambda w: w.lesson_video.url,
        variant="lesson of course A",
    ),
]

# --- Courses ----------------------------------------------------------------------------------

A = lambda w: {"course_id": w.course_a.pk}  # noqa: E731
B = lambda w: {"course_id": w.course_b.pk}  # noqa: E731
RUN_A = lambda w: {"run_id": w.run_a.pk}  # noqa: E731
RUN_B = lambda w: {"run_id": w.run_b.pk}  # noqa: E731  trainer B's course
LIVE_A = lambda w: {"session_uuid": w.live_a.uuid}  # noqa: E731
LIVE_B = lambda w: {"session_uuid": w.live_b.uuid}  # noqa: E731
API_LIVE_A = lambda w: {"uuid": w.live_a.uuid}  # noqa: E731
API_LIVE_B = lambda w: {"uuid": w.live_b.uuid}  # noqa: E731
CERT_A = lambda w: {"code": w.certificate_a.code}  # noqa: E731  learner's, course A
CERT_B = lambda w: {"code": w.certificate_b.code}  # noqa: E731  the peer's, course B (trainer B's)
LESSON_VIEWERS = ("learner", "editor", "superuser")  # of course A: enrolled, editors
# Trainers manage all learning videos in the admin (model permission), so they may watch them.
VIDEO_VIEWERS = (*LESSON_VIEWERS, "trainer_b")

CASES += [
    Case("courses:mine", page(200)),
    *get_post("courses:enrol", dict.fromkeys(LOGGED_IN, 302), kwargs=A),
    # Leaving asks first: GET is the question for who is enrolled, the course page for others.
    Case("courses:leave", page(302, learner=200), kwargs=A),
    Case("courses:leave", page(404, learner=302), kwargs=A, method="post"),
    # The course-complete moment: only for a completed enrolment, the course page otherwise.
    Case("courses:complete", page(302), kwargs=A),
    Case("courses:manage", page(superuser=200), kwargs=A, variant="course A"),
    Case("courses:manage", page(trainer_b=200, superuser=200), kwargs=B, variant="own course B"),
    Case("courses:manage-export", page(superuser=200), kwargs=A, variant="course A"),
    Case(
        "courses:manage-export",
        page(trainer_b=200, superuser=200),
        kwargs=B,
        variant="own course B",
    ),
    Case("courses:directory", page(learner=200, superuser=200), kwargs=A),
    *get_post("courses:directory-opt-in", {"learner": 302}, kwargs=A, data={"listed": "1"}),
    *get_post(
        "courses:enrolment-decide",
        {"trainer_b": 302, "superuser": 302},
        kwargs=lambda w: {"enrolment_id": w.enrolment_b.pk},
        variant="request in course B",
    ),
    *get_post(
        "courses:enrolment-decide",
        {"superuser": 302},
        kwargs=lambda w: {"enrolment_id": w.enrolment_a.pk},
        variant="enrolment in course A",
    ),
    *get_post(
        "courses:lesson-done",
        dict.fromkeys(LESSON_VIEWERS, 302),
        kwargs=lambda w: {"lesson_id": w.lesson_video.pk},
    ),
    *get_post(
        "courses:quiz-submit",
        dict.fromkeys(LESSON_VIEWERS, 302),
        kwargs=lambda w: {"lesson_id": w.lesson_quiz.pk, "quiz_id": w.quiz.pk},
    ),
    # Files are not login-gated: whoever may not watch gets 404, anonymous visitors included.
    # Trainers manage all learning videos in the admin (model permission), so they may watch them.
    Case(
        "courses:video-file",
        E(404, **members(200, *VIDEO_VIEWERS)),
        kwargs=lambda w: {"video_id": w.video.pk},
    ),
    Case(
        "courses:caption-track",
        E(404, **members(200, *VIDEO_VIEWERS)),
        kwargs=lambda w: {"video_id": w.video.pk, "track_id": w.track.pk},
    ),
    Case(
        "courses:kit-file",
        page(learner=200, superuser=200),
        kwargs=lambda w: {"item_id": w.kit_item.pk},
    ),
    Case(
        "courses:certificate-pdf",
        page(learner=200, superuser=200),
        kwargs=CERT_A,
        variant="learner's",
    ),
    Case(
        "courses:certificate-pdf",
        page(trainer_b=200, superuser=200),
        kwargs=CERT_B,
        variant="another's, course B",
    ),
    *get_post(
        "courses:certificate-name",
        {"learner": 302},
        kwargs=CERT_A,
        data={"name": "Lena Neu"},
        variant="learner's",
    ),
    *get_post(
        "courses:certificate-name", {}, kwargs=CERT_B, data={"name": "X"}, variant="another's"
    ),
    *get_post("courses:certificate-revoke", {"superuser": 302}, kwargs=CERT_A, variant="course A"),
    *get_post(
        "courses:certificate-revoke",
        {"trainer_b": 302, "superuser": 302},
        kwargs=CERT_B,
        variant="own course B",
    ),
    *get_post(
        "courses:name-correction",
        {"superuser": 302},
        kwargs=lambda w: {"request_id": w.correction_a.pk},
        variant="course A",
    ),
    *get_post(
        "courses:name-correction",
        {"trainer_b": 302, "superuser": 302},
        kwargs=lambda w: {"request_id": w.correction_b.pk},
        variant="own course B",
    ),
    # Public by design: shows only name, course and date.
    # Live sessions: the learner of course A's run (registered), trainers of the course only.
    Case("courses:live-mine", page(200)),
    Case("courses:live-manage", page(superuser=200), kwargs=RUN_A, variant="run of course A"),
    Case(
        "courses:live-manage",
        page(trainer_b=200, superuser=200),
        kwargs=RUN_B,
        variant="own run B",
    ),
    Case("courses:live-session", page(learner=200, superuser=200), kwargs=LIVE_A, variant="A"),
    Case(
        "courses:live-session", page(trainer_b=200, superuser=200), kwargs=LIVE_B, variant="own B"
    ),
    # The room: its hosts and the run's learners only (superusers who host nothing get no seat).
    Case("courses:live-join", page(learner=200), kwargs=LIVE_A, variant="A"),
    Case("courses:live-join", page(trainer_b=200), kwargs=LIVE_B, variant="own B"),
    *get_post("courses:live-register", {"learner": 302, "superuser": 302}, kwargs=LIVE_A),
    *get_post("courses:live-unregister", {"learner": 302}, kwargs=LIVE_A),
    Case("courses:live-edit", page(superuser=200), kwargs=LIVE_A, variant="course A"),
    Case("courses:live-edit", page(trainer_b=200, superuser=200), kwargs=LIVE_B, variant="own B"),
    *get_post("courses:live-cancel", {"superuser": 302}, kwargs=LIVE_A, data={"reason": "x"}),
    *get_post(
        "courses:live-cancel",
        {"trainer_b": 302, "superuser": 302},
        kwargs=LIVE_B,
        data={"reason": "x"},
        variant="own B",
    ),
    *get_post("courses:live-restore", {"superuser": 302}, kwargs=LIVE_A),
    # Workshops (World Café): hosts set up and run rounds; the people of the session read the state.
    Case("courses:live-workshop", page(superuser=200), kwargs=LIVE_A, variant="course A"),
    Case(
        "courses:live-workshop",
        page(trainer_b=200, superuser=200),
        kwargs=LIVE_B,
        variant="own B",
    ),
    Case("courses:live-workshop-state", page(learner=200), kwargs=LIVE_A),
    *get_post("courses:live-workshop-endpoint", {"learner": 400}, kwargs=LIVE_A),
    *get_post("courses:live-workshop-round", {"superuser": 400}, kwargs=LIVE_A),
    *get_post("courses:live-workshop-back", {"superuser": 400}, kwargs=LIVE_A),
    Case("courses:live-attendance", page(superuser=200), kwargs=LIVE_A, variant="course A"),
    Case(
        "courses:live-attendance",
        page(trainer_b=200, superuser=200),
        kwargs=LIVE_B,
        variant="own B",
    ),
    Case("courses:live-attendance-export", page(superuser=200), kwargs=LIVE_A, variant="A"),
    Case(
        "courses:live-attendance-export",
        page(trainer_b=200, superuser=200),
        kwargs=LIVE_B,
        variant="own B",
    ),
    *get_post("courses:live-attendance-compute", {"superuser": 302}, kwargs=LIVE_A),
    *get_post(
        "courses:live-attendance-correct",
        {"superuser": 302},
        kwargs=LIVE_A,
        data=lambda w: {"user": w.users["learner"].pk, "minutes": "30", "reason": "Ton"},
    ),
    Case("courses:certificate-verify-form", E(200)),
    Case("courses:certificate-verify", E(200), kwargs=CERT_A),
    Case(
        "courses:certificate-verify",
        E(404),
        kwargs=lambda w: {"code": "AAAA-BBBB-CCCC-DDDD"},
        variant="unknown",
    ),
]

# --- Mentoring pages --------------------------------------------------------------------------

TANDEM_1 = lambda w: {"tandem_id": w.t1.pk}  # noqa: E731
TANDEM_2 = lambda w: {"tandem_id": w.t2.pk}  # noqa: E731
SESSION_1 = lambda w: {"session_uuid": w.s1.uuid}  # noqa: E731
SESSION_2 = lambda w: {"session_uuid": w.s2.uuid}  # noqa: E731

CASES += [
    Case("mentoring:mine", page(200)),
    Case(
        "mentoring:apply",
        page(200),
        kwargs=lambda w: {"page_id": w.programme_page.pk, "role": "mentee"},
    ),
    Case(
        "mentoring:apply",
        page(404),
        kwargs=lambda w: {"page_id": w.programme_page.pk, "role": "boss"},
        variant="unknown role",
    ),
    Case("mentoring:tandem", page(**members(200, *T1)), kwargs=TANDEM_1, variant="T1"),
    Case("mentoring:tandem", page(t2_member=200), kwargs=TANDEM_2, variant="T2"),
    *get_post("mentoring:tandem-respond", members(400, *T1), kwargs=TANDEM_1, variant="T1"),
    Case(
        "mentoring:feedback",
        page(**members(200, *T1)),
        kwargs=lambda w: {"tandem_id": w.t1.pk, "phase": "midterm"},
        variant="T1",
    ),
    Case(
        "mentoring:feedback",
        page(t2_member=200),
        kwargs=lambda w: {"tandem_id": w.t2.pk, "phase": "midterm"},
        variant="T2",
    ),
    # Withdrawing asks first (GET), then withdraws (POST).
    Case(
        "mentoring:withdraw",
        page(mentee=200),
        kwargs=lambda w: {"application_id": w.t1.mentee_id},
        variant="mentee's application",
    ),
    Case(
        "mentoring:withdraw",
        page(mentee=302),
        kwargs=lambda w: {"application_id": w.t1.mentee_id},
        method="post",
        variant="mentee's application",
    ),
    *get_post(
        "mentoring:pause",
        {"mentor": 302},
        kwargs=lambda w: {"application_id": w.t1.mentor_id},
        data={"paused": "1"},
        variant="mentor's application",
    ),
    *get_post(
        "mentoring:request",
        {"mentee": 302},
        kwargs=lambda w: {"application_id": w.t1.mentee_id},
        data=lambda w: {"mentor": w.t1.mentor_id},
        variant="mentee's application",
    ),
    Case("mentoring:sessions", page(200)),
    *get_post("mentoring:calendar-rotate", dict.fromkeys(LOGGED_IN, 302)),
    # The feed is public by its secret token (calendar apps cannot log in).
    Case(
        "mentoring:calendar-feed",
        E(200),
        kwargs=lambda w: {"token": w.calendar_token},
        variant="valid token",
    ),
    Case(
        "mentoring:calendar-feed",
        E(404),
        kwargs=lambda w: {"token": "not-a-token"},
        variant="unknown token",
    ),
    Case("mentoring:book", page(**members(200, *T1)), kwargs=TANDEM_1, variant="T1"),
    Case("mentoring:book", page(t2_member=200), kwargs=TANDEM_2, variant="T2"),
    Case(
        "mentoring:book",
        page(),
        url=lambda w: reverse("mentoring:book", args=[w.t1.pk]) + f"?move={w.s2.uuid}",
        variant="T1, moving a session of T2",
    ),
    Case("mentoring:session", page(**members(200, *T1)), kwargs=SESSION_1, variant="S1 of T1"),
    Case(
        "mentoring:session-calendar",
        page(**members(200, *T1)),
        kwargs=SESSION_1,
        variant="S1 of T1",
    ),
    Case("mentoring:session", page(t2_member=200), kwargs=SESSION_2, variant="S2 of T2"),
    Case(
        "mentoring:session",
        page(),
        kwargs=lambda w: {"session_uuid": UNKNOWN_UUID},
        variant="unknown",
    ),
    Case(
        "mentoring:session",
        page(**members(400, *T1)),
        kwargs=SESSION_1,
        method="post",
        data={"form": "cancel"},
        variant="S1 of T1, cancel without reason",
    ),
    Case("mentoring:session-join", page(**members(200, *T1)), kwargs=SESSION_1, variant="S1 of T1"),
    Case("mentoring:session-join", page(t2_member=200), kwargs=SESSION_2, variant="S2 of T2"),
    Case("mentoring:availability", page(mentor=200)),  # mentors only
]

# --- Jitsi endpoints: the server's bearer token, never a person's session -----------------------

RESERVATION_DELETE = lambda w: {"reservation_id": str(w.s1.pk)}  # noqa: E731
OCCUPANT = lambda w: {"change": "joined"}  # noqa: E731
ROOM = lambda w: {"change": "created"}  # noqa: E731
for name, method, kwargs, with_bearer in [
    ("mentoring:jitsi-reservation", "post", None, 400),  # 400: the room name is missing
    ("mentoring:jitsi-reservation-delete", "delete", RESERVATION_DELETE, 200),
    ("mentoring:jitsi-occupant-event", "post", OCCUPANT, 400),  # 400: no event in the body
    ("mentoring:jitsi-room-event", "post", ROOM, 200),
    # the video app's own addresses of the same endpoints
    ("video:jitsi-reservation", "post", None, 400),
    ("video:jitsi-reservation-delete", "delete", RESERVATION_DELETE, 200),
    ("video:jitsi-occupant-event", "post", OCCUPANT, 400),
    ("video:jitsi-room-event", "post", ROOM, 200),
]:
    CASES += [
        Case(
            name,
            E(405),
            kwargs=kwargs,
            settings=JITSI_ON,
            roles=("anon", "superuser"),
            variant="GET",
        ),
        Case(
            name,
            E(401),
            kwargs=kwargs,
            method=method,
            settings=JITSI_ON,
            roles=("anon", "mentor", "superuser"),
            variant="session cookie, no bearer",
        ),
        Case(
            name,
            E(with_bearer),
            kwargs=kwargs,
            method=method,
            settings=JITSI_ON,
            headers=BEARER,
            roles=("anon",),
            variant="bearer token",
        ),
        Case(
            name,
            E(401),
            kwargs=kwargs,
            method=method,
            settings=JITSI_ON,
            roles=("anon",),
            headers={"HTTP_AUTHORIZATION": "Bearer wrong"},
            variant="wrong bearer",
        ),
        Case(
            name,
            E(404),
            kwargs=kwargs,
            method=method,
            settings=JITSI_OFF,
            headers=BEARER,
            roles=("anon",),
            variant="switched off",
        ),
    ]

# --- Video rooms (team meetings, counselling) and guest links ------------------------------------

ROOM = lambda w: {"room_uuid": w.video_room.uuid}  # noqa: E731
ROOM_HOST = {"trainer_b": 200}
ROOM_PEOPLE = {"trainer_b": 200, "manager_p1": 200}
INVITATION = lambda w: {"room_uuid": w.video_room.uuid, "invitation_id": w.video_invitation.pk}  # noqa: E731
CASES += [
    Case("video:rooms", page(200)),
    Case("video:room-create", page(403, trainer_b=200, superuser=200)),
    Case("video:room", page(**ROOM_PEOPLE), kwargs=ROOM),
    Case(
        "video:room",
        page(trainer_b=201),
        kwargs=ROOM,
        method="post",
        data={"days": 3},
        variant="make a guest link",
    ),
    Case("video:room-edit", page(**ROOM_HOST), kwargs=ROOM),
    Case("video:room-join", page(**ROOM_PEOPLE), kwargs=ROOM),
    Case("video:invitation-revoke", page(**ROOM_HOST), kwargs=INVITATION, variant="confirm"),
    Case(
        "video:invitation-revoke",
        page(trainer_b=302),
        kwargs=INVITATION,
        method="post",
        variant="revoke",
    ),
    Case("video:invite", E(200), kwargs=lambda w: {"token": w.video_token}, variant="valid link"),
    Case(
        "video:invite",
        E(302),
        kwargs=lambda w: {"token": w.video_token},
        method="post",
        data={"name": "Kim"},
        variant="enter a name",
    ),
    Case(
        "video:invite", E(410), kwargs=lambda w: {"token": w.video_revoked_token}, variant="revoked"
    ),
    Case("video:invite", E(404), kwargs=lambda w: {"token": "erfunden"}, variant="unknown"),
    Case(
        "video:guest-join",
        E(302),
        kwargs=lambda w: {"token": w.video_token},
        variant="no name yet: to the invitation",
    ),
    Case(
        "video:guest-join",
        E(410),
        kwargs=lambda w: {"token": w.video_revoked_token},
        variant="revoked",
    ),
    Case("video-api:room-list", api(200), api=True),
    Case(
        "video-api:room-list",
        api(403, trainer_b=201, superuser=201),
        method="post",
        api=True,
        variant="create a room",
        data=lambda w: {
            "kind": "counselling",
            "title": "Sprechstunde",
            "dates": [{"start": "2027-05-04T10:00:00Z", "end": "2027-05-04T11:00:00Z"}],
        },
    ),
    Case(
        "video-api:room-detail",
        api(**ROOM_PEOPLE),
        kwargs=lambda w: {"uuid": w.video_room.uuid},
        api=True,
    ),
    Case(
        "video-api:room-detail",
        api(trainer_b=200),
        kwargs=lambda w: {"uuid": w.video_room.uuid},
        method="patch",
        api=True,
        data={"title": "Teamrunde (neu)"},
        variant="change the title",
    ),
    Case(
        "video-api:room-invitations",
        api(**ROOM_HOST),
        kwargs=lambda w: {"uuid": w.video_room.uuid},
        api=True,
    ),
    Case(
        "video-api:room-invitations",
        api(trainer_b=201),
        kwargs=lambda w: {"uuid": w.video_room.uuid},
        method="post",
        api=True,
        data={"days": 3},
        variant="make a guest link",
    ),
    Case(
        "video-api:room-revoke",
        api(trainer_b=200),
        kwargs=lambda w: {"uuid": w.video_room.uuid, "invitation_id": w.video_invitation.pk},
        method="post",
        api=True,
    ),
]

# --- Wagtail admin views Tandem registers ----------------------------------------------------

STAFF_200 = dict.fromkeys(STAFF + ("superuser",), 200)
P1 = lambda w: {"programme_id": w.p1.pk}  # noqa: E731
P2 = lambda w: {"programme_id": w.p2.pk}  # noqa: E731
OWN_P1 = {"manager_p1", "superuser"}

CASES += [
    Case("mentoring_dashboards", admin(**STAFF_200)),
    Case("mentoring_dashboard", admin(manager_p1=200, superuser=200), kwargs=P1, variant="P1"),
    Case("mentoring_dashboard", admin(manager_p2=200, superuser=200), kwargs=P2, variant="P2"),
    Case("mentoring_export", admin(manager_p1=200, superuser=200), kwargs=P1, variant="P1"),
    Case(
        "mentoring_run_review",
        admin(manager_p1=200, superuser=200),
        kwargs=lambda w: {"programme_id": w.p1.pk, "run_id": w.r1.pk},
        variant="P1, run of P1",
    ),
    Case(
        "mentoring_run_review",
        admin(),
        kwargs=lambda w: {"programme_id": w.p2.pk, "run_id": w.r1.pk},
        variant="P2, run of P1",
    ),
    *admin_post(
        "mentoring_application_decide",
        dict.fromkeys(OWN_P1, 400),
        kwargs=lambda w: {"programme_id": w.p1.pk, "application_id": w.t1.mentee_id},
        variant="P1, application of P1",
    ),
    *admin_post(
        "mentoring_application_decide",
        {"superuser": 404},
        kwargs=lambda w: {"programme_id": w.p2.pk, "application_id": w.t1.mentee_id},
        variant="P2, application of P1",
    ),
    *admin_post("mentoring_run", dict.fromkeys(OWN_P1, 302), kwargs=P1, variant="P1"),
    *admin_post(
        "mentoring_run_publish",
        dict.fromkeys(OWN_P1, 302),
        kwargs=lambda w: {"programme_id": w.p1.pk, "run_id": w.r1.pk},
        variant="P1, run of P1",
    ),
    *admin_post(
        "mentoring_pair_rule",
        dict.fromkeys(OWN_P1, 302),
        kwargs=P1,
        variant="P1",
        data=lambda w: {"mentee": w.t1.mentee_id, "mentor": w.t1.mentor_id, "kind": "forbidden"},
    ),
    *admin_post(
        "mentoring_pair_rule",
        {"superuser": 404},
        kwargs=P1,
        variant="P1, applications of P2",
        data=lambda w: {"mentee": w.t2.mentee_id, "mentor": w.t2.mentor_id, "kind": "forbidden"},
    ),
    Case("mentoring_programme_end", admin(**dict.fromkeys(OWN_P1, 200)), kwargs=P1, variant="P1"),
    Case(
        "mentoring_programme_end",
        admin(**dict.fromkeys(OWN_P1, 400)),
        kwargs=P1,
        method="post",
        variant="P1, unconfirmed",
    ),
    *admin_post(
        "mentoring_mentee_pair",
        dict.fromkeys(OWN_P1, 302),
        kwargs=lambda w: {"programme_id": w.p1.pk, "application_id": w.t1.mentee_id},
        variant="P1, mentee of P1 (has a tandem: told, nothing changes)",
        data=lambda w: {"mentor": w.t1.mentor_id},
    ),
    *admin_post(
        "mentoring_mentee_pair",
        {"superuser": 404},
        kwargs=lambda w: {"programme_id": w.p2.pk, "application_id": w.t1.mentee_id},
        variant="P2, mentee of P1",
        data=lambda w: {"mentor": w.t1.mentor_id},
    ),
    *admin_post(
        "mentoring_mentee_wait",
        {"superuser": 404},
        kwargs=lambda w: {"programme_id": w.p2.pk, "application_id": w.t1.mentee_id},
        variant="P2, mentee of P1",
    ),
    *admin_post(
        "mentoring_mentor_place",
        dict.fromkeys(OWN_P1, 302),
        kwargs=lambda w: {"programme_id": w.p1.pk, "application_id": w.t1.mentor_id},
        variant="P1, mentor of P1, without consent (refused, nothing changes)",
    ),
    Case(
        "mentoring_ending",
        admin(**dict.fromkeys(OWN_P1, 200)),
        kwargs=lambda w: {"programme_id": w.p1.pk, "ending_id": w.e1.pk},
        variant="P1, ending of P1",
    ),
    Case(
        "mentoring_ending",
        admin(),
        kwargs=lambda w: {"programme_id": w.p2.pk, "ending_id": w.e1.pk},
        variant="P2, ending of P1",
    ),
    *admin_post(
        "mentoring_ending_undo",
        dict.fromkeys(OWN_P1, 302),
        kwargs=lambda w: {"programme_id": w.p1.pk, "ending_id": w.e1.pk},
        variant="P1, ending of P1",
    ),
]


SNIPPET_VIEWS = (
    "list",
    "list_results",
    "add",
    "edit",
    "delete",
    "usage",
    "history",
    "history_results",
    "copy",
)
CHOOSER_VIEWS = ("choose", "choose_results", "chosen", "chosen_multiple", "create")


def snippet_cases(app, model, obj, expect: dict[str, dict[str, int]], *, roles, xfail=None):
    """Every view Wagtail registers for a Tandem snippet model: index, add, edit, delete, usage,
    history, copy (``wagtailsnippets_…``) and the chooser (``wagtailsnippetchoosers_…``).
    Staff without the model permission are sent back to the dashboard with a message (302)."""
    xfail = xfail or {}
    pk = lambda w: {"pk": obj(w).pk}  # noqa: E731
    cases = []
    for view in SNIPPET_VIEWS + CHOOSER_VIEWS:
        ns = (
            f"wagtailsnippets_{app}_{model}"
            if view in SNIPPET_VIEWS
            else f"wagtailsnippetchoosers_{app}_{model}"
        )
        name = f"{ns}:{view}"
        kwargs = url = None
        if view == "chosen":
            kwargs = lambda w: {"pk": str(obj(w).pk)}  # noqa: E731
        elif view == "chosen_multiple":
            url = lambda w, name=name: f"{reverse(name)}?id={obj(w).pk}"  # noqa: E731
        elif view in ("edit", "delete", "usage", "history", "history_results", "copy"):
            kwargs = pk
        cases.append(
            Case(name, expect[view], kwargs=kwargs, url=url, roles=roles, xfail=xfail.get(view, {}))
        )
    return cases


# Choosers list every object to every admin user (Wagtail's snippet chooser checks no model
# permission and applies no queryset filter of the viewset); for programmes that is public data
# anyway (API /programmes/, programme pages), for course snippets it is titles only.
ALL_STAFF = admin(200)
OWN_PROGRAMME = admin(302, manager_p1=200, manager_p2=404, editor=404, trainer_b=404, superuser=200)
CASES += snippet_cases(
    "mentoring",
    "programme",
    lambda w: w.p1,
    roles=ROLES,
    expect={
        "list": admin(302, manager_p1=200, manager_p2=200, superuser=200),  # filtered to one's own
        "list_results": admin(302, manager_p1=200, manager_p2=200, superuser=200),
        "add": admin(302, superuser=200),  # creating programmes stays with administrators
        "edit": admin(404, manager_p1=200, superuser=200),  # ProgrammeEditView: others get 404
        # every view of one programme: others' programmes are 404; own managers lack delete/copy rights
        "delete": admin(404, manager_p1=302, superuser=200),
        "usage": OWN_PROGRAMME,
        "history": OWN_PROGRAMME,
        "history_results": OWN_PROGRAMME,
        "copy": admin(302, manager_p2=404, superuser=200),
        "choose": ALL_STAFF,
        "choose_results": ALL_STAFF,
        "chosen": ALL_STAFF,
        "chosen_multiple": ALL_STAFF,
        "create": admin(302, superuser=200),
    },
)

# Course snippets: trainers hold add/change/view (no delete), everybody else no permission.
TRAINERS = admin(302, trainer_b=200, superuser=200)
COURSE_SNIPPETS = {
    **dict.fromkeys(SNIPPET_VIEWS, TRAINERS),
    "delete": admin(302, superuser=200),
    **dict.fromkeys(CHOOSER_VIEWS, ALL_STAFF),
    "create": TRAINERS,
}
for model, obj, roles in [
    ("learningvideo", lambda w: w.video, ROLES),
    # the same permissions as learning videos: fewer roles keep the run short
    ("quiz", lambda w: w.quiz, ("anon", "learner", "trainer_b", "editor", "superuser")),
    ("topic", lambda w: w.topic, ("anon", "learner", "trainer_b", "editor", "superuser")),
    ("audience", lambda w: w.audience, ("anon", "learner", "trainer_b", "editor", "superuser")),
]:
    CASES += snippet_cases("courses", model, obj, COURSE_SNIPPETS, roles=roles)

# The audit log (cms): superusers only; Wagtail turns the view's PermissionDenied into the
# usual redirect to the dashboard for other staff.
CASES += [Case("cms_audit_log", admin(302, superuser=200))]
# The outbox (cms): superusers only, like the audit log; retrying a mail asks first (GET) and
# queues it again (POST, back to the listing).
FAILED_MAIL = lambda w: {"pk": w.failed_mail.pk}  # noqa: E731
CASES += [
    Case("cms_outbox", admin(302, superuser=200)),
    Case("cms_outbox_retry", admin(302, superuser=200), kwargs=FAILED_MAIL),
    Case(
        "cms_outbox_retry",
        admin(302, superuser=302),
        kwargs=FAILED_MAIL,
        method="post",
        variant="confirmed",
    ),
]
# Erasure on request: the manager of the person's programme and superusers; others 404.
CASES += [
    Case(
        "lms_erasure_for_person",
        admin(404, manager_p1=200, superuser=200),
        kwargs=lambda w: {"user_id": w.t1.mentee.user_id},
    ),
    Case(
        "lms_erasure_for_person",
        admin(404),
        kwargs=lambda w: {"user_id": w.users["superuser"].pk},
        variant="a superuser cannot be erased this way",
    ),
]

# Site settings (cms): editors only (Wagtail's settings view; the model is Tandem's).
CASES += [
    Case(
        "wagtailsettings:edit",
        admin(302, editor=200, superuser=200),
        url=lambda w: reverse("wagtailsettings:edit", args=["cms", "sitesettings", w.site.pk]),
    ),
]

# --- Wagtail's page editor on Tandem's pages ----------------------------------------------------
# Editors edit and publish every page; a course's trainers edit and publish that course (trainer B:
# course B); nobody else. Staff without the right are sent back to the dashboard (302), others
# to the login. Empty POSTs: whoever may edit gets the form back with its errors (200).

EDITABLE = admin(302, editor=200, superuser=200)
OWN_COURSE = admin(302, editor=200, trainer_b=200, superuser=200)
ADMIN_PAGES = [
    ("course A", lambda w: w.course_a, EDITABLE),
    ("chapter of course A", lambda w: w.lesson_video.get_parent(), EDITABLE),
    ("lesson of course A", lambda w: w.lesson_video, EDITABLE),
    ("course B", lambda w: w.course_b, OWN_COURSE),
    ("lesson of course B", lambda w: w.lesson_b, OWN_COURSE),
    ("programme page", lambda w: w.programme_page, EDITABLE),
    ("catalogue", lambda w: w.catalogue, EDITABLE),
]
for label, obj, expect in ADMIN_PAGES:
    pid = lambda w, obj=obj: {"page_id": obj(w).pk}  # noqa: E731
    CASES += [
        Case("wagtailadmin_pages:edit", expect, kwargs=pid, variant=label),
        # (an empty stream: Wagtail's StreamField answers 500 to a POST without its count)
        Case(
            "wagtailadmin_pages:edit",
            expect,
            kwargs=pid,
            method="post",
            data={"body-count": "0"},
            variant=label,
        ),
        Case(
            "wagtailadmin_pages:edit",
            expect,
            kwargs=pid,
            method="post",
            data={"body-count": "0", "action-publish": "1"},
            variant=f"{label}, publish",
        ),
        Case("wagtailadmin_pages:unpublish", expect, kwargs=pid, variant=label),
        Case("wagtailadmin_pages:copy", expect, kwargs=pid, variant=label),
        Case("wagtailadmin_pages:set_privacy", expect, kwargs=pid, variant=label),
        Case(
            "wagtailadmin_pages:move",
            expect,
            kwargs=lambda w, obj=obj: {"page_to_move_id": obj(w).pk},
            variant=label,
        ),
    ]
# Deleting a page with children needs the bulk-delete right (editors); trainers delete lessons.
CASES += [
    Case(
        "wagtailadmin_pages:delete",
        EDITABLE,
        kwargs=lambda w: {"page_id": w.course_b.pk},
        variant="course B (with lessons)",
    ),
    Case(
        "wagtailadmin_pages:delete",
        OWN_COURSE,
        kwargs=lambda w: {"page_id": w.lesson_b.pk},
        variant="lesson of course B",
    ),
    Case(
        "wagtailadmin_pages:delete",
        EDITABLE,
        kwargs=lambda w: {"page_id": w.lesson_quiz.pk},
        variant="lesson of course A",
    ),
    # Adding pages: a chapter or lesson to a course (its trainers, editors); a course to the
    # catalogue (every member of the trainers' group, editors).
    Case(
        "wagtailadmin_pages:add_subpage",
        OWN_COURSE,
        kwargs=lambda w: {"parent_page_id": w.course_b.pk},
        variant="course B",
    ),
    Case(
        "wagtailadmin_pages:add_subpage",
        EDITABLE,
        kwargs=lambda w: {"parent_page_id": w.course_a.pk},
        variant="course A",
    ),
    Case(
        "wagtailadmin_pages:add",
        OWN_COURSE,
        kwargs=lambda w: {
            "content_type_app_name": "courses",
            "content_type_model_name": "coursepage",
            "parent_page_id": w.catalogue.pk,
        },
        variant="course in the catalogue",
    ),
    Case(
        "wagtailadmin_pages:add",
        OWN_COURSE,
        kwargs=lambda w: {
            "content_type_app_name": "courses",
            "content_type_model_name": "lessonpage",
            "parent_page_id": w.course_b.pk,
        },
        variant="lesson in course B",
    ),
    Case(
        "wagtailadmin_pages:add",
        EDITABLE,
        kwargs=lambda w: {
            "content_type_app_name": "courses",
            "content_type_model_name": "lessonpage",
            "parent_page_id": w.course_a.pk,
        },
        variant="lesson in course A",
    ),
    # Wagtail shows the move confirmation to every admin user; the move itself (POST) checks
    # the rights on both pages (tests/courses/test_admin_access.py).
    Case(
        "wagtailadmin_pages:move_confirm",
        admin(200),
        kwargs=lambda w: {"page_to_move_id": w.lesson_b.pk, "destination_id": w.course_a.pk},
        variant="lesson of course B into course A",
    ),
    Case(
        "wagtailadmin_pages:move_confirm",
        admin(200),
        kwargs=lambda w: {"page_to_move_id": w.lesson_quiz.pk, "destination_id": w.course_b.pk},
        variant="lesson of course A into course B",
    ),
]

# --- API v1 -----------------------------------------------------------------------------------

RUN_1 = lambda w: {"pk": w.r1.pk}  # noqa: E731
TANDEM_1_PK = lambda w: {"pk": w.t1.pk}  # noqa: E731
S1_UUID = lambda w: {"uuid": w.s1.uuid}  # noqa: E731
T1_VIEWERS = ("mentee", "mentor", "manager_p1", "superuser")

CASES += [
    Case("api-root", E(200), api=True),
    Case("api-root", E(200), url=lambda w: "/api/v1/.json", api=True, variant="format suffix"),
    Case("api-schema", E(200), api=True, roles=PROBE_ROLES),  # public documentation
    Case("api-docs", E(200), api=True, roles=PROBE_ROLES),
    Case("api-redoc", E(200), api=True, roles=PROBE_ROLES),
    Case("api-me", api(200), api=True),
    # Unknown addresses under /api/v1/: a JSON 404 for every method, also a POST without CSRF token.
    Case(
        "api-unknown",
        E(404),
        url=lambda w: "/api/v1/no-such-endpoint/",
        api=True,
        roles=PROBE_ROLES,
    ),
    Case(
        "api-unknown",
        E(404),
        url=lambda w: "/api/v1/no-such-endpoint/",
        method="post",
        api=True,
        roles=PROBE_ROLES,
        variant="POST",
    ),
    Case("courses-api:course-list", E(200), api=True),
    Case("courses-api:course-detail", E(200), kwargs=lambda w: {"pk": w.course_a.pk}, api=True),
    # Enrolling again returns the existing enrolment (201, idempotent).
    *get_post(
        "courses-api:course-enrol",
        dict.fromkeys(LOGGED_IN, 201),
        kwargs=lambda w: {"pk": w.course_a.pk},
        api_=True,
    ),
    *get_post(
        "courses-api:course-leave",
        {"learner": 200},
        kwargs=lambda w: {"pk": w.course_a.pk},
        api_=True,
    ),
    Case("courses-api:enrolment-list", api(200), api=True),
    Case(
        "courses-api:enrolment-detail",
        api(learner=200),
        kwargs=lambda w: {"pk": w.enrolment_a.pk},
        api=True,
    ),
    Case("courses-api:certificate-list", api(200), api=True),
    # Lessons: AllowAny, so anonymous callers get the same 404 as outsiders.
    Case(
        "courses-api:lesson",
        E(404, **dict.fromkeys(LESSON_VIEWERS, 200)),
        kwargs=lambda w: {"pk": w.lesson_video.pk},
        api=True,
    ),
    *get_post(
        "courses-api:video-progress",
        members(400, *VIDEO_VIEWERS),
        kwargs=lambda w: {"pk": w.video.pk},
        api_=True,
    ),
    # With the lesson named but no answers: viewers get the validation error, everyone else 404.
    *get_post(
        "courses-api:quiz-attempt",
        dict.fromkeys(LESSON_VIEWERS, 400),
        kwargs=lambda w: {"pk": w.quiz.pk},
        api_=True,
        data=lambda w: {"lesson": w.lesson_quiz.pk},
    ),
    # Live sessions: learners of the run and trainers of the course; 404 for everyone else.
    Case("courses-api:live-session-list", api(200), api=True),
    Case(
        "courses-api:live-session-detail",
        api(learner=200, superuser=200),
        kwargs=API_LIVE_A,
        api=True,
        variant="A",
    ),
    Case(
        "courses-api:live-session-detail",
        api(trainer_b=200, superuser=200),
        kwargs=API_LIVE_B,
        api=True,
        variant="own B",
    ),
    Case(
        "courses-api:live-session-detail",
        api(trainer_b=400, superuser=400),
        kwargs=API_LIVE_B,
        api=True,
        method="put",
        variant="PUT own B",
    ),
    *get_post("courses-api:live-session-cancel", {"superuser": 400}, kwargs=API_LIVE_A, api_=True),
    *get_post(
        "courses-api:live-session-registration",
        {"learner": 201, "superuser": 400},
        kwargs=API_LIVE_A,
        api_=True,
    ),
    Case(
        "courses-api:live-session-registration",
        api(learner=200),
        kwargs=API_LIVE_A,
        api=True,
        method="delete",
        variant="DELETE",
    ),
    Case(
        "courses-api:live-session-join",
        api(learner=200),
        kwargs=API_LIVE_A,
        api=True,
    ),
    Case(  # session A holds no workshop: 404 for everyone signed in, as for a stranger
        "courses-api:live-session-workshop", api(), kwargs=API_LIVE_A, api=True
    ),
    # Undoing a removed workshop: its hosts only (nothing was removed in session A: 409).
    *get_post(
        "courses-api:live-session-workshop-restore",
        {"superuser": 409},
        kwargs=API_LIVE_A,
        api_=True,
    ),
    Case(
        "courses-api:live-session-attendance",
        api(superuser=200),
        kwargs=API_LIVE_A,
        api=True,
        variant="A",
    ),
    Case(
        "courses-api:live-session-attendance",
        api(trainer_b=200, superuser=200),
        kwargs=API_LIVE_B,
        api=True,
        variant="own B",
    ),
    Case("mentoring-api:programme-list", E(200), api=True),  # programmes are public
    Case("mentoring-api:programme-detail", E(200), kwargs=lambda w: {"pk": w.p1.pk}, api=True),
    *get_post(
        "mentoring-api:programme-run",
        members(201, "manager_p1", "superuser"),
        kwargs=lambda w: {"pk": w.p1.pk},
        api_=True,
        variant="P1",
    ),
    *get_post(
        "mentoring-api:programme-run",
        members(201, "manager_p2", "superuser"),
        kwargs=lambda w: {"pk": w.p2.pk},
        api_=True,
        variant="P2",
    ),
    Case("mentoring-api:application-list", api(200), api=True),
    Case(
        "mentoring-api:application-list",
        api(400),
        method="post",
        api=True,
        variant="apply, empty body",
    ),
    Case(
        "mentoring-api:application-detail",
        api(mentee=200),
        kwargs=lambda w: {"pk": w.t1.mentee_id},
        api=True,
        variant="mentee's",
    ),
    Case("mentoring-api:run-list", api(200), api=True),
    Case(
        "mentoring-api:run-detail",
        api(manager_p1=200, superuser=200),
        kwargs=RUN_1,
        api=True,
        variant="R1",
    ),
    *get_post(
        "mentoring-api:run-publish",
        members(200, "manager_p1", "superuser"),
        kwargs=RUN_1,
        api_=True,
        variant="R1",
    ),
    Case("mentoring-api:tandem-list", api(200), api=True),
    Case(
        "mentoring-api:tandem-detail",
        api(**members(200, *T1_VIEWERS)),
        kwargs=TANDEM_1_PK,
        api=True,
        variant="T1",
    ),
    Case(
        "mentoring-api:tandem-detail",
        api(**members(200, "t2_member", "manager_p2", "superuser")),
        kwargs=lambda w: {"pk": w.t2.pk},
        api=True,
        variant="T2",
    ),
    *get_post(
        "mentoring-api:tandem-answer",
        members(400, *T1_VIEWERS),
        kwargs=TANDEM_1_PK,
        api_=True,
        variant="T1",
    ),
    Case(
        "mentoring-api:tandem-slots",
        api(**members(200, *T1)),
        kwargs=lambda w: {"tandem_id": w.t1.pk},
        api=True,
        variant="T1",
    ),
    Case("mentoring-api:session-list", api(200), api=True),
    Case(
        "mentoring-api:session-list", api(400), method="post", api=True, variant="book, empty body"
    ),
    Case(
        "mentoring-api:session-list",
        api(**members(409, *T1), t2_member=404, learner=404),
        method="post",
        api=True,
        variant="book for T1",
        data=lambda w: {"tandem": w.t1.pk, "start": w.s1.start.isoformat(), "length": 60},
    ),
    Case(
        "mentoring-api:session-detail",
        api(**members(200, *T1)),
        kwargs=S1_UUID,
        api=True,
        variant="S1 of T1",
    ),
    Case(
        "mentoring-api:session-detail",
        api(t2_member=200),
        kwargs=lambda w: {"uuid": w.s2.uuid},
        api=True,
        variant="S2 of T2",
    ),
    *get_post(
        "mentoring-api:session-cancel", members(400, *T1), kwargs=S1_UUID, api_=True, variant="S1"
    ),
    *get_post(
        # S1 is booked, not proposed: confirming it is a conflict with its state (409).
        "mentoring-api:session-confirm",
        members(409, *T1),
        kwargs=S1_UUID,
        api_=True,
        variant="S1",
    ),
    *get_post(
        "mentoring-api:session-join-token",
        members(200, *T1),
        kwargs=S1_UUID,
        api_=True,
        variant="S1",
    ),
    *get_post(
        "mentoring-api:session-reschedule",
        members(400, *T1),
        kwargs=S1_UUID,
        api_=True,
        variant="S1",
    ),
    Case("mentoring-api:calendar-token", api(200), api=True),
    Case("mentoring-api:calendar-token", api(200), method="post", api=True, variant="rotate"),
]

# --- Knowledge base: a members-only space none of the roles belongs to ------------------------------
KB_SPACE = lambda w: {"space_id": w.kb_space.pk}  # noqa: E731
KB_ARTICLE = lambda w: {"article_id": w.kb_article.pk}  # noqa: E731
CASES += [
    Case("knowledge:manage", page(404, superuser=200), kwargs=KB_SPACE),
    *get_post(
        "knowledge:manage",
        {"superuser": 302},
        kwargs=KB_SPACE,
        variant="settings",
        data={"action": "settings", "visibility": "groups"},
    )[1:],
    # Not mandatory for anyone: the superuser is told so on the article (302).
    *get_post("knowledge:confirm", {"superuser": 302}, kwargs=KB_ARTICLE),
    *get_post("knowledge:reviewed", {"superuser": 302}, kwargs=KB_ARTICLE),
    Case("knowledge:confirmations", page(404, superuser=200), kwargs=KB_ARTICLE),
    Case("knowledge-api:space-list", E(200), api=True),
    Case(
        "knowledge-api:space-detail",
        E(404, superuser=200),
        kwargs=lambda w: {"pk": w.kb_space.pk},
        api=True,
    ),
    Case("knowledge-api:article-list", E(200), api=True),
    Case(
        "knowledge-api:article-detail",
        E(404, superuser=200),
        kwargs=lambda w: {"pk": w.kb_article.pk},
        api=True,
    ),
    *get_post(
        "knowledge-api:confirmation",
        {"superuser": 400},
        kwargs=lambda w: {"pk": w.kb_article.pk},
        api_=True,
    ),
    Case("knowledge-api:open-confirmations", api(200), api=True),
    # Wagtail's group restriction sends anonymous visitors to the login; a signed-in person who
    # is not a member is refused (the login would send her straight back: a redirect loop).
    Case(
        "wagtail_serve",
        page(403, superuser=200),
        url=lambda w: w.kb_article.url,
        variant="article of a members-only space",
    ),
]


def _params():
    seen = set()
    for case in CASES:
        assert case.id not in seen, f"duplicate case {case.id}"
        seen.add(case.id)
        assert set(case.xfail) <= set(case.roles), f"{case.id}: xfail for a role it does not ask"
        for role in case.roles:
            marks = ()
            if role in case.xfail:
                marks = (pytest.mark.xfail(strict=True, reason=case.xfail[role]),)
            yield pytest.param(case, role, id=f"{case.id}-{role}", marks=marks)


# --- The world, built once for the module -------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from courses.storage import private_storage

    media = tempfile.mkdtemp(prefix="access-matrix-")
    overrides = override_settings(TANDEM_COURSES_PRIVATE_MEDIA_ROOT=media, **JITSI_ON)
    overrides.enable()
    private_storage._wrapped = empty
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            w = build_world()
            # One session per role for the whole module (cheaper than force_login per request);
            # each test's changes, sessions included, are rolled back after it.
            w.sessions = {}
            for role, user in w.users.items():
                if user is not None:
                    client = Client()
                    client.force_login(user)
                    w.sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            yield w
            transaction.set_rollback(True)
    finally:
        # The rollback sends no signals: drop what Wagtail and Django cached about this world
        # (site root paths, content types) so the next module starts clean.
        cache.clear()
        ContentType.objects.clear_cache()
        overrides.disable()
        private_storage._wrapped = empty
        shutil.rmtree(media, ignore_errors=True)


def _request(case: Case, w, role):
    client = APIClient() if case.api else Client()
    if role in w.sessions:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = w.sessions[role]
    data = case.data(w) if callable(case.data) else case.data
    send = getattr(client, case.method)
    path = case.path(w)
    if case.method == "get":
        return send(path, **case.headers)
    if case.api:
        return send(path, data or {}, format="json", **case.headers)
    return send(path, data or {}, **case.headers)


@pytest.mark.parametrize("case, role", list(_params()))
def test_access(world, db, case, role):
    with override_settings(**case.settings):
        response = _request(case, world, role)
    expected = case.expect[role]
    assert response.status_code == expected, (
        f"{case.method.upper()} {case.path(world)} as {role}: expected {expected}, got {response.status_code}"
    )
    if case.api and role == "anon" and expected == 403:  # one error shape, saying why
        assert response.json()["code"] == "not_authenticated", response.content
    if (
        expected == 302
        and role == "anon"
        and case.name not in ("set_language", "wagtailadmin_login_redirect")
        and not case.name.startswith("video:guest")  # guests have no account: on to the room
        and case.name != "video:invite"
    ):
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), response[
            "Location"
        ]


# --- Coverage: every URL pattern is in the matrix or in the allow-list ---------------------------

TANDEM_PACKAGES = ("lms", "cms", "courses", "mentoring", "video", "knowledge")
TANDEM_APP_LABELS = ("lms", "cms", "courses", "mentoring", "video", "knowledge")

# Third-party patterns tested upstream (Wagtail, allauth, Django). Name prefixes; a pattern
# without a name is listed by its route. Tandem's own patterns can never hide here: the check
# below classifies a pattern as Tandem's first (by its view's module, the /api/v1/ prefix, or a
# Tandem model in its namespace) and requires a matrix row for it.
THIRD_PARTY = {
    "account_": "allauth: login, signup, e-mail, password (allauth's own test suite)",
    "mfa_": "allauth.mfa: two factors",
    "wagtailadmin_": "Wagtail admin core: home, explorer, page choosers, account, logout, sprite, jsi18n",
    "wagtailadmin_pages:": "Wagtail page editing; page permissions are Wagtail's (tests/lms/test_roles.py)",
    "wagtailadmin_api:": "Wagtail admin's internal page/image/document API",
    "wagtailadmin_collections:": "Wagtail collections",
    "wagtailadmin_workflows:": "Wagtail workflows",
    "wagtailadmin_reports:": "Wagtail reports",
    "wagtailadmin_editing_sessions:": "Wagtail concurrent editing notifications",
    "wagtail_bulk_action": "Wagtail bulk actions",
    "wagtailforms:": "Wagtail form submissions",
    "wagtailredirects:": "Wagtail redirects",
    "wagtailsettings:": "Wagtail settings views (Tandem's SiteSettings is in the matrix)",
    "wagtailembeds:": "Wagtail embeds chooser",
    "wagtaildocs": "Wagtail documents (admin, chooser, serve with collection privacy)",
    "wagtailimages": "Wagtail images (admin, chooser)",
    "wagtailsites:": "Wagtail sites",
    "wagtailusers_": "Wagtail users and groups",
    "wagtailsnippets:": "Wagtail snippet index across models",
    "wagtailcore_": "Wagtail page privacy password form and its login",
    "route:admin/test404/": "Wagtail's 404 test page",
    "route:admin/^.*/$": "Wagtail admin catch-all 404",
}


def _real_view(callback):
    for _ in range(10):
        if not hasattr(callback, "__wrapped__"):
            break
        callback = callback.__wrapped__
    for attribute in ("view_class", "cls"):
        if hasattr(callback, attribute):
            return getattr(callback, attribute)
    return callback


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}:{pattern.name}"
                if namespace and pattern.name
                else (pattern.name or "")
            )
            yield prefix + str(pattern.pattern), name, pattern.callback


def _route(route: str) -> str:
    """Django drops the "^" of included regex patterns when it joins a match's route."""
    return route.replace("^", "")


def _is_tandem(route: str, name: str, callback) -> bool:
    view = _real_view(callback)
    module = getattr(view, "__module__", "") or ""
    if module.split(".")[0] in TANDEM_PACKAGES or route.startswith("api/v1/"):
        return True
    if name == "wagtail_serve":  # serves Tandem's page types (courses, lessons, programmes)
        return True
    return any(f"_{label}_" in name.split(":")[0] for label in TANDEM_APP_LABELS)


def _allowed(route: str, name: str) -> bool:
    return any(
        name.startswith(prefix) if not prefix.startswith("route:") else route == prefix[6:]
        for prefix in THIRD_PARTY
    )


def test_every_url_pattern_is_in_the_matrix(world, db):
    covered = set()
    for case in CASES:
        match = resolve(case.path(world).split("?")[0])
        assert match.view_name == case.name, f"{case.id}: the URL resolves to {match.view_name}"
        covered.add((match.view_name, _route(match.route)))
    missing, unknown = [], []
    for route, name, callback in _walk(get_resolver().url_patterns):
        if _is_tandem(route, name, callback):
            if (name, _route(route)) not in covered:
                missing.append(f"{name or '(unnamed)'}  {route}")
        elif not _allowed(route, name):
            unknown.append(f"{name or '(unnamed)'}  {route}")
    assert not missing, "Tandem URL patterns without a row in the access matrix:\n" + "\n".join(
        missing
    )
    assert not unknown, "URL patterns neither in the matrix nor in THIRD_PARTY:\n" + "\n".join(
        unknown
    )


def test_the_allow_list_has_no_stale_entries():
    names = [(route, name) for route, name, _callback in _walk(get_resolver().url_patterns)]
    for prefix in THIRD_PARTY:
        if prefix.startswith("route:"):
            assert any(route == prefix[6:] for route, _name in names), prefix
        else:
            assert any(name.startswith(prefix) for _route, name in names), prefix


def test_roles_are_who_the_matrix_says(world, db):
    """Guards the world: if a fixture changes, the matrix would silently test other people."""
    w = world
    assert (
        w.users["mentee"].pk == w.t1.mentee.user_id and w.users["mentor"].pk == w.t1.mentor.user_id
    )
    assert w.users["t2_member"].pk in (w.t2.mentee.user_id, w.t2.mentor.user_id)
    assert (
        w.users["trainer_b"] in w.course_b.trainers.all()
        and w.users["trainer_b"] not in w.course_a.trainers.all()
    )
    assert list(w.p1.managers.all()) == [w.users["manager_p1"]]
    assert list(w.p2.managers.all()) == [w.users["manager_p2"]]
    assert w.enrolment_a.user == w.users["learner"] and w.certificate_a.user == w.users["learner"]
    assert w.s1.tandem_id == w.t1.pk and w.s2.tandem_id == w.t2.pk and w.s1.status == "booked"
    assert w.users["learner"].multiplier_qualifications.filter(course=w.course_a).exists()
    assert not w.users["mentee"].is_staff and w.users["superuser"].is_superuser


# --- Fields that grant access ---------------------------------------------------------------------


@pytest.mark.parametrize("role", LOGGED_IN)
def test_fields_that_grant_access_change_only_by_who_may_grant_it(world, db, role):
    """A full, valid admin POST from every role that tries to grant access: trainer A as a
    trainer of course B (her learners' data), manager P2 as a manager of P1 (its applications),
    and a view restriction on course B. Trainers and managers change only for superusers (no role
    here owns course B or may create programmes); privacy for whoever may publish course B."""
    from courses.models import CoursePage
    from mentoring.models import Programme
    from tests.courses.test_admin_access import form_data

    w, admin_user = world, world.users["superuser"]
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = w.sessions[role]
    course = CoursePage.objects.get(pk=w.course_b.pk)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        form_data(
            course,
            user=admin_user,
            trainers=[w.users["trainer_b"], w.trainer_a],
            action_publish="1",
        ),
    )
    trainers = set(CoursePage.objects.get(pk=course.pk).trainers.all())
    assert (w.trainer_a in trainers) == (role == "superuser"), trainers
    programme = Programme.objects.get(pk=w.p1.pk)
    client.post(
        reverse("wagtailsnippets_mentoring_programme:edit", args=[programme.pk]),
        form_data(
            programme, user=admin_user, managers=[w.users["manager_p1"], w.users["manager_p2"]]
        ),
    )
    managers = set(Programme.objects.get(pk=programme.pk).managers.all())
    assert (w.users["manager_p2"] in managers) == (role == "superuser"), managers
    client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[course.pk]), {"restriction_type": "login"}
    )
    restricted = course.get_view_restrictions().exists()
    assert restricted == (role in ("trainer_b", "editor", "superuser"))


# --- Knowledge spaces: the members of space A have no access of any kind to space B ---------------

KB_ROLES = ("reader", "editor", "approver", "manager")


@pytest.fixture
def two_spaces(world, db):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from tests.knowledge.conftest import make_space, publish_article

    space_a, people_a = make_space(world.home, "Arbeitshilfen")
    space_b, people_b = make_space(world.home, "Kinderschutz")
    article_b = publish_article(
        space_b, title="Schutzkonzept Vertraulich", summary="Vertraulich Schutzkonzept"
    )
    document_b = get_document_model().objects.create(
        title="Vertraulich Meldebogen",
        collection=space_b.collection,
        file=ContentFile(b"%PDF-1.4 meldebogen", name="meldebogen.pdf"),
    )
    publish_article(space_a, title="Leitfaden Vertraulich", summary="Vertraulich Leitfaden")
    return SimpleNamespace(
        a=space_a, people_a=people_a, b=space_b, article_b=article_b, document_b=document_b
    )


@pytest.mark.parametrize("role", KB_ROLES)
def test_members_of_space_a_have_no_access_to_space_b(two_spaces, role):
    w = two_spaces
    person = getattr(w.people_a, role)
    client = Client()
    client.force_login(person)
    api = APIClient()
    api.force_authenticate(person)
    # Pages: Wagtail's group restriction; a signed-in non-member is refused (not sent to the
    # login, which would send her back in a loop).
    for page in (w.b, w.article_b):
        response = client.get(page.url)
        assert response.status_code == 403, (page.url, response.status_code)
        assert "Vertraulich" not in response.text
    # Documents: the collection's restriction, served by Django.
    response = client.get(w.document_b.url)
    assert response.status_code in (302, 403, 404) and b"%PDF-1.4 meldebogen" not in b"".join(
        getattr(response, "streaming_content", [response.content])
    )
    # Site search, the space's search, the API.
    assert "Schutzkonzept" not in client.get("/search/", {"q": "Vertraulich"}).text
    assert "Schutzkonzept" not in client.get(w.a.url, {"q": "Vertraulich"}).text
    articles = api.get("/api/v1/knowledge/articles/", {"q": "Vertraulich"}).json()["results"]
    assert [a["title"] for a in articles] == ["Leitfaden Vertraulich"]
    all_articles = api.get("/api/v1/knowledge/articles/").json()["results"]
    assert w.article_b.pk not in [a["id"] for a in all_articles]
    assert api.get(f"/api/v1/knowledge/articles/{w.article_b.pk}/").status_code == 404
    assert api.get(f"/api/v1/knowledge/spaces/{w.b.pk}/").status_code == 404
    assert api.post(f"/api/v1/knowledge/articles/{w.article_b.pk}/confirmation/").status_code == 404
    # Its management page and the article's actions.
    assert client.get(f"/knowledge/spaces/{w.b.pk}/manage/").status_code == 404
    assert client.post(f"/knowledge/articles/{w.article_b.pk}/reviewed/").status_code == 404
    assert client.get(f"/knowledge/articles/{w.article_b.pk}/confirmations/").status_code == 404
    # The sitemap lists public pages only (Wagtail's sitemap: live().public()).
    sitemap = client.get(reverse("sitemap"))
    assert sitemap.status_code == 200 and "<loc>" in sitemap.text
    assert "kinderschutz" not in sitemap.text and "arbeitshilfen" not in sitemap.text
    # The admin's choosers and explorer (for those with admin access).
    if role != "reader":
        chooser = client.get(reverse("wagtailadmin_choose_page_child", args=[w.b.get_parent().pk]))
        assert chooser.status_code == 200
        assert "Kinderschutz" not in chooser.text
        assert "Arbeitshilfen" in chooser.text
        search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Schutzkonzept"})
        assert "Schutzkonzept" not in search.text
        documents = client.get(reverse("wagtaildocs_chooser:choose"))
        assert documents.status_code == 200 and "Meldebogen" not in documents.text
        found = client.get(reverse("wagtaildocs_chooser:choose_results"), {"q": "Meldebogen"})
        assert found.status_code == 200 and "Vertraulich Meldebogen" not in found.text
        listing = client.get(reverse("wagtaildocs:index"), {"q": "Meldebogen"})
        assert "Vertraulich Meldebogen" not in listing.text
        # The admin's page search and the explorer of the spaces' parent.
        pages = client.get(reverse("wagtailadmin_pages:search"), {"q": "Schutzkonzept"})
        assert pages.status_code == 200 and "Schutzkonzept Vertraulich" not in pages.text
        explorer = client.get(reverse("wagtailadmin_explore", args=[w.b.get_parent().pk]))
        assert "Kinderschutz" not in explorer.text
        assert client.get(
            reverse("wagtailadmin_pages:edit", args=[w.article_b.pk])
        ).status_code in (
            302,
            403,
        )
