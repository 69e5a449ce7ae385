"""Applicants, tandem members and programme managers through the pages they use."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from mentoring import services
from mentoring.explain import criterion_reason, pin_issue_reason, unmatched_reason
from mentoring.models import Application, Criterion, Programme, ProgrammePage, Tandem
from tests.factories import UserFactory

from .conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_page(home_page, programme):
    page = ProgrammePage(
        title="Cross-Mentoring",
        slug="cross-mentoring",
        programme=programme,
        intro="Frauen in Führung.",
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def manager(programme):
    user = UserFactory(groups=["Programmleitung"])
    programme.managers.add(user)
    programme.save()  # parental many-to-many relations are written on save
    return user


def test_programme_page_links_to_both_application_forms(client, programme_page):
    html = client.get(programme_page.url).content.decode()
    assert (
        reverse("mentoring:apply", kwargs={"page_id": programme_page.pk, "role": "mentee"}) in html
    )
    assert (
        reverse("mentoring:apply", kwargs={"page_id": programme_page.pk, "role": "mentor"}) in html
    )


def test_application_form_asks_the_programmes_questions_and_keeps_input(
    client, programme_page, user
):
    client.force_login(user)
    url = reverse("mentoring:apply", kwargs={"page_id": programme_page.pk, "role": "mentee"})
    html = client.get(url).content.decode()
    assert "Wobei wünschen Sie Begleitung?" in html and "Ihr Kreisverband?" in html
    assert 'name="capacity"' not in html  # capacity is asked of mentors only
    response = client.post(
        url,
        {
            "c_organisation": "KV Nord",
            "c_topics": ["Führung"],
            "c_languages": ["Deutsch"],
            "motivation": "Ich möchte führen lernen.",
        },
    )
    assert response.status_code == 200  # consent missing
    html = response.content.decode()
    assert "Ich möchte führen lernen." in html
    assert re.search(r'value="KV Nord"[^>]*checked', html)
    assert not Application.objects.exists()
    response = client.post(
        url,
        {
            "c_organisation": "KV Nord",
            "c_topics": ["Führung"],
            "c_languages": ["Deutsch"],
            "motivation": "Ich möchte führen lernen.",
            "consent": "on",
        },
    )
    assert response.status_code == 302 and response.url == reverse("mentoring:mine")
    application = Application.objects.get()
    assert application.answers["topics"] == ["Führung"] and application.consent.action == "given"


def test_application_form_is_closed_outside_the_window(client, programme_page, programme, user):
    programme.applications_open = timezone.now() + timedelta(days=1)
    programme.applications_close = timezone.now() + timedelta(days=3)
    programme.save()
    client.force_login(user)
    html = client.get(
        reverse("mentoring:apply", kwargs={"page_id": programme_page.pk, "role": "mentor"})
    ).content
    with translation.override("de"):
        closed = translation.gettext("Applications are not open at the moment.")
    assert closed != "Applications are not open at the moment."
    assert closed in html.decode() and "<form" not in html.decode().split("<main")[1]


def test_members_accept_their_tandem_and_outsiders_cannot(client, programme):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    tandem = Tandem.objects.get()
    url = reverse("mentoring:tandem-respond", kwargs={"tandem_id": tandem.pk})
    client.force_login(UserFactory())
    assert client.post(url, {"decision": "accept"}).status_code == 404
    for person in (mentee.user, mentor.user):
        client.force_login(person)
        client.post(url, {"decision": "accept"})
    tandem.refresh_from_db()
    assert tandem.status == "active"
    client.force_login(mentee.user)
    html = client.get(reverse("mentoring:mine")).content.decode()
    assert mentor.user.email in html  # contact details once both accepted


def test_manager_runs_reviews_and_publishes(client, programme, manager):
    apply(programme, "mentee", "KV Nord", ["Führung", "Digitalisierung"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    apply(programme, "mentee", "KV Süd", ["Personal"], languages=["Türkisch"])
    client.force_login(manager)
    assert (
        client.get(
            reverse("mentoring_dashboard", kwargs={"programme_id": programme.pk})
        ).status_code
        == 200
    )
    response = client.post(reverse("mentoring_run", kwargs={"programme_id": programme.pk}))
    review = client.get(response.url)
    html = review.content.decode()
    run = programme.runs.get()
    proposal = run.proposals.get()
    with translation.override("de"):
        why = criterion_reason(next(item for item in proposal.breakdown if item["key"] == "topics"))
        unmatched = unmatched_reason(run.unmatched[0])
    assert why in html and "Führung" in why  # the explanation of the pair
    assert unmatched in html  # and why the other mentee has no mentor
    client.post(
        reverse("mentoring_run_publish", kwargs={"programme_id": programme.pk, "run_id": run.pk})
    )
    assert Tandem.objects.filter(status="proposed").count() == 1


def test_managers_of_another_programme_see_nothing(client, programme, manager):
    other = Programme.objects.create(
        title="Anderes",
        slug="anderes",
        applications_open=programme.applications_open,
        applications_close=programme.applications_close,
        matching_on=programme.matching_on,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )
    client.force_login(manager)
    for name, kwargs in [("mentoring_dashboard", {}), ("mentoring_run", {})]:
        url = reverse(name, kwargs={"programme_id": other.pk, **kwargs})
        response = client.post(url) if name == "mentoring_run" else client.get(url)
        assert response.status_code == 404
    assert not other.runs.exists()


def test_mentor_pauses_and_is_not_proposed(client, programme):
    apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    client.force_login(mentor.user)
    client.post(reverse("mentoring:pause", kwargs={"application_id": mentor.pk}), {"paused": "1"})
    assert services.matching_run(programme=programme).matched_count == 0
    client.post(reverse("mentoring:pause", kwargs={"application_id": mentor.pk}), {"paused": "0"})
    assert services.matching_run(programme=programme).matched_count == 1
    other = UserFactory()
    client.force_login(other)
    assert (
        client.post(
            reverse("mentoring:pause", kwargs={"application_id": mentor.pk}), {"paused": "1"}
        ).status_code
        == 404
    )


def test_mentee_sees_explained_suggestions_and_sends_a_request(client, programme):
    programme.matching_mode = "mentee_chooses"
    programme.save()
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    client.force_login(mentee.user)
    html = client.get(reverse("mentoring:mine")).content.decode()
    with translation.override("de"):
        why = criterion_reason({"reason": "overlap", "params": {"shared": ["Führung"]}})
    assert mentor.user.get_full_name() in html and why in html
    client.post(
        reverse("mentoring:request", kwargs={"application_id": mentee.pk}), {"mentor": mentor.pk}
    )
    tandem = Tandem.objects.get()
    assert (tandem.mentor_id, tandem.mentee_response, tandem.mentor_response) == (
        mentor.pk,
        "accepted",
        "pending",
    )


def test_manager_exports_applications_and_tandems_as_csv(client, programme, manager):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    client.force_login(manager)
    response = client.get(reverse("mentoring_export", kwargs={"programme_id": programme.pk}))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert mentee.user.email in text and mentor.user.get_full_name() in text
    assert "Ich möchte wachsen." not in text  # motivations are not exported
    from cms import audit
    from cms.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="export.csv", actor=audit.pseudonym(manager), target=f"programme {programme.pk}"
    ).exists()
    client.force_login(UserFactory())
    assert client.get(
        reverse("mentoring_export", kwargs={"programme_id": programme.pk})
    ).status_code in (302, 404)


def test_dashboard_charts_show_matching_and_tandem_status(client, programme, manager):
    from mentoring.admin_views import bar_chart

    apply(programme, "mentee", "KV Nord", ["Führung"])
    apply(programme, "mentee", "KV Ost", ["Führung"], languages=["Türkisch"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    client.force_login(manager)
    html = client.get(
        reverse("mentoring_dashboard", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert html.count('<svg role="img"') == 3
    with translation.override("de"):
        assert (
            f"{translation.gettext('matched')}: 1; {translation.gettext('without a mentor')}: 1"
            in html
        )
    chart = bar_chart([("a", 2), ("b", 1)])
    assert [bar["height"] for bar in chart["bars"]] == [120, 60]


def test_managers_edit_only_their_own_programme_in_the_admin(client, programme, manager):
    other = Programme.objects.create(
        title="Anderes",
        slug="anderes",
        applications_open=programme.applications_open,
        applications_close=programme.applications_close,
        matching_on=programme.matching_on,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )
    client.force_login(manager)
    assert (
        client.get(
            reverse("wagtailsnippets_mentoring_programme:edit", args=[programme.pk])
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("wagtailsnippets_mentoring_programme:edit", args=[other.pk])).status_code
        == 404
    )
    listing = client.get(reverse("wagtailsnippets_mentoring_programme:list")).content.decode()
    assert programme.title in listing and "Anderes" not in listing


def test_dashboard_suggests_the_next_best_mentor_after_a_decline(client, programme, manager):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    runner_up = apply(programme, "mentor", "KV Ost", ["Personal", "Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    tandem = Tandem.objects.get()
    services.tandem_respond(
        tandem=tandem, by=tandem.mentor.user, accept=False, reason="Keine Kapazität"
    )
    client.force_login(manager)
    html = client.get(
        reverse("mentoring_dashboard", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert "Keine Kapazität" in html
    section = html.split("Keine Kapazität")[1].split("</li></ul>")[0]
    assert runner_up.user.get_full_name() in section
    assert f'name="mentee" value="{mentee.pk}"' in section


def test_programme_session_rules_are_edited_with_checkboxes_not_json(client, programme, manager):
    from mentoring.wagtail_hooks import ProgrammeViewSet

    client.force_login(manager)
    page = client.get(
        reverse("wagtailsnippets_mentoring_programme:edit", args=[programme.pk])
    ).content.decode()
    assert 'type="checkbox" name="session_lengths" value="45"' in page
    form_class = ProgrammeViewSet.edit_handler.bind_to_model(Programme).get_form_class()
    assert form_class.base_fields["session_lengths"].clean(["30", "90"]) == [30, 90]


def test_review_page_reports_pins_that_could_not_be_kept(client, programme, manager):
    first_applicant = apply(programme, "mentee", "KV Nord", ["Führung"])
    second_applicant = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    services.pair_pin(programme=programme, mentee=second_applicant, mentor=mentor)
    services.pair_pin(programme=programme, mentee=first_applicant, mentor=mentor)
    client.force_login(manager)
    response = client.post(reverse("mentoring_run", kwargs={"programme_id": programme.pk}))
    html = client.get(response.url).content.decode()
    run = programme.runs.get()
    with translation.override("de"):
        issue = pin_issue_reason(run.pin_issues[0], names={second_applicant.pk: "Zweite"})
        left_out = unmatched_reason(run.unmatched[0])
        better_pairs = unmatched_reason({"reason": "capacity_exhausted"})
    assert "Angeheftete Paare, die nicht gehalten werden konnten" in html
    assert first_applicant.user.get_full_name() in html
    assert issue.split("(")[0].strip() in html and "Plätze" in issue
    assert left_out in html and "angeheftete" in left_out
    assert better_pairs not in html


def test_review_page_explains_pairs_on_one_scale_in_german(client, programme, manager):
    apply(programme, "mentee", "KV Nord", ["Führung", "Digitalisierung", "Personal"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    client.force_login(manager)
    response = client.post(
        reverse("mentoring_run", kwargs={"programme_id": programme.pk}), follow=True
    )
    html = response.content.decode()
    proposal = programme.runs.get().proposals.get()
    assert round(proposal.score) == 47  # topics 8 × 1/3, languages 2 × 1 of 10

    assert re.search(r"Matching abgeschlossen: 1 Paar in \d+,\d\d s", html)  # German numbers
    assert re.search(r"1 Paar, durchschnittliche Passung 47 von 100, berechnet in \d+,\d\d s", html)
    assert "Passung: 47 von 100" in html
    points = re.findall(r'<td class="points">(\d+) von (\d+)</td>', html)
    assert points == [("27", "80"), ("20", "20")]  # not 2.7 and 2.0 next to a score of 47
    assert '<td class="points-total">47 von 100</td>' in html
    with translation.override("de"):
        must_match = str(Criterion.Rule.MUST_MATCH.label)
    answers_row, languages_row = re.findall(
        r"<tr><th scope=\"row\">Sprachen\?</th>(.*?)</tr>", html
    )
    assert answers_row == "<td>Deutsch</td><td>Deutsch</td>"
    assert "<td>2</td>" in languages_row and must_match in languages_row  # weight and rule
    assert ">topics<" not in html and ">organisation<" not in html  # questions, not field keys
    assert "Wobei wünschen Sie Begleitung?" in html


def test_a_request_with_a_mentor_that_is_no_number_is_explained_not_a_500(client, programme):
    """Issue 13: ``mentor=abc`` in the request form answered 500."""
    programme.matching_mode = "mentee_chooses"
    programme.save()
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    client.force_login(mentee.user)
    url = reverse("mentoring:request", kwargs={"application_id": mentee.pk})
    response = client.post(url, {"mentor": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte wählen Sie eine:n Mentor:in aus Ihren Vorschlägen." in html
    assert "Send request" not in html and "Anfrage senden" in html  # the suggestions stay
    assert not Tandem.objects.exists()


def test_a_pair_rule_with_ids_that_are_no_numbers_is_explained_not_a_500(
    client, programme, manager
):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    client.force_login(manager)
    url = reverse("mentoring_pair_rule", kwargs={"programme_id": programme.pk})
    response = client.post(url, {"mentee": mentee.pk, "mentor": "abc", "kind": "forbidden"})
    assert response.status_code == 400
    assert not programme.pair_rules.exists()
