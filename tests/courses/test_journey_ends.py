"""Issue 14, courses: every step of the learner's path ends in a clear moment, nothing is a cliff.
Finishing leads to a course-complete page and e-mail with the certificate; codes are typed as
people type them; leaving asks first; search, downloads and the catalogue tell the truth."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from courses import services
from courses.models import CoursePage, Enrolment, LessonPage, TrainerKitItem

from .conftest import correct_answers, lessons_of, publish
from .test_learning import open_visit, report
from .test_views import complete

pytestmark = pytest.mark.django_db


def watch_and_read(user, course, video):
    """Everything but the final quiz."""
    services.enrolment_request(user=user, course=course)
    video_lesson, reading, quiz_lesson = lessons_of(course)
    report(
        user,
        video,
        open_visit(user, video, seconds_ago=300),
        [[0, 100]],
        position=100,
        lesson=video_lesson,
    )
    services.lesson_mark_done(user=user, lesson=reading)
    return quiz_lesson


def submit_quiz(client, lesson, quiz, answers):
    data = {f"q-{question_id}": options for question_id, options in answers.items()}
    return client.post(
        reverse("courses:quiz-submit", kwargs={"lesson_id": lesson.pk, "quiz_id": quiz.pk}), data
    )


@pytest.fixture
def next_course(catalogue):
    return publish(
        catalogue,
        CoursePage(
            title="Moderation online",
            slug="moderation-online",
            summary="Gruppen per Video leiten.",
            duration_hours=Decimal("3.0"),
        ),
    )


# --- The course-complete moment ------------------------------------------------------------


def test_passing_the_final_quiz_opens_the_course_complete_page(
    client, course, video, quiz, learner, next_course, site_settings
):
    quiz_lesson = watch_and_read(learner, course, video)
    client.force_login(learner)
    response = submit_quiz(client, quiz_lesson, quiz, correct_answers(quiz))
    complete_url = reverse("courses:complete", kwargs={"course_id": course.pk})
    assert response.status_code == 302 and response["Location"] == complete_url

    page = client.get(complete_url)
    html = page.content.decode()
    certificate = learner.certificates.get()
    assert page.status_code == 200
    assert "Kurs abgeschlossen" in html
    assert reverse("courses:certificate-pdf", kwargs={"code": certificate.code}) in html
    assert reverse("courses:certificate-verify", kwargs={"code": certificate.code}) in html
    assert "Moderation online" in html and next_course.url in html
    assert page["Cache-Control"] and "no-store" in page["Cache-Control"]

    # The course page keeps the moment: complete, certificate, verification.
    html = client.get(course.url).content.decode()
    assert "Kurs abgeschlossen" in html and certificate.code in html and complete_url in html


def test_the_course_complete_page_is_only_for_who_completed(client, course, learner, outsider):
    services.enrolment_request(user=learner, course=course)
    client.force_login(learner)
    response = client.get(reverse("courses:complete", kwargs={"course_id": course.pk}))
    assert response.status_code == 302 and response["Location"] == course.url


def test_completing_a_course_sends_one_email_with_the_certificate_links(
    course,
    video,
    quiz,
    learner,
    next_course,
    site_settings,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.WAGTAILADMIN_BASE_URL = "https://lernen.example.org:8811"
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(learner, course, video, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        services.course_evaluate(user=learner, course=course)  # evaluated again: no second mail
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "Kurs abgeschlossen: Digitale Beratung"
    base = "https://lernen.example.org:8811"
    assert f"{base}/courses/certificates/{certificate.code}.pdf" in message.body
    assert f"{base}/certificates/verify/{certificate.code}/" in message.body
    assert f"{base}{next_course.url}" in message.body
    assert "Guten Tag Lena Lernende" in message.body and "Testverband e. V." in message.body


def test_after_passing_the_quiz_offers_no_new_attempt_and_states_attempts(
    client, course, video, quiz, learner
):
    quiz_lesson = watch_and_read(learner, course, video)
    client.force_login(learner)
    html = client.get(quiz_lesson.url).content.decode()
    assert "0 von 3 Versuchen genutzt" in html and "Antworten absenden" in html
    wrong = {question_id: [] for question_id in correct_answers(quiz)}
    submit_quiz(client, quiz_lesson, quiz, wrong)
    html = client.get(quiz_lesson.url).content.decode()
    assert "1 von 3 Versuchen genutzt" in html and "Erneut absenden" in html
    submit_quiz(client, quiz_lesson, quiz, correct_answers(quiz))
    html = client.get(quiz_lesson.url).content.decode()
    assert "Mit 100 % bestanden." in html and "2 von 3 Versuchen genutzt" in html
    assert "Erneut absenden" not in html and "Antworten absenden" not in html


def test_the_first_progress_report_after_a_seek_is_accepted(course, video, learner):
    """Right after a seek the player's played ranges hold the new position as an empty range
    ([30, 30] once rounded); that report used to be refused with 400."""
    services.enrolment_request(user=learner, course=course)
    visit = open_visit(learner, video, seconds_ago=60)
    api = APIClient()
    api.force_authenticate(learner)
    url = reverse("courses-api:video-progress", kwargs={"pk": video.pk})
    response = api.post(
        url,
        {"visit": str(visit), "intervals": [[0, 5.2], [30, 30]], "position": 30},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["watched_seconds"] == pytest.approx(5.2)
    # Backwards ranges stay refused (well formed, but no interval of this video: 422).
    response = api.post(
        url, {"visit": str(visit), "intervals": [[30, 20]], "position": 30}, format="json"
    )
    assert response.status_code == 422


def test_the_progress_answer_says_when_the_course_is_complete(client, course, video, quiz, learner):
    services.enrolment_request(user=learner, course=course)
    video_lesson, reading, quiz_lesson = lessons_of(course)
    services.lesson_mark_done(user=learner, lesson=reading)
    services.quiz_submit(user=learner, quiz=quiz, answers=correct_answers(quiz), lesson=quiz_lesson)
    api = APIClient()
    api.force_authenticate(learner)
    response = api.post(
        reverse("courses-api:video-progress", kwargs={"pk": video.pk}),
        {
            "visit": str(open_visit(learner, video, seconds_ago=300)),
            "intervals": [[0, 100]],
            "position": 100,
            "lesson": video_lesson.pk,
        },
        format="json",
    )
    assert response.json()["lesson_completed"] is True
    assert response.json()["course_completed"] is True


def test_the_lesson_page_carries_what_the_player_shows_without_reload(client, course, learner):
    services.enrolment_request(user=learner, course=course)
    client.force_login(learner)
    html = client.get(lessons_of(course)[0].url).content.decode()
    assert re.search(r"data-lesson-completed hidden>Sie haben diese Lektion abgeschlossen", html)
    assert "data-lesson-pending" in html and "data-course-completed" in html
    # The video has an accessible name, and its keyboard shortcuts are on the page.
    assert 'aria-label="Lernvideo: Einführung"' in html
    assert "Tastenkürzel" in html and "<kbd>k</kbd>" in html


# --- Certificates --------------------------------------------------------------------------


def test_a_code_can_be_typed_into_a_form(client, course, video, quiz, learner):
    certificate = complete(learner, course, video, quiz)
    form = client.get("/certificates/verify/")
    assert form.status_code == 200 and 'name="code"' in form.content.decode()
    verify = reverse("courses:certificate-verify", kwargs={"code": certificate.code})
    for typed in (
        certificate.code,
        certificate.code.lower(),
        certificate.code.replace("-", ""),
        " " + certificate.code.replace("-", " ").lower() + " ",
    ):
        response = client.get("/certificates/verify/", {"code": typed})
        assert response.status_code == 302 and response["Location"] == verify, typed
    lower_url = f"/certificates/verify/{certificate.code.replace('-', '').lower()}/"
    response = client.get(lower_url, follow=True)
    assert response.status_code == 200 and "Lena Lernende" in response.content.decode()

    response = client.get("/certificates/verify/", {"code": "ABC"})
    assert response.status_code == 400
    assert "16 Buchstaben und Ziffern" in response.content.decode()


def test_the_certificate_names_the_organisation_as_issuer(
    client, course, video, quiz, learner, site_settings
):
    from courses.certificates_pdf import certificate_pdf

    certificate = complete(learner, course, video, quiz)
    pdf = certificate_pdf(certificate, verify_url="https://example.org/v/")
    assert b"/Author (Testverband e. V.)" in pdf
    html = client.get(
        reverse("courses:certificate-verify", kwargs={"code": certificate.code})
    ).content.decode()
    assert "Testverband e. V." in html


def test_the_course_page_says_a_certificate_is_issued_and_when(client, course, site_settings):
    html = client.get(course.url).content.decode()
    assert "Zertifikat" in html and "sobald Sie alle Lektionen abgeschlossen haben" in html
    assert "mindestens 90 %" in html and "Testverband e. V." in html
    course.certificate_enabled = False
    course.save_revision().publish()
    html = client.get(course.url).content.decode()
    assert "Dieser Kurs stellt kein Zertifikat aus." in html


# --- Leaving, the trainer's list, the words -------------------------------------------------


def test_leaving_asks_first_and_works_without_javascript(client, course, learner):
    services.enrolment_request(user=learner, course=course)
    client.force_login(learner)
    html = client.get(course.url).content.decode()
    leave = reverse("courses:leave", kwargs={"course_id": course.pk})
    assert f'href="{leave}"' in html  # a link to the question, not a one-click form
    page = client.get(leave)
    assert page.status_code == 200 and "Ja, Kurs verlassen" in page.content.decode()
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.ACTIVE
    response = client.post(leave)
    assert response.status_code == 302
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.LEFT


def test_the_trainers_list_shows_a_learner_who_left_and_came_back_once(
    client, course, learner, trainer
):
    first = services.enrolment_request(user=learner, course=course)
    services.enrolment_leave(enrolment=first)
    services.enrolment_request(user=learner, course=course)
    client.force_login(trainer)
    html = client.get(reverse("courses:manage", kwargs={"course_id": course.pk})).content.decode()
    assert html.count("Lena Lernende") == 1


def test_enrolling_is_not_called_logging_in(client, course, learner):
    html = client.get(course.url).content.decode()
    assert "Anmelden, um sich einzuschreiben" in html
    client.force_login(learner)
    html = client.get(course.url).content.decode()
    assert ">In den Kurs einschreiben</button>" in html
    response = client.post(reverse("courses:enrol", kwargs={"course_id": course.pk}), follow=True)
    assert "Sie sind eingeschrieben. Viel Freude beim Lernen!" in response.content.decode()


# --- Search, downloads, catalogue ----------------------------------------------------------


def test_site_search_finds_lessons_as_the_course_allows(client, course, learner, outsider):
    reading = LessonPage.objects.get(slug="lesen")
    assert reading.url not in client.get("/search/", {"q": "Lesen"}).content.decode()
    client.force_login(outsider)
    assert reading.url not in client.get("/search/", {"q": "Lesen"}).content.decode()
    services.enrolment_request(user=learner, course=course)
    client.force_login(learner)
    assert reading.url in client.get("/search/", {"q": "Lesen"}).content.decode()
    course.lessons_public = True
    course.save_revision().publish()
    client.logout()
    assert reading.url in client.get("/search/", {"q": "Lesen"}).content.decode()


def test_trainer_kit_downloads_under_a_clean_name(client, course, trainer, private_media):
    TrainerKitItem.objects.create(
        course=course, title="Leitfaden", file=ContentFile(b"%PDF-1.4 a", name="leitfaden.pdf")
    )
    item = TrainerKitItem.objects.create(
        course=course,
        title="Leitfaden für Moderation",
        file=ContentFile(b"%PDF-1.4 b", name="leitfaden.pdf"),
    )
    assert item.file.name != "trainer-kit/leitfaden.pdf"  # the storage added a random suffix
    client.force_login(trainer)
    response = client.get(reverse("courses:kit-file", kwargs={"item_id": item.pk}))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "Leitfaden%20f%C3%BCr%20Moderation.pdf" in disposition


def test_catalogue_cards_show_enrolment_and_progress_in_fixed_queries(
    client, catalogue, course, learner, next_course, django_assert_num_queries
):
    services.enrolment_request(user=learner, course=course)
    services.lesson_mark_done(user=learner, lesson=lessons_of(course)[1])
    client.force_login(learner)
    html = client.get(catalogue.url).content.decode()
    assert "Eingeschrieben · 33 % erledigt" in html
    client.get(catalogue.url)
    with django_assert_num_queries(CATALOGUE_WITH_ENROLMENTS_QUERIES):
        client.get(catalogue.url)
    for number in range(4):
        extra = publish(
            catalogue,
            CoursePage(
                title=f"Weitere {number}",
                slug=f"weitere-{number}",
                summary="x",
                duration_hours=Decimal("1.0"),
            ),
        )
        publish(extra, LessonPage(title="L", slug="l", body=[("paragraph", "<p>x</p>")]))
        services.enrolment_request(user=learner, course=extra)
    client.get(catalogue.url)  # publishing emptied the site cache: fill it again
    client.get(catalogue.url)
    with django_assert_num_queries(CATALOGUE_WITH_ENROLMENTS_QUERIES):
        client.get(catalogue.url)


# Pinned (warm site cache): the cards of an enrolled learner, whatever the number of courses and
# enrolments.
CATALOGUE_WITH_ENROLMENTS_QUERIES = 12


def test_my_courses_links_to_the_verification_form(client, course, video, quiz, learner):
    complete(learner, course, video, quiz)
    client.force_login(learner)
    html = client.get(reverse("courses:mine")).content.decode()
    assert 'class="stacked-table"' in html and 'data-label="Aktionen"' in html
    assert reverse("courses:certificate-verify-form") in html


def test_my_courses_without_a_course_points_to_the_catalogue(client, catalogue, learner):
    client.force_login(learner)
    html = client.get(reverse("courses:mine")).content.decode()
    assert "Sie sind noch in keinen Kurs eingeschrieben." in html
    assert f'href="{catalogue.url}">Einen Kurs im Katalog finden</a>' in html
