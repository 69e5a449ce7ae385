"""Issue 14, the learner's journey without dead ends, in a German Chromium: from the catalogue to
"Kurs abgeschlossen" and a verified certificate, once with the keyboard only and once at 375 px
(no sideways scrolling). axe-core checks every page on the way (BrowserSession.check_page)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from courses.models import Certificate, CoursePage, Enrolment
from tests.courses.conftest import publish
from tests.factories import PASSWORD, UserFactory

from .conftest import BrowserSession, screenshot_on_failure
from .test_courses_journey import browser_plays_h264, build_course, private_media  # noqa: F401

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("imageio_ffmpeg")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german_session(browser, live_server, **options) -> tuple[BrowserSession, object]:
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return BrowserSession(page, live_server.url), context


def tab_to(page, locator, *, limit: int = 150) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            return
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def second_course(course):
    return publish(
        course.get_parent(),
        CoursePage(
            title="Moderation online",
            slug="moderation-online",
            summary="Gruppen per Video leiten.",
            duration_hours=Decimal("3.0"),
        ),
    )


@pytest.mark.usefixtures("private_media")
def test_learner_journey_with_the_keyboard_only(
    browser,
    live_server,
    site_settings,
    home_page,
    tmp_path,
):
    session, context = german_session(browser, live_server)
    page = session.page
    webm = not browser_plays_h264(page)
    course, video, video_lesson, quiz_lesson = build_course(home_page, tmp_path, webm=webm)
    second_course(course)
    learner = UserFactory(first_name="Lena", last_name="Lernende")
    try:
        session.visit("/accounts/login/")
        page.fill("input[name=login]", learner.email)
        page.fill("input[name=password]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

        with screenshot_on_failure(page, "keys-catalogue"):
            session.visit("/kurse/")
            tab_to(page, page.locator("main").get_by_role("link", name="Digitale Beratung"))
            page.keyboard.press("Enter")
            page.wait_for_url(session.url(course.url))
            session.check_page()
            expect(page.get_by_text("Sie erhalten ein Zertifikat (PDF)")).to_be_visible()

        with screenshot_on_failure(page, "keys-enrol"):
            tab_to(page, page.get_by_role("button", name="In den Kurs einschreiben"))
            page.keyboard.press("Enter")
            page.wait_for_load_state("networkidle")
            expect(page.get_by_text("Sie sind eingeschrieben.")).to_be_visible()
            session.check_page()
            tab_to(page, page.get_by_role("link", name="Kurs beginnen"))
            page.keyboard.press("Enter")
            page.wait_for_url(session.url(video_lesson.url))
            session.check_page()

        with screenshot_on_failure(page, "keys-video"):
            player = page.locator(f"video[data-video-id='{video.pk}']")
            expect(player).to_have_attribute("aria-label", "Lernvideo: Einführung")
            expect(page.get_by_text("Tastenkürzel")).to_be_visible()
            player.evaluate(
                "v => v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}))"
            )
            tab_to(page, player)
            page.keyboard.press("k")  # the documented shortcut: play
            player.evaluate(
                "v => v.ended || new Promise(r => v.addEventListener('ended', r, {once: true}))",
                timeout=30_000,
            )
            expect(page.locator(f"#video-{video.pk}-status")).to_have_text(
                "Angesehen", timeout=15_000
            )
            # Without a reload: the lesson says it is done, the outline ticks it.
            expect(page.get_by_text("Sie haben diese Lektion abgeschlossen.")).to_be_visible()
            expect(
                page.locator(f".lesson-outline li[data-lesson-id='{video_lesson.pk}']")
            ).to_have_class(re.compile("is-done"))
            session.check_page()
            tab_to(page, page.get_by_role("link", name="Das Quiz →"))
            page.keyboard.press("Enter")
            page.wait_for_url(session.url(quiz_lesson.url))
            session.check_page()

        with screenshot_on_failure(page, "keys-quiz"):
            expect(page.get_by_text("0 von 3 Versuchen genutzt")).to_be_visible()
            tab_to(page, page.get_by_label("Auf unserem eigenen Server"))
            page.keyboard.press("Space")
            tab_to(page, page.get_by_role("button", name="Antworten absenden"))
            page.keyboard.press("Enter")
            page.wait_for_url(session.url(f"/courses/{course.pk}/complete/"))
            session.check_page()

        with screenshot_on_failure(page, "keys-complete"):
            expect(page.get_by_role("heading", level=1)).to_have_text("Kurs abgeschlossen")
            expect(page.get_by_text("Mit 100 % bestanden.")).to_be_visible()
            expect(page.get_by_text("Unser Vorschlag: „Moderation online“.")).to_be_visible()
            certificate = Certificate.objects.get(user=learner, course=course)
            tab_to(page, page.get_by_role("link", name="Zertifikat herunterladen (PDF)"))
            with page.expect_download() as download_info:
                page.keyboard.press("Enter")
            assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
            assert download_info.value.suggested_filename == f"Zertifikat-{certificate.code}.pdf"
            tab_to(page, page.get_by_role("link", name="Zertifikat prüfen lassen"))
            page.keyboard.press("Enter")
            page.wait_for_url(session.url(f"/certificates/verify/{certificate.code}/"))
            session.check_page()
            expect(page.get_by_role("status")).to_have_text("Dieses Zertifikat ist gültig.")
            expect(page.locator("main")).to_contain_text("Testverband e. V.")

        with screenshot_on_failure(page, "keys-quiz-again"):
            session.visit(quiz_lesson.url)
            expect(page.get_by_text("1 von 3 Versuchen genutzt")).to_be_visible()
            expect(page.get_by_role("button", name="Erneut absenden")).to_have_count(0)
        session.assert_only_own_origin()
    finally:
        context.close()


@pytest.mark.usefixtures("private_media")
def test_learner_journey_on_a_phone(
    browser,
    live_server,
    site_settings,
    home_page,
    tmp_path,
):
    session, context = german_session(
        browser, live_server, viewport={"width": 375, "height": 740}, has_touch=True
    )
    page = session.page
    webm = not browser_plays_h264(page)
    course, video, video_lesson, quiz_lesson = build_course(home_page, tmp_path, webm=webm)
    other = second_course(course)
    learner = UserFactory(first_name="Lena", last_name="Lernende")
    try:
        session.login(learner.email, PASSWORD)

        with screenshot_on_failure(page, "phone-catalogue"):
            session.visit("/kurse/")
            no_sideways_scroll(page)
            first_card = page.locator("main .card").first
            box = first_card.bounding_box()
            assert box is not None and box["y"] < 740, f"first course starts at {box}"
            filters = page.get_by_text("Weitere Filter: Thema, Zielgruppe, Format, Sprache")
            filters.click()
            expect(page.get_by_label("Thema")).to_be_visible()
            page.locator("main").get_by_role("link", name="Digitale Beratung").click()
            page.wait_for_url(session.url(course.url))
            session.check_page()
            no_sideways_scroll(page)

        with screenshot_on_failure(page, "phone-learn"):
            page.get_by_role("button", name="In den Kurs einschreiben").click()
            page.wait_for_load_state("networkidle")
            session.check_page()
            page.get_by_role("link", name="Kurs beginnen").click()
            page.wait_for_url(session.url(video_lesson.url))
            session.check_page()
            no_sideways_scroll(page)
            player = page.locator(f"video[data-video-id='{video.pk}']")
            player.evaluate(
                "v => v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}))"
            )
            # A seek first (0.2 s: still more than 90 % of the clip is watched): the report right
            # after it, with the new position as an empty played range, must be accepted.
            answers = []
            page.on(
                "response",
                lambda r: answers.append(r.status) if "/progress/" in r.url else None,
            )
            player.evaluate(
                "v => { v.muted = true; v.currentTime = 0.2; v.playbackRate = 1; return v.play(); }"
            )
            player.evaluate(
                "v => v.ended || new Promise(r => v.addEventListener('ended', r, {once: true}))",
                timeout=30_000,
            )
            expect(page.get_by_text("Sie haben diese Lektion abgeschlossen.")).to_be_visible(
                timeout=15_000
            )
            assert answers and all(status == 200 for status in answers), answers
            page.get_by_role("link", name="Das Quiz →").click()
            page.wait_for_url(session.url(quiz_lesson.url))
            session.check_page()
            no_sideways_scroll(page)
            page.get_by_label("Auf unserem eigenen Server").check()
            page.get_by_role("button", name="Antworten absenden").click()
            page.wait_for_url(session.url(f"/courses/{course.pk}/complete/"))
            session.check_page()
            no_sideways_scroll(page)
            expect(page.get_by_role("heading", level=1)).to_have_text("Kurs abgeschlossen")

        certificate = Certificate.objects.get(user=learner, course=course)
        with screenshot_on_failure(page, "phone-my-courses"):
            session.visit("/courses/mine/")
            no_sideways_scroll(page)
            download = page.get_by_role("link", name=re.compile("^PDF herunterladen"))
            expect(download).to_be_in_viewport()
            box = download.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 375

        with screenshot_on_failure(page, "phone-verify"):
            session.visit("/certificates/verify/")
            no_sideways_scroll(page)
            page.get_by_label("Prüfcode").fill(certificate.code.replace("-", " ").lower())
            page.get_by_role("button", name="Zertifikat prüfen").click()
            page.wait_for_url(session.url(f"/certificates/verify/{certificate.code}/"))
            session.check_page()
            no_sideways_scroll(page)
            expect(page.get_by_role("status")).to_have_text("Dieses Zertifikat ist gültig.")

        with screenshot_on_failure(page, "phone-leave"):
            session.visit(other.url)
            page.get_by_role("button", name="In den Kurs einschreiben").click()
            page.wait_for_load_state("networkidle")
            page.get_by_role("link", name="Kurs verlassen").click()
            page.wait_for_load_state("networkidle")
            session.check_page()
            no_sideways_scroll(page)
            expect(page.get_by_role("heading", level=1)).to_have_text("Kurs verlassen?")
            assert Enrolment.objects.get(user=learner, course=other).status == "active"
            page.get_by_role("button", name="Ja, Kurs verlassen").click()
            page.wait_for_url(session.url(other.url))
            session.check_page()
            assert Enrolment.objects.get(user=learner, course=other).status == "left"
        session.assert_only_own_origin()
    finally:
        context.close()
