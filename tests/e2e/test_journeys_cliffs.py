"""Issue 14 ("Journeys without dead ends"): every cliff of its "Why" section and the test that
holds it fixed. Browser tests run in the PostgreSQL CI pass (German Chromium, axe-core without
serious or critical findings on every page they visit, 375 px without sideways scrolling where
they say "phone"); the others run in both passes.

Cliff (issue 14, "Why")                                   Test that asserts it is fixed
--------------------------------------------------------  ------------------------------------------
Manager's workspace
  One click ends every active tandem: no confirmation,    mentoring/test_programme_end.py (all six:
  no date check, no undo, no notice, future sessions      refused before the end date without a
  stay "gebucht" with "Teilnehmen"                        reason; completes, cancels future sessions,
                                                          notifies, records; undo; undo period; the
                                                          page asks first and names whom; nothing to
                                                          end); e2e/test_mentoring_phone.py::
                                                          test_the_programme_management_on_a_phone
  Pending decisions at the bottom; "Konto löschen" in     mentoring/test_unmatched.py::test_pending_
  decided applicants' decision column                     decisions_come_first_and_decided_rows_...
Mentoring
  Unmatched mentee: a reason but no next step             mentoring/test_unmatched.py::test_the_
                                                          unmatched_mentee_gets_next_steps_...,
                                                          test_pairing_a_full_mentor_asks_first_...,
                                                          test_the_waiting_list_tells_the_mentee
  "Mentees pro Mentor:in" does not say each mentor's      mentoring/test_unmatched.py::test_the_
  answer wins; no place raised with her consent           programme_says_whose_places_count,
                                                          test_a_place_is_added_only_with_the_...
  Proposal shows only the partner's name; two identical   mentoring/test_proposal_profile.py::test_a_
  "Annehmen" buttons                                      mentor_with_two_proposals_decides_...,
                                                          test_the_api_gives_a_member_the_same_
                                                          profile_as_the_page (the API too);
                                                          e2e/test_mentoring_phone.py::test_the_
                                                          mentee_on_a_phone
  Join page shows a mentee the operator's instructions    mentoring/test_session_views.py (the
  (JITSI_APP_SECRET, manage.py jitsi_check)               unconfigured-server notice test: no
                                                          "JITSI"/"jitsi_check" for members, both
                                                          for staff)
  Past sessions stay "gebucht" with "Teilnehmen"          mentoring/test_session_states.py::test_a_
                                                          past_session_is_past_not_booked_...;
                                                          e2e/test_mentoring_phone.py
  Booking before the mentor set times: "look in later     mentoring/test_session_states.py::test_
  weeks"                                                  booking_before_the_mentor_set_times_...
  Booking page against Cal.com: month view with free      mentoring/test_session_views.py::test_the_
  days marked, readable German zone names, add to         booking_page_shows_a_month_...;
  calendar                                                e2e/test_sessions_journey.py (day chosen
                                                          in the month by arrow keys, named
                                                          "3. Dezember, 23 freie Zeiten");
                                                          mentoring/test_session_states.py::test_a_
                                                          booked_session_offers_its_calendar_file;
                                                          e2e/test_mentoring_phone.py (.ics download)
  One-click withdraw with no confirmation                 mentoring/test_proposal_profile.py::test_
                                                          withdrawing_an_application_asks_first_...;
                                                          test_a_mentee_withdraws_only_after_
                                                          confirming (below)
  Programme dates read as if the programme starts         mentoring/test_proposal_profile.py::test_
  before its application deadline                         programme_dates_must_follow_one_another
Courses
  After the final quiz: no course-complete moment, no     courses/test_journey_ends.py::test_passing_
  certificate link, no e-mail; "Erneut absenden"          the_final_quiz_opens_the_course_complete_
  after passing; attempts not stated                      page, test_completing_a_course_sends_one_
                                                          email_..., test_after_passing_the_quiz_
                                                          offers_no_new_attempt_and_states_attempts;
                                                          courses/test_api.py::test_after_passing_
                                                          the_api_says_so_... (the API too);
                                                          e2e/test_courses_journey_ends.py (both)
  Video completion only after a reload; first progress    courses/test_journey_ends.py::test_the_
  report after a seek gets a 400                          first_progress_report_after_a_seek_...,
                                                          test_the_progress_answer_says_when_...,
                                                          test_the_lesson_page_carries_what_the_
                                                          player_shows_without_reload
  No form for a certificate code; a code without dashes   courses/test_journey_ends.py::test_a_code_
  fails; the PDF names "Tandem" as issuer                 can_be_typed_into_a_form, test_the_
                                                          certificate_names_the_organisation_...
  One-click unenrol; the trainer's list shows the         courses/test_journey_ends.py::test_leaving_
  learner twice                                           asks_first_..., test_the_trainers_list_...
  Site search does not find lessons                       courses/test_journey_ends.py::test_site_
                                                          search_finds_lessons_...
  Trainer-kit download name carries a random suffix       courses/test_journey_ends.py::test_trainer_
                                                          kit_downloads_under_a_clean_name
  Course page does not say a certificate is issued        courses/test_journey_ends.py::test_the_
                                                          course_page_says_a_certificate_is_issued_
  Catalogue cards show no enrolment or progress           courses/test_journey_ends.py::test_
                                                          catalogue_cards_show_enrolment_and_...
  Enrolling and logging in share "Anmelden"               courses/test_journey_ends.py::test_
                                                          enrolling_is_not_called_logging_in
  Player keyboard shortcuts documented nowhere;           courses/test_journey_ends.py (shortcuts);
  <video> without an accessible name                      e2e/test_courses_journey_ends.py::test_
                                                          learner_journey_with_the_keyboard_only
E-mail
  Links to port 8000 when the site runs on another;       lms/test_site_url.py (three tests);
  "Hallo von 127.0.0.1:8811!"                             lms/test_email_kinds.py::test_every_email_
                                                          links_to_the_site_and_names_the_...
Mobile
  Meine Kurse, Meine Termine, Meine Verfügbarkeit         e2e/test_courses_journey_ends.py::test_
  scroll sideways at 375 px; catalogue filters push       learner_journey_on_a_phone (filters
  the first course 1.5 screens down                       folded), e2e/test_mentoring_phone.py
                                                          (both), e2e/test_site_journey.py::test_
                                                          account_journey_on_a_phone
Language and accessibility
  Login, sign-up, password-reset pages: empty <title>;    lms/test_site_language.py::test_account_
  login button "Anmeldung"                                pages_name_themselves_..., test_the_login_
                                                          button_is_a_verb, test_the_new_password_
                                                          page_has_a_title; e2e/test_site_journey.py
  In English, German content marked lang="en"; date       lms/test_site_language.py::test_german_
  formats mix                                             content_is_marked_german_...;
                                                          courses/test_content_language.py (course,
                                                          lesson; the language's date formats);
                                                          lms/test_site_language.py::test_privacy_
                                                          page_names_the_purpose_and_dates_...
  Privacy page shows a raw purpose key                    lms/test_site_language.py::test_privacy_
                                                          page_names_the_purpose_...
  Time zones: 600 raw English IANA names; old names       lms/test_site_language.py::test_time_zones_
  ("Europe/Kiev")                                         read_as_places_in_german, test_profile_
                                                          offers_grouped_readable_zones_...;
                                                          mentoring/test_session_views.py::test_the_
                                                          booking_page_shows_a_month_... (Kiev)
  Past sessions' table captioned "Anstehende Termine"     mentoring/test_session_states.py::test_a_
                                                          past_session_is_past_...;
                                                          e2e/test_mentoring_phone.py
  "In Moderators approval einreichen" is English          lms/test_site_language.py::test_wagtail_
                                                          workflow_buttons_are_german
  Fieldsets unstyled, no required markers                 lms/test_site_language.py::test_required_
                                                          fields_are_marked_...; mentoring/test_
                                                          session_states.py::test_forms_mark_...
"""

