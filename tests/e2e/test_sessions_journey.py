"""Sessions end to end in a real browser: the mentee books a session of her tandem, both see it,
the mentor moves it with a reason, and the mentee enters the video room on the organisation's own
(stand-in) Jitsi server with a token for this one room only. The mentor's availability editor is
held to the same promises."""

import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from cms.templatetags.cms_tags import long_datetime
from mentoring.models import Session, SessionChange
from tests.factories import PASSWORD
from tests.mentoring.conftest import make_active_tandem
from tests.support.jitsi_standin import JitsiStandIn
from tests.support.prosody import prosody_verify
from video.jitsi import new_room_name

from .conftest import BrowserSession, screenshot_on_failure

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]
BERLIN = ZoneInfo("Europe/Berlin")
APP_ID, APP_SECRET = "tandem", "s" * 40
REASON = "Ich habe an dem Tag eine Vorstandssitzung."
TIMEOUT_MS = 30_000


# --- Helpers -------------------------------------------------------------------------------


def de(msgid: str, **values) -> str:
    """A UI text as the site shows it in German (from the same merged catalogue)."""
    with translation.override("de"):
        text = gettext(msgid)
    return text % values if values else text


def local(moment, weekday: str = "weekday") -> str:
    """A time as the pages print it for a person in Berlin, in German: the language's own formats
    (cms_tags.long_datetime; weekday "weekday", "short" or "plain")."""
    with translation.override("de"), timezone.override(BERLIN):
        return long_datetime(timezone.localtime(moment), weekday)


def foreign_requests(session: BrowserSession, *, also_allowed: tuple[str, ...] = ()) -> list[str]:
    allowed = {session.origin, *(urlsplit(origin)[:2] for origin in also_allowed)}
    return [
        url
        for url in session.requests
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
        and urlsplit(url)[:2] not in allowed
    ]


def check_page(
    session: BrowserSession, *, also_allowed: tuple[str, ...] = (), wait_for_idle: bool = True
) -> None:
    """``BrowserSession.check_page`` with further origins allowed (the organisation's own Jitsi
    server on the join page)."""
    if wait_for_idle:
        session.page.wait_for_load_state("networkidle")
    foreign = foreign_requests(session, also_allowed=also_allowed)
    assert not foreign, f"Requests to other origins: {foreign}"
    session.assert_accessible()


def follow(session: BrowserSession, link, path_pattern: str) -> None:
    link.click()
    session.page.wait_for_url(re.compile(path_pattern))
    session.check_page()


def submit(session: BrowserSession, button, path_pattern: str) -> None:
    button.click()
    session.page.wait_for_url(re.compile(path_pattern))
    session.check_page()


def choose_day(page, index: int) -> str:
    """Chooses the index-th day with free times in the booking page's month by keyboard, as
    on Cal.com: the chosen day is the month's one Tab stop, the arrow keys move between the
    marked days (each named "3. Dezember, 23 freie Zeiten"), Enter shows its times. Goes on to
    the next month when this one has fewer days left. Returns the day's accessible name."""
    days = page.locator("#month-grid a[data-date]")
    while days.count() <= index:
        index -= days.count()
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(re.escape(de("Next month")))).click()
    names = [days.nth(i).get_attribute("aria-label") for i in range(index + 1)]
    assert all(re.fullmatch(r"\d{1,2}\. \w+, \d+ freie Zeiten?", name) for name in names), names
    first = page.get_by_role("link", name=names[0], exact=True)
    expect(first).to_have_attribute("aria-current", "true")  # the first free day is chosen
    first.focus()
    for _ in range(index):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("link", name=names[index], exact=True)).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=names[index], exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    return names[index]


def pick_slot(page, day_index: int, slot_index: int) -> str:
    """Chooses a day in the month view, then clicks one of its times by its label (a group
    named after the day, a radio named by the time); returns the chosen value (the start in
    ISO format)."""
    choose_day(page, day_index)
    day = page.locator("main fieldset.slot-day").last
    expect(day.locator("input[name=slot]").first).to_be_attached()
    legend = day.locator("legend").inner_text().strip()
    group = page.get_by_role("group", name=legend, exact=True)
    label = group.locator("label.slot").nth(slot_index).inner_text().strip()
    radio = group.get_by_role("radio", name=label, exact=True)
    group.get_by_text(label, exact=True).click()  # the label, as a person would
    expect(radio).to_be_checked()
    return radio.get_attribute("value")


def session_row(page, partner_name: str):
    upcoming = page.locator("main table").filter(
        has=page.locator("caption", has_text=de("Upcoming sessions"))
    )
    return upcoming.locator("tbody tr").filter(has_text=partner_name)


# --- The journey ---------------------------------------------------------------------------


