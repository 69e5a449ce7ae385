"""A World Café workshop in a live session, end to end in real browsers on the stand-in Jitsi
server: the trainer hosts table 1 and starts round 1 from the console around the video room;
the two learners are moved into their tables' breakout rooms (their tokens for the session's
room admit its breakout rooms, by prosody's rule) and see their table and the timer; round 2
rotates them to the other table; "Bring everyone back" returns everyone to the main room."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.live.workshop import services as workshop_services
from courses.models import CourseCataloguePage, CoursePage, WorkshopSeat
from tests.courses.conftest import publish
from tests.courses.live_support import enrol, make_run, make_session
from tests.factories import UserFactory
from tests.support.jitsi_standin import JitsiStandIn

from .conftest import screenshot_on_failure
from .test_sessions_journey import check_page, de

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_ID, APP_SECRET = "tandem", "w" * 40
TIMEOUT_MS = 30_000


def de_panel(msgid: str, **values) -> str:
    """A text of the workshop panel as its script shows it: the template's ``translate`` tag
    doubles the percent signs of the message id and the script fills in the values."""
    with translation.override("de"):
        text = gettext(msgid.replace("%", "%%")).replace("%%", "%")
    return text % values if values else text


def _signed_in(new_session, user):
    """A browser of its own for ``user``, signed in through Django's session cookie."""
    client = Client()
    client.force_login(user)
    session = new_session(timeout_ms=TIMEOUT_MS)
    session.page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": session.base_url,
            }
        ]
    )
    return session


def _enter(session, path):
    session.visit(path)
    session.page.get_by_role("button", name=de("Enter room"), exact=True).click()
    return session.page.frame_locator("#jitsi-room iframe").locator("#room-status")


def test_a_world_cafe_round_moves_rotates_and_brings_everyone_back(
    new_session, site_settings, home_page, settings
):
    trainer = UserFactory(first_name="Tanja", last_name="Trainerin")
    catalogue = publish(home_page, CourseCataloguePage(title="Kurse", slug="kurse"))
    course = publish(
        catalogue,
        CoursePage(
            title="Beteiligung gestalten",
            slug="beteiligung",
            summary="Workshop.",
            duration_hours=Decimal("2.0"),
        ),
    )
    course.trainers.set([trainer])
    course.save_revision().publish()
    run = make_run(CoursePage.objects.get(pk=course.pk), trainer=trainer)
    anna, ben = enrol(
        run,
        UserFactory(first_name="Anna", last_name="Arendt"),
        UserFactory(first_name="Ben", last_name="Brandt"),
    )
    session = make_session(run, start=timezone.now() - timedelta(minutes=5), minutes=90)
    from courses.live import services as live_services

    for learner in (anna, ben):
        live_services.live_registration_create(session=session, user=learner)
    workshop_services.workshop_save(
        session=session,
        by=trainer,
        rounds=2,
        round_minutes=15,
        tables=[("Ehrenamt stärken", trainer.pk), ("Digitale Teilhabe", None)],
    )
    join = f"/courses/live/{session.uuid}/join/"
    with JitsiStandIn(app_id=APP_ID, app_secret=APP_SECRET) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        host = _signed_in(new_session, trainer)
        people = {anna.pk: _signed_in(new_session, anna), ben.pk: _signed_in(new_session, ben)}
        with screenshot_on_failure(host.page, "world-cafe-host"):
            host.visit(f"/courses/live/{session.uuid}/workshop/")  # the setup page, with axe
            expect(host.page.get_by_label(de("Topic of table %(number)s", number=1))).to_have_value(
                "Ehrenamt stärken"
            )
            status = _enter(host, join)
            expect(status).to_have_text(
                f"Raum {session.room_name} betreten als Tanja Trainerin (Moderator: ja)",
                timeout=TIMEOUT_MS,
            )
            rooms = {}
            for pk, person in people.items():
                rooms[pk] = _enter(person, join)
                expect(rooms[pk]).to_contain_text("(Moderator: nein)", timeout=TIMEOUT_MS)
            console = host.page.get_by_role("group", name=de("Host console"))
            expect(console).to_be_visible()
            check_page(host, also_allowed=(server.base_url,), wait_for_idle=False)

            # Round 1: the trainer hosts table 1 and joins its breakout room; the learners are
            # spread over the tables by the rotation and see their table and the timer.
            start = host.page.get_by_role("button", name=de("Start round %(round)s", round=1))
            start.focus()
            host.page.keyboard.press("Enter")
            expect(status).to_have_text(
                "Breakout-Raum 1. Ehrenamt stärken betreten als Tanja Trainerin (Moderator: ja)",
                timeout=TIMEOUT_MS,
            )
            first = {
                seat.user_id: seat.table.topic
                for seat in WorkshopSeat.objects.filter(round=1).select_related("table")
            }
            assert set(first) == {trainer.pk, anna.pk, ben.pk}
            assert first[anna.pk] != first[ben.pk]  # two tables, one learner each besides the host
            for pk, person in people.items():
                number = 1 if first[pk] == "Ehrenamt stärken" else 2
                expect(rooms[pk]).to_have_text(
                    f"Breakout-Raum {number}. {first[pk]} betreten als "
                    f"{'Anna Arendt' if pk == anna.pk else 'Ben Brandt'} (Moderator: nein)",
                    timeout=TIMEOUT_MS,
                )
                expect(person.page.locator("#workshop-table")).to_have_text(
                    de_panel("Your table: %(topic)s", topic=first[pk]), timeout=TIMEOUT_MS
                )
                expect(person.page.locator("#workshop-status")).to_have_text(
                    de_panel("Round %(round)s of %(rounds)s is running.", round=1, rounds=2)
                )
                expect(person.page.get_by_role("timer")).to_have_text(
                    re.compile(r"^1[45]:[0-5]\d$")
                )
            check_page(people[anna.pk], also_allowed=(server.base_url,), wait_for_idle=False)

            # Round 2: the table host stays, the learners swap tables.
            host.page.get_by_role("button", name=de_panel("Start round %(round)s", round=2)).click()
            expect(
                host.page.get_by_role("button", name=de_panel("All rounds have taken place."))
            ).to_be_disabled(timeout=TIMEOUT_MS)
            for pk in people:
                other = (
                    "Digitale Teilhabe" if first[pk] == "Ehrenamt stärken" else "Ehrenamt stärken"
                )
                expect(rooms[pk]).to_contain_text(f". {other} betreten als", timeout=TIMEOUT_MS)
                expect(people[pk].page.locator("#workshop-table")).to_have_text(
                    de_panel("Your table: %(topic)s", topic=other), timeout=TIMEOUT_MS
                )
            expect(status).to_contain_text("Breakout-Raum 1. Ehrenamt stärken", timeout=TIMEOUT_MS)

            # Everyone back: all in the main room, the timer stops.
            host.page.get_by_role("button", name=de("Bring everyone back")).click()
            for person_status in [status, *rooms.values()]:
                expect(person_status).to_have_text(
                    re.compile(rf"^Raum {session.room_name} betreten als "),
                    timeout=TIMEOUT_MS,
                )
            for person in people.values():
                expect(person.page.locator("#workshop-status")).to_have_text(
                    de_panel("Everyone is back in the main room."), timeout=TIMEOUT_MS
                )
                expect(person.page.get_by_role("timer")).to_have_text("–")
            moved = {name for name, room in server.moves if room}
            assert moved == {"Tanja Trainerin", "Anna Arendt", "Ben Brandt"}