import pytest

from tests.factories import PASSWORD
from tests.mentoring.conftest import apply, make_programme

from .conftest import screenshot_on_failure
from .test_mentoring_phone import assert_no_sideways_scroll, phone  # noqa: F401 (fixture)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentee_withdraws_only_after_confirming(phone, site_settings, home_page):  # noqa: F811
    """On a phone and by keyboard: "Bewerbung zurückziehen" opens a page that says what follows;
    only its button withdraws, and the message says so."""
    application = apply(make_programme(), "mentee", "KV Nord", ["Führung"])
    session = phone()
    page = session.page
    session.login(application.user.email, PASSWORD)
    with screenshot_on_failure(page, "cliffs-withdraw"):
        session.visit("/mentoring/mine/")
        assert_no_sideways_scroll(session)
        page.get_by_role("link", name="Bewerbung zurückziehen", exact=True).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        session.check_page()
        assert_no_sideways_scroll(session)
        expect(page.locator("h1")).to_have_text("Bewerbung zurückziehen?")
        expect(page.locator("main")).to_contain_text("Einwilligung")
        application.refresh_from_db()
        assert application.status != "withdrawn"  # reading the page changed nothing
        page.get_by_role("button", name="Ja, Bewerbung zurückziehen", exact=True).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        session.check_page()
        expect(page.locator(".messages")).to_contain_text("zurückgezogen")
        application.refresh_from_db()
        assert application.status == "withdrawn"
