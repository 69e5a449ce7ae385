"""The mentoring journey end to end in a real browser: a mentee applies on the programme page,
the programme management accepts the application, runs the matching, reads why the pair fits
and publishes it, and both members accept their tandem."""

import re

import pytest
from django.utils import translation

from mentoring import services
from mentoring.models import Application, MatchingRun, Programme, ProgrammePage, Tandem
from tests.factories import PASSWORD, UserFactory
from tests.mentoring.conftest import make_programme

from .conftest import BrowserSession, screenshot_on_failure

expect = pytest.importorskip("playwright.sync_api").expect

CONSENT_MESSAGE = (
    "Bitte willigen Sie in die Verarbeitung Ihrer Daten für dieses Mentoringprogramm ein."
)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_TIMEOUT_MS = 30_000
MOTIVATION = "Ich möchte lernen, ein Team mit Zuversicht zu führen."


# --- Helpers -------------------------------------------------------------------------------


def make_programme_page(home_page, programme: Programme) -> ProgrammePage:
    page = ProgrammePage(
        title="Cross-Mentoring",
        slug="cross-mentoring",
        programme=programme,
        intro="Frauen in Führung begleiten Frauen in Führung.",
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return ProgrammePage.objects.get(pk=page.pk)


def make_manager(programme: Programme):
    manager = UserFactory(
        groups=["Programmleitung"], first_name="Paula", last_name="Programmleitung"
    )
    programme.managers.add(manager)
    programme.save()  # parental many-to-many relations are written on save
    return manager


def make_accepted_mentor(programme: Programme) -> Application:
    mentor = UserFactory(
        first_name="Marta", last_name="Mentorin", email="marta.mentorin@example.org"
    )
    application = services.application_submit(
        programme=programme,
        by=mentor,
        role="mentor",
        consent=True,
        capacity=1,
        answers={
            "organisation": "KV Süd",
            "topics": ["Führung", "Personal"],
            "languages": ["Deutsch"],
        },
        motivation="Ich begleite gern.",
    )
    return services.application_decide(application=application, by=None, accept=True)


def german(choice) -> str:
    """A choice's German label as the site shows it (the msgid "submitted" is also in the
    courses catalogue, which comes first in INSTALLED_APPS and so wins: "abgesendet")."""
    with translation.override("de"):
        return str(choice.label)


def submit(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state("networkidle")


def admin_open(session: BrowserSession, path: str) -> None:
    """Wagtail's admin is not held to the public site's axe-core promise; origins still are."""
    response = session.page.goto(session.url(path))
    assert response is not None and response.status == 200, (path, response and response.status)
    session.page.wait_for_load_state("networkidle")
    session.assert_only_own_origin()


def admin_submit(session: BrowserSession, button) -> None:
    with session.page.expect_navigation(timeout=ADMIN_TIMEOUT_MS):
        button.click()
    session.page.wait_for_load_state("networkidle")
    session.assert_only_own_origin()


def tandem_card(page, programme_title: str):
    return page.locator("main li.card").filter(
        has=page.get_by_role("heading", name=programme_title)
    )


# --- The journey ---------------------------------------------------------------------------


def test_mentee_applies_manager_matches_both_accept(
    browser_session, new_session, site_settings, home_page
):
    programme = make_programme()
    programme_page = make_programme_page(home_page, programme)
    manager = make_manager(programme)
    mentor_application = make_accepted_mentor(programme)
    mentor = mentor_application.user
    mentee = UserFactory(
        first_name="Lea", last_name="Lernwillig", email="lea.lernwillig@example.org"
    )

    # --- The mentee applies ----------------------------------------------------------------
    page = browser_session.page
    browser_session.login(mentee.email, PASSWORD)
    with screenshot_on_failure(page, "mentee-apply"):
        browser_session.visit(programme_page.url)
        assert page.locator("html").get_attribute("lang") == "de"
        expect(page.locator("h1")).to_have_text("Cross-Mentoring")
        page.get_by_role("link", name="Als Mentee bewerben", exact=True).click()
        page.wait_for_url(
            browser_session.url(f"/mentoring/programmes/{programme_page.pk}/apply/mentee/")
        )
        browser_session.check_page()
        expect(page.locator("h1")).to_have_text("Als Mentee bewerben")
        assert page.locator("input[name=capacity]").count() == 0  # asked of mentors only

        form = page.locator("main form[method=post]").filter(
            has=page.locator("textarea[name=motivation]")
        )
        organisation = form.get_by_role("group", name="Ihr Kreisverband?")
        organisation.get_by_role("radio", name="KV Nord", exact=True).check()
        topics = form.get_by_role("group", name="Wobei wünschen Sie Begleitung?")
        topics.get_by_role("checkbox", name="Führung", exact=True).check()
        topics.get_by_role("checkbox", name="Digitalisierung", exact=True).check()
        form.get_by_role("group", name="Sprachen?").get_by_role(
            "checkbox", name="Deutsch", exact=True
        ).check()
        form.get_by_label("Ihre Motivation").fill(MOTIVATION)
        consent = form.get_by_role(
            "checkbox", name=re.compile(r"^Ich willige ein, dass meine Antworten")
        )
        expect(consent).not_to_be_checked()

        # Without consent: the form comes back, explains, and keeps everything typed and ticked.
        submit(page, "Bewerbung absenden")
        assert not Application.objects.filter(user=mentee).exists()
        expect(page.locator("main [role=alert]").first).to_have_text(
            "Bitte korrigieren Sie die markierten Felder."
        )
        consent_field = page.locator("main .field").filter(has=page.locator("input[name=consent]"))
        expect(consent_field).to_have_class(re.compile(r"\bfield--error\b"))
        expect(consent_field).to_contain_text(CONSENT_MESSAGE)
        consent = page.get_by_role(
            "checkbox", name=re.compile(r"^Ich willige ein, dass meine Antworten")
        )
        expect(consent).to_have_attribute("aria-invalid", "true")
        expect(consent).to_have_accessible_description(CONSENT_MESSAGE)
        expect(consent).not_to_be_checked()
        expect(page.get_by_label("Ihre Motivation")).to_have_value(MOTIVATION)
        expect(page.get_by_role("radio", name="KV Nord", exact=True)).to_be_checked()
        expect(page.get_by_role("checkbox", name="Digitalisierung", exact=True)).to_be_checked()
        browser_session.check_page()  # the error state must be accessible, too

        consent.check()
        submit(page, "Bewerbung absenden")
        page.wait_for_url(browser_session.url("/mentoring/mine/"))
        browser_session.check_page()
        expect(page.locator("main")).to_contain_text("Vielen Dank für Ihre Bewerbung.")
        row = page.locator("main table tbody tr").filter(has_text=programme.title)
        expect(row.locator("td")).to_have_text(
            [
                programme.title,
                "Mentee",
                german(Application.Status.SUBMITTED),
                "Bewerbung zurückziehen",
            ]
        )
    application = Application.objects.get(user=mentee, programme=programme)
    assert application.role == "mentee" and application.status == Application.Status.SUBMITTED
    assert application.answers == {
        "organisation": "KV Nord",
        "topics": ["Führung", "Digitalisierung"],
        "languages": ["Deutsch"],
    }
    assert application.motivation == MOTIVATION
    assert application.consent.action == "given"
    browser_session.visit("/mentoring/mine/")
    expect(page.locator("main")).to_contain_text("Sie sind noch in keinem Tandem.")

    # --- The programme management accepts, matches and publishes ----------------------------
    management = new_session()
    admin = management.page
    admin.set_default_timeout(ADMIN_TIMEOUT_MS)
    management.login(manager.email, PASSWORD)
    with screenshot_on_failure(admin, "manager-dashboard"):
        admin_open(management, f"/admin/mentoring/{programme.pk}/")
        # Pending decisions come first, in their own table; decided ones are not in it.
        pending = admin.get_by_role("table", name="Bewerbungen, die auf Ihre Entscheidung warten")
        mentee_row = pending.locator("tbody tr").filter(has_text="Lea Lernwillig")
        expect(mentee_row).to_contain_text(MOTIVATION)
        expect(pending.locator("tbody tr").filter(has_text="Marta Mentorin")).to_have_count(0)
        admin_submit(
            management,
            mentee_row.get_by_role("button", name=re.compile(r"^Annehmen\b.*Lea Lernwillig$")),
        )
        expect(admin.get_by_text("Bewerbung angenommen.")).to_be_visible()
        application.refresh_from_db()
        assert (
            application.status == Application.Status.ACCEPTED and application.decided_by == manager
        )

        admin_submit(
            management, admin.get_by_role("button", name="Matching jetzt starten", exact=True)
        )
    run = MatchingRun.objects.get(programme=programme)
    with screenshot_on_failure(admin, "manager-review"):
        assert admin.url == management.url(f"/admin/mentoring/{programme.pk}/runs/{run.pk}/")
        expect(admin.get_by_text(re.compile(r"Matching abgeschlossen: 1 Paar in"))).to_be_visible()
        pair = admin.locator("section").filter(
            has=admin.get_by_role("heading", name=re.compile(r"^Lea Lernwillig ↔ Marta Mentorin"))
        )
        expect(pair).to_have_count(1)
        why = pair.locator("table.listing").filter(
            has=admin.get_by_role("columnheader", name="Erklärung")
        )
        expect(
            why.locator("tbody tr")
            .filter(has=admin.get_by_role("rowheader", name="Wobei wünschen Sie Begleitung?"))
            .locator("td")
            .last
        ).to_have_text("Gemeinsam: Führung")
        expect(
            why.locator("tbody tr")
            .filter(has=admin.get_by_role("rowheader", name="Sprachen?"))
            .locator("td")
            .last
        ).to_have_text("Gemeinsam: Deutsch")
        expect(
            why.locator("tbody tr")
            .filter(has=admin.get_by_role("rowheader", name="Ihr Kreisverband?"))
            .locator("td")
            .last
        ).to_have_text("Unterschiedlich: KV Nord / KV Süd")
        admin_submit(
            management,
            admin.get_by_role("button", name="Freigeben und veröffentlichen", exact=True),
        )
        assert admin.url == management.url(f"/admin/mentoring/{programme.pk}/")
        expect(
            admin.get_by_text("Veröffentlicht: 1 Tandem wurde den Beteiligten vorgeschlagen.")
        ).to_be_visible()
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.PUBLISHED
    tandem = Tandem.objects.get(programme=programme)
    assert (tandem.mentee_id, tandem.mentor_id, tandem.status) == (
        application.pk,
        mentor_application.pk,
        Tandem.Status.PROPOSED,
    )

    # --- The mentee accepts -------------------------------------------------------------------
    mentee_again = new_session()
    with screenshot_on_failure(mentee_again.page, "mentee-accepts"):
        mentee_again.login(mentee.email, PASSWORD)
        mentee_again.visit("/mentoring/mine/")
        card = tandem_card(mentee_again.page, programme.title)
        expect(card).to_contain_text("Ihr:e Mentor:in: Marta Mentorin")
        expect(card).to_contain_text("Status: vorgeschlagen")
        expect(card.get_by_role("link", name=mentor.email)).to_have_count(
            0
        )  # not before both agreed
        expect(card).to_contain_text(
            "Die Programmleitung schlägt dieses Tandem vor. Sind Sie einverstanden?"
        )
        expect(card).to_contain_text("Warum dieses Paar vorgeschlagen wurde")
        submit(mentee_again.page, "Vorschlag mit Marta Mentorin annehmen")
        mentee_again.page.wait_for_url(mentee_again.url("/mentoring/mine/"))
        mentee_again.check_page()
        expect(
            mentee_again.page.get_by_text("Vielen Dank. Ihre Antwort wurde gespeichert.")
        ).to_be_visible()
        card = tandem_card(mentee_again.page, programme.title)
        expect(card).to_contain_text(
            "Sie haben angenommen. Wir warten auf die Antwort der anderen Person."
        )
        expect(card).to_contain_text("Status: vorgeschlagen")
    tandem.refresh_from_db()
    assert (tandem.mentee_response, tandem.mentor_response) == ("accepted", "pending")

    # --- The mentor accepts -------------------------------------------------------------------
    mentor_session = new_session()
    with screenshot_on_failure(mentor_session.page, "mentor-accepts"):
        mentor_session.login(mentor.email, PASSWORD)
        mentor_session.visit("/mentoring/mine/")
        card = tandem_card(mentor_session.page, programme.title)
        expect(card).to_contain_text("Ihr:e Mentee: Lea Lernwillig")
        submit(mentor_session.page, "Vorschlag mit Lea Lernwillig annehmen")
        mentor_session.page.wait_for_url(mentor_session.url("/mentoring/mine/"))
        mentor_session.check_page()
        card = tandem_card(mentor_session.page, programme.title)
        expect(card).to_contain_text("Status: aktiv")
        expect(card.get_by_role("link", name=mentee.email)).to_have_attribute(
            "href", f"mailto:{mentee.email}"
        )
        expect(card.get_by_role("button")).to_have_count(0)
    tandem.refresh_from_db()
    assert tandem.status == Tandem.Status.ACTIVE and tandem.started_at is not None

    # --- Both see the active tandem -----------------------------------------------------------
    with screenshot_on_failure(mentee_again.page, "mentee-active"):
        mentee_again.visit("/mentoring/mine/")
        card = tandem_card(mentee_again.page, programme.title)
        expect(card).to_contain_text("Status: aktiv")
        expect(card.get_by_role("link", name=mentor.email)).to_have_attribute(
            "href", f"mailto:{mentor.email}"
        )
        row = mentee_again.page.locator("main table tbody tr").filter(has_text=programme.title)
        expect(row.locator("td").nth(2)).to_have_text(german(Application.Status.ACCEPTED))


# --- English -------------------------------------------------------------------------------


def test_mentoring_pages_are_accessible_in_english(browser_session, site_settings, home_page):
    programme = make_programme()
    programme_page = make_programme_page(home_page, programme)
    user = UserFactory()
    page = browser_session.page
    browser_session.login(user.email, PASSWORD)
    with screenshot_on_failure(page, "english"):
        browser_session.visit(programme_page.url)
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.url == browser_session.url(programme_page.url)  # back on the same page
        browser_session.check_page()
        apply_link = page.get_by_role("link", name="Apply as mentee", exact=True)
        expect(apply_link).to_be_visible()
        expect(page.get_by_role("link", name="Apply as mentor", exact=True)).to_be_visible()

        browser_session.visit(apply_link.get_attribute("href"))
        assert page.locator("html").get_attribute("lang") == "en"
        expect(page.locator("h1")).to_have_text("Apply as mentee")
        expect(page.get_by_role("button", name="Send application", exact=True)).to_be_visible()
        # The error state, in English.
        submit(page, "Send application")
        expect(page.locator("main [role=alert]").first).to_be_visible()
        browser_session.check_page()

        browser_session.visit(f"/mentoring/programmes/{programme_page.pk}/apply/mentor/")
        expect(page.locator("input[name=capacity]")).to_have_value("1")

        browser_session.visit("/mentoring/mine/")
        assert page.locator("html").get_attribute("lang") == "en"
        expect(page.locator("h1")).to_have_text("My mentoring")


# --- Declining with the keyboard -----------------------------------------------------------


def test_enter_in_the_decline_reason_does_not_accept_the_tandem(
    browser_session, site_settings, home_page
):
    programme = make_programme()
    mentor_application = make_accepted_mentor(programme)
    mentee = UserFactory(first_name="Lea", last_name="Lernwillig")
    application = services.application_decide(
        application=services.application_submit(
            programme=programme,
            by=mentee,
            role="mentee",
            consent=True,
            motivation="",
            answers={"organisation": "KV Nord", "topics": ["Führung"], "languages": ["Deutsch"]},
        ),
        by=None,
        accept=True,
    )
    services.matching_publish(run=services.matching_run(programme=programme))
    tandem = Tandem.objects.get(mentee=application, mentor=mentor_application)
    page = browser_session.page
    browser_session.login(mentee.email, PASSWORD)
    browser_session.visit("/mentoring/mine/")
    card = tandem_card(page, programme.title)
    card.get_by_text("Vorschlag mit Marta Mentorin ablehnen", exact=True).click()  # the <summary>
    reason = card.get_by_label(re.compile(r"^Grund"))
    reason.fill("Unsere Arbeitszeiten passen nicht zusammen.")
    with page.expect_navigation():
        reason.press("Enter")
    page.wait_for_load_state("networkidle")
    tandem.refresh_from_db()
    assert (tandem.mentee_response, tandem.status) == (
        Tandem.Response.DECLINED,
        Tandem.Status.DECLINED,
    ), (tandem.mentee_response, tandem.status)