def test_book_see_move_and_enter_a_session(
    browser_session, new_session, site_settings, home_page, settings
):
    tandem = make_active_tandem(windows=EVERY_DAY)
    mentee, mentor = tandem.mentee.user, tandem.mentor.user
    mentee_name, mentor_name = mentee.get_full_name(), mentor.get_full_name()
    browser_session.page.set_default_timeout(TIMEOUT_MS)
    page = browser_session.page
    session_path = r"/mentoring/sessions/[0-9a-f-]{36}/$"

    # --- 1. The mentee books ------------------------------------------------------------------
    browser_session.login(mentee.email, PASSWORD)
    with screenshot_on_failure(page, "mentee-books"):
        browser_session.visit("/mentoring/sessions/")
        expect(page.locator("h1")).to_have_text(de("My sessions"))
        expect(page.locator("main")).to_contain_text(de("No upcoming sessions."))
        follow(
            browser_session,
            page.get_by_role(
                "link", name=de("Book a session with %(name)s", name=mentor_name), exact=True
            ),
            rf"/mentoring/tandems/{tandem.pk}/book/$",
        )
        expect(page.get_by_label(de("Show times in this time zone"))).to_have_value("Europe/Berlin")
        chosen = pick_slot(page, 1, 2)  # tomorrow, the third time
        submit(
            browser_session,
            page.get_by_role("button", name=de("Book session"), exact=True),
            session_path,
        )
        session = Session.objects.get(tandem=tandem)
        assert page.url == browser_session.url(f"/mentoring/sessions/{session.uuid}/")
        assert session.start == datetime.fromisoformat(chosen)
        assert session.status == Session.Status.BOOKED and session.created_by == mentee
        expect(page.locator("h1")).to_have_text(de("Session with %(name)s", name=mentor_name))
        expect(page.locator("#session-status")).to_have_text(de("booked"))
        expect(page.locator("main dl.facts time")).to_have_attribute("datetime", chosen)
        expect(page.locator("main dl.facts time")).to_have_text(local(session.start))
        expect(page.locator(".messages[role=status]")).to_contain_text(
            de("The session is booked. You will both get an e-mail with a calendar entry.")
        )

        # She sees it in her list.
        browser_session.visit("/mentoring/sessions/")
        row = session_row(page, mentor_name)
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(0)).to_contain_text(local(session.start, "short"))
        expect(row.locator("td").nth(2)).to_have_text(de("booked"))

    # --- 2. The mentor sees it, too ---------------------------------------------------------
    mentor_session = new_session(timeout_ms=TIMEOUT_MS)
    mentor_page = mentor_session.page
    mentor_session.login(mentor.email, PASSWORD)
    with screenshot_on_failure(mentor_page, "mentor-sees"):
        mentor_session.visit("/mentoring/sessions/")
        row = session_row(mentor_page, mentee_name)
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(0)).to_contain_text(local(session.start, "short"))
        expect(row.locator("td").nth(2)).to_have_text(de("booked"))

    # --- 3. The mentor moves it, with a reason -------------------------------------------------
    with screenshot_on_failure(mentor_page, "mentor-moves"):
        follow(
            mentor_session,
            row.get_by_role("link", name=re.compile("^" + re.escape(de("Open")))),
            session_path,
        )
        assert mentor_page.url == mentor_session.url(f"/mentoring/sessions/{session.uuid}/")
        expect(mentor_page.locator("h1")).to_have_text(
            de("Session with %(name)s", name=mentee_name)
        )
        follow(
            mentor_session,
            mentor_page.get_by_role("link", name=de("Move to another time"), exact=True),
            rf"/mentoring/tandems/{tandem.pk}/book/\?move={session.uuid}$",
        )
        expect(mentor_page.locator("h1")).to_have_text(de("Move session"))
        old_start = session.start
        target = pick_slot(mentor_page, 3, 4)
        assert target != old_start.isoformat()
        mover = mentor_page.get_by_role("button", name=de("Move session"), exact=True)

        # Without a reason the page explains and keeps the chosen time.
        mover.click()
        mentor_page.wait_for_load_state("networkidle")
        expect(mentor_page.locator("main [role=alert]").first).to_contain_text(
            de("Please give a reason for moving the session.")
        )
        mentor_session.check_page()
        expect(mentor_page.locator(f"input[name=slot][value='{target}']")).to_be_checked()
        session.refresh_from_db()
        assert session.start == old_start and session.sequence == 0

        reason = mentor_page.get_by_role(
            "textbox", name=re.compile("^" + re.escape(de("Reason (your tandem partner sees it)")))
        )
        expect(reason).to_have_attribute("aria-invalid", "true")
        expect(reason).to_have_accessible_description(de("Please give a reason."))
        reason.press_sequentially(REASON)  # typed, key by key
        expect(reason).to_have_value(REASON)
        mover.focus()
        mentor_page.keyboard.press("Enter")  # and sent with the keyboard
        mentor_page.wait_for_url(re.compile(session_path))
        mentor_session.check_page()
        expect(mentor_page.locator(".messages[role=status]")).to_contain_text(
            de("The session has been moved. You will both get an updated calendar entry.")
        )
        session.refresh_from_db()
        assert session.start == datetime.fromisoformat(target) and session.sequence == 1
        expect(mentor_page.locator("#session-status")).to_have_text(de("booked"))
        expect(mentor_page.locator("main dl.facts time")).to_have_attribute("datetime", target)
        expect(mentor_page.locator("main dl.facts time")).to_have_text(local(session.start))
        history = mentor_page.locator("main h2", has_text=de("History")).locator(
            "xpath=following-sibling::ol[1]"
        )
        moved = history.locator("li").filter(has_text=REASON)
        expect(moved).to_have_count(1)
        expect(moved).to_contain_text(de("moved"))
        expect(moved).to_contain_text(f"({mentor_name})")
        expect(moved).to_contain_text(
            de(
                "from %(old)s to %(new)s",
                old=local(old_start, "plain"),
                new=local(session.start, "plain"),
            )
        )
    change = SessionChange.objects.get(session=session, kind=SessionChange.Kind.RESCHEDULED)
    assert (change.by, change.reason, change.previous_start) == (mentor, REASON, old_start)

    # The mentee sees the new time and why.
    with screenshot_on_failure(page, "mentee-sees-move"):
        browser_session.visit(f"/mentoring/sessions/{session.uuid}/")
        expect(page.locator("main dl.facts time")).to_have_attribute("datetime", target)
        expect(page.locator("main ol li").filter(has_text=REASON)).to_have_count(1)

    # --- 5. The mentor's availability editor ---------------------------------------------------
    with screenshot_on_failure(mentor_page, "availability"):
        mentor_session.visit("/mentoring/sessions/")
        follow(
            mentor_session,
            mentor_page.get_by_role("link", name=de("Set my availability"), exact=True),
            r"/mentoring/availability/$",
        )
        expect(mentor_page.locator("h1")).to_have_text(de("My availability"))
        expect(mentor_page.get_by_role("table")).to_have_count(1)

    # --- 4. The mentee enters the room ---------------------------------------------------------
    start = timezone.now() + timedelta(minutes=5)  # test setup: the join window opens
    Session.objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
    )
    session.refresh_from_db()
    with JitsiStandIn(app_id=APP_ID, app_secret=APP_SECRET) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        with screenshot_on_failure(page, "mentee-joins"):
            browser_session.visit(f"/mentoring/sessions/{session.uuid}/join/")
            expect(page.locator("h1")).to_have_text(
                de("Video session with %(name)s", name=mentor_name)
            )
            enter = page.get_by_role("button", name=de("Enter room"), exact=True)
            expect(enter).to_be_visible()
            # Nothing comes from the video server before she chooses to enter.
            assert server.requests == []
            assert not [url for url in browser_session.requests if url.startswith(server.base_url)]
            assert page.locator("#jitsi-room iframe").count() == 0

            enter.click()
            frame = page.frame_locator("#jitsi-room iframe")
            status = frame.locator("#room-status")
            expect(status).to_have_text(
                f"Raum {session.room_name} betreten als {mentee_name} (Moderator: nein)",
                timeout=TIMEOUT_MS,
            )
            expect(status).to_have_attribute("data-room", session.room_name)
            expect(page.locator("#jitsi-room iframe")).to_have_attribute("title", de("Video room"))
            expect(page.locator("#jitsi-error")).to_be_hidden()
            assert (
                "/external_api.js" in server.requests and f"/{session.room_name}" in server.requests
            )
            # The room has loaded (its status is shown above); waiting for "networkidle" here timed
            # out once the cross-origin room frame was in the page, so the check does not wait for it.
            check_page(browser_session, also_allowed=(server.base_url,), wait_for_idle=False)

            token = page.locator("#jitsi-room").get_attribute("data-jwt")
            now = int(time.time())
            claims = prosody_verify(
                token,
                app_id=APP_ID,
                app_secret=APP_SECRET,
                audiences={"jitsi"},
                room=session.room_name,
                domain=server.domain,
                now=now,
            )
            assert claims["context"]["user"]["moderator"] is False
            assert mentee.email not in token
            with pytest.raises(ValueError, match="room"):
                prosody_verify(
                    token,
                    app_id=APP_ID,
                    app_secret=APP_SECRET,
                    audiences={"jitsi"},
                    room=new_room_name(),
                    domain=server.domain,
                    now=now,
                )
