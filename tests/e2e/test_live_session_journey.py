"""A live session of a course run end to end in a real browser, on the stand-in Jitsi server
with the lobby switched on: the trainer opens the room as host (owner token), two registered
learners enter with member tokens for this room only, a learner of the run without a
registration waits in the lobby until the trainer admits her, and someone outside the run gets
no way in. The join pages pass axe and fit a 375 px screen."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.live import services as live
from courses.models import CourseCataloguePage, CoursePage, CourseRun, Enrolment, LiveSession
from tests.courses.conftest import publish
from tests.factories import PASSWORD, UserFactory
from tests.support.jitsi_standin import JitsiStandIn
from tests.support.prosody import prosody_verify
from video.jitsi import new_room_name

from .conftest import screenshot_on_failure
from .test_sessions_journey import check_page, de

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_ID, APP_SECRET = "tandem", "s" * 40
TIMEOUT_MS = 30_000


def _live_session(home_page):
    trainer = UserFactory(first_name="Tanja", last_name="Trainerin")
    catalogue = publish(home_page, CourseCataloguePage(title="Kurse", slug="kurse"))
    course = publish(
        catalogue,
        CoursePage(
            title="Digitale Beratung",
            slug="digitale-beratung",
            summary="Beratung per Video.",
            duration_hours=Decimal("6.0"),
        ),
    )
    course.trainers.set([trainer])
    course.save_revision().publish()
    course = CoursePage.objects.get(pk=course.pk)
    today = timezone.localdate()
    run = CourseRun.objects.create(
        course=course,
        title="Frühjahr",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=60),
    )
    session = LiveSession.objects.create(
        run=run,
        title="Fallbesprechung",
        start=timezone.now() - timedelta(minutes=5),
        duration_minutes=60,
        seats=2,
    )
    learners = [
        UserFactory(first_name=first, last_name="Lernend") for first in ("Lea", "Ben", "Cem")
    ]
    for learner in learners:
        Enrolment.objects.create(
            user=learner, course=course, run=run, status=Enrolment.Status.ACTIVE
        )
    for learner in learners[:2]:
        live.live_registration_create(session=session, user=learner)
    return trainer, learners, session


def _claims(token: str, room: str, domain: str) -> dict:
    return prosody_verify(
        token,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        audiences={"jitsi"},
        room=room,
        domain=domain,
        now=int(time.time()),
    )


def _enter(person, session):
    """Open the join page (checked), click "Enter room"; returns the room frame's status."""
    page = person.page
    person.visit(f"/courses/live/{session.uuid}/join/")
    expect(page.locator("h1")).to_have_text(session.title)
    page.get_by_role("button", name=de("Enter room"), exact=True).click()
    return page.frame_locator("#jitsi-room iframe").locator("#room-status")


def _fits_375(person, path: str) -> None:
    page = person.page
    page.set_viewport_size({"width": 375, "height": 800})
    person.visit(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} scrolls sideways at 375 px ({width} px wide)"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_trainer_hosts_registered_learners_enter_and_the_unregistered_wait_in_the_lobby(
    browser_session, new_session, site_settings, home_page, settings
):
    trainer, (lea, ben, cem), session = _live_session(home_page)
    outsider = UserFactory(first_name="Olaf", last_name="Außen")
    room = session.room_name
    with JitsiStandIn(app_id=APP_ID, app_secret=APP_SECRET, lobby=True) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        host = browser_session
        with screenshot_on_failure(host.page, "live-host"):
            host.login(trainer.email, PASSWORD)
            status = _enter(host, session)
            expect(
                host.page.get_by_text(
                    de(
                        "You host this live session: you moderate the room and admit people waiting in the lobby."
                    )
                )
            ).to_be_visible()
            expect(status).to_have_text(
                f"Raum {room} betreten als Tanja Trainerin (Moderator: ja)", timeout=TIMEOUT_MS
            )
            check_page(host, also_allowed=(server.base_url,), wait_for_idle=False)
            claims = _claims(
                host.page.locator("#jitsi-room").get_attribute("data-jwt"), room, server.domain
            )
            assert claims["room"] == room
            assert claims["context"]["user"]["affiliation"] == "owner"
            assert claims["context"]["user"]["moderator"] is True
            assert claims["context"]["features"]["recording"] is False

        # Two registered learners: member tokens for this room only, straight in.
        for learner in (lea, ben):
            person = new_session()
            with screenshot_on_failure(person.page, f"live-{learner.first_name}"):
                person.login(learner.email, PASSWORD)
                name = learner.get_full_name()
                status = _enter(person, session)
                expect(status).to_have_text(
                    f"Raum {room} betreten als {name} (Moderator: nein)", timeout=TIMEOUT_MS
                )
                check_page(person, also_allowed=(server.base_url,), wait_for_idle=False)
                token = person.page.locator("#jitsi-room").get_attribute("data-jwt")
                user = _claims(token, room, server.domain)["context"]["user"]
                assert user["affiliation"] == "member" and user["moderator"] is False
                assert user["lobby_bypass"] is True
                assert learner.email not in token
                with pytest.raises(ValueError, match="room"):
                    _claims(token, new_room_name(), server.domain)  # no other room
        assert sorted(server.occupants(room).values()) == sorted(
            ["Tanja Trainerin", lea.get_full_name(), ben.get_full_name()]
        )

        # A learner of the run without a registration knocks and waits until the host admits.
        waiting = new_session()
        with screenshot_on_failure(waiting.page, "live-lobby"):
            waiting.login(cem.email, PASSWORD)
            waiting.visit(f"/courses/live/{session.uuid}/join/")
            expect(
                waiting.page.get_by_text(
                    de(
                        "You are not registered for this live session: you wait in the lobby until a trainer admits you."
                    )
                )
            ).to_be_visible()
            waiting.page.get_by_role("button", name=de("Enter room"), exact=True).click()
            status = waiting.page.frame_locator("#jitsi-room iframe").locator("#room-status")
            cem_name = cem.get_full_name()
            expect(status).to_have_text(
                f"Warteraum von Raum {room}: {cem_name} wartet auf Einlass", timeout=TIMEOUT_MS
            )
            token = waiting.page.locator("#jitsi-room").get_attribute("data-jwt")
            user = _claims(token, room, server.domain)["context"]["user"]
            assert user["affiliation"] == "member" and "lobby_bypass" not in user
            assert cem_name not in server.occupants(room).values()

            host_frame = host.page.frame_locator("#jitsi-room iframe")
            host_frame.get_by_role("button", name=f"Einlassen: {cem_name}").click()
            expect(status).to_have_text(
                f"Raum {room} betreten als {cem_name} (Moderator: nein)", timeout=TIMEOUT_MS
            )
            assert server.knocking(room) == {}
            assert cem_name in server.occupants(room).values()

        # Someone outside the run finds no way in.
        stranger = new_session()
        stranger.login(outsider.email, PASSWORD)
        stranger.visit(f"/courses/live/{session.uuid}/join/", expect_status=404)

        # The pages fit a phone.
        phone = new_session()
        phone.login(lea.email, PASSWORD)
        _fits_375(phone, f"/courses/live/{session.uuid}/")
        _fits_375(phone, f"/courses/live/{session.uuid}/join/")
        _fits_375(phone, "/me/")
