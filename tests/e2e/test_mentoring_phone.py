"""The mentee's and the programme management's mentoring pages on a phone (375 px wide, a German
Chromium): no page scrolls sideways, axe-core finds nothing serious, and the cliffs of issue 14
are gone: the proposal names the partner, a booked session offers its calendar file, past
sessions read as past, ending the programme asks first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import services
from mentoring.models import Session, Tandem
from mentoring.sessions import selectors as session_selectors
from mentoring.sessions import services as session_services
from tests.factories import PASSWORD, UserFactory
from tests.mentoring.conftest import apply, make_active_tandem, make_programme

from .conftest import BrowserSession, screenshot_on_failure
from .test_mentoring_journey import make_manager, make_programme_page

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 30_000


@pytest.fixture
def phone(browser, live_server):
    """People on a phone with a German browser, each in a context of their own."""
    contexts = []

    def open_phone() -> BrowserSession:
        context = browser.new_context(
            locale="de-DE", timezone_id="Europe/Berlin", viewport=PHONE, is_mobile=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return BrowserSession(page, live_server.url)

    yield open_phone
    for context in contexts:
        context.close()


def assert_no_sideways_scroll(session: BrowserSession) -> None:
    width = session.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{session.page.url} scrolls sideways: {width}"


def visit(session: BrowserSession, path: str) -> None:
    session.visit(path)  # also: only our own origin, axe-core without serious findings
    assert_no_sideways_scroll(session)


def test_the_mentee_on_a_phone(phone, site_settings, home_page):
    tandem = make_active_tandem(windows=EVERY_DAY)
    mentee, mentor = tandem.mentee.user, tandem.mentor.user
    now = timezone.now()
    first = session_selectors.tandem_slots(
        tandem=tandem, length=60, start=now, end=now + timedelta(days=14)
    ).slots[0]
    past = session_services.session_book(
        tandem=tandem, start=first.start, length=60, by=mentee
    ).session
    start = now - timedelta(days=3)
    Session.objects.filter(pk=past.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
    )
    # a second programme in which a proposal waits for her answer
    other = make_programme("zweites")
    page_of_other = make_programme_page(home_page, other)
    proposed_mentor = apply(
        other,
        "mentor",
        "KV Ost",
        ["Führung"],
        user=UserFactory(first_name="Olga", last_name="Ostwind"),
    )
    proposed_mentor.shared_profile = "Leitet seit zehn Jahren einen Kreisverband."
    proposed_mentor.save()
    services.application_submit(
        programme=other,
        by=mentee,
        role="mentee",
        consent=True,
        answers={"organisation": "KV Nord", "topics": ["Führung"], "languages": ["Deutsch"]},
    )
    services.application_decide(
        application=other.applications.get(user=mentee), by=None, accept=True
    )
    services.matching_publish(run=services.matching_run(programme=other))

    session = phone()
    page = session.page
    session.login(mentee.email, PASSWORD)
    with screenshot_on_failure(page, "phone-mentee-mine"):
        visit(session, "/mentoring/mine/")
        card = page.locator("main li.card").filter(has_text="Olga Ostwind")
        expect(card).to_contain_text("Leitet seit zehn Jahren einen Kreisverband.")
        expect(card).to_contain_text("Warum dieses Paar vorgeschlagen wurde")
        expect(
            card.get_by_role("button", name="Vorschlag mit Olga Ostwind annehmen", exact=True)
        ).to_be_visible()
    with screenshot_on_failure(page, "phone-mentee-sessions"):
        visit(session, "/mentoring/sessions/")
        past_table = page.get_by_role("table", name="Vergangene und abgesagte Termine")
        expect(past_table).to_contain_text("vergangen")
        expect(past_table).not_to_contain_text("gebucht")
        expect(past_table.get_by_role("link", name="Teilnehmen")).to_have_count(0)
    with screenshot_on_failure(page, "phone-mentee-books"):
        visit(session, f"/mentoring/tandems/{tandem.pk}/book/")
        page.locator("main fieldset.slot-day label.slot").nth(1).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Termin buchen", exact=True).click()
        session.check_page()
        assert_no_sideways_scroll(session)
        expect(page.locator("#session-status")).to_have_text("gebucht")
        calendar = page.get_by_role("link", name="In meinen Kalender eintragen (.ics-Datei)")
        expect(calendar).to_be_visible()
        with page.expect_download() as download:
            calendar.click()
        assert download.value.suggested_filename.endswith(".ics")
    with screenshot_on_failure(page, "phone-mentee-apply"):
        visit(session, f"/mentoring/programmes/{page_of_other.pk}/apply/mentor/")
        expect(page.locator("main form legend.required").first).to_be_visible()

    mentor_phone = phone()
    mentor_phone.login(mentor.email, PASSWORD)
    with screenshot_on_failure(mentor_phone.page, "phone-mentor-availability"):
        visit(mentor_phone, "/mentoring/availability/")
        visit(mentor_phone, "/mentoring/sessions/")


def test_the_programme_management_on_a_phone(phone, site_settings, home_page):
    tandem = make_active_tandem(windows=EVERY_DAY)
    programme = tandem.programme
    make_programme_page(home_page, programme)
    manager = make_manager(programme)
    apply(programme, "mentee", "KV Ost", ["Führung"])  # no mentor has a free place
    apply(programme, "mentor", "KV Ost", ["Personal"], accept=False)  # waits for a decision

    session = phone()
    page = session.page
    session.login(manager.email, PASSWORD)
    with screenshot_on_failure(page, "phone-manager-dashboard"):
        visit(session, f"/admin/mentoring/{programme.pk}/")
        headings = page.locator("main h2").all_inner_texts()
        assert headings[0] == "Wartet auf Ihre Entscheidung"
        expect(page.locator("#unmatched")).to_have_text("Mentees ohne Mentor:in")
        expect(
            page.get_by_role("button", name="Auf die Warteliste setzen", exact=False)
        ).to_have_count(1)
        with page.expect_navigation():
            page.get_by_role("link", name="Programm beenden …").click()
    with screenshot_on_failure(page, "phone-manager-end"):
        session.check_page()
        assert_no_sideways_scroll(session)
        expect(page.locator("main")).to_contain_text("1 aktives Tandem wird abgeschlossen.")
        with page.expect_navigation():
            page.get_by_role("button", name="Programm beenden und 1 Tandem abschließen").click()
        expect(page.locator("main")).to_contain_text("Bitte bestätigen Sie")
        tandem.refresh_from_db()
        assert tandem.status == Tandem.Status.ACTIVE  # nothing happened without confirmation
        page.get_by_label("Begründung für das Beenden vor dem Programmende").fill("Förderende")
        page.get_by_label("Ich habe gelesen, was geschieht").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Programm beenden und 1 Tandem abschließen").click()
        session.check_page()
        assert_no_sideways_scroll(session)
        tandem.refresh_from_db()
        assert tandem.status == Tandem.Status.COMPLETED
        with page.expect_navigation():
            page.get_by_role("button", name="Programmende rückgängig machen").click()
        tandem.refresh_from_db()
        assert tandem.status == Tandem.Status.ACTIVE
