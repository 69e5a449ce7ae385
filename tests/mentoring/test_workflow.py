"""Applications with consent, a matching run, publishing, and the two people's answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring import selectors, services
from mentoring.models import Application, ConsentRecord, Criterion, MatchingRun, PairRule, Tandem
from tests.factories import UserFactory

from .conftest import apply

pytestmark = pytest.mark.django_db


def test_application_records_consent_with_the_notice_version(programme):
    application = apply(programme, "mentee", "KV Nord", ["Führung"], accept=False)
    consent = application.consent
    assert (consent.action, consent.document_version, consent.purpose) == (
        "given",
        "1",
        "mentoring-programme:fuehrung",
    )
    assert application.answers == {
        "organisation": "KV Nord",
        "topics": ["Führung"],
        "languages": ["Deutsch"],
    }
    assert application.status == "submitted"


def test_application_needs_consent_and_valid_answers(programme):
    user = UserFactory()
    with pytest.raises(services.MentoringError) as error:
        services.application_submit(
            programme=programme, by=user, role="mentee", answers={}, consent=False
        )
    assert error.value.code == "consent_required"
    with pytest.raises(services.MentoringError) as error:
        services.application_submit(
            programme=programme,
            by=user,
            role="mentee",
            consent=True,
            answers={"organisation": "KV Mond", "topics": ["Führung"], "languages": ["Deutsch"]},
        )
    assert (
        error.value.field == "organisation" and error.value.message == services.ANSWER_NOT_A_CHOICE
    )
    with pytest.raises(services.MentoringError) as error:
        services.application_submit(
            programme=programme,
            by=user,
            role="mentee",
            consent=True,
            answers={"organisation": "KV Nord", "languages": ["Deutsch"]},
        )
    assert error.value.field == "topics"
    assert not ConsentRecord.objects.filter(
        user=user
    ).exists()  # nothing recorded for a failed attempt


def test_applications_only_inside_the_window(programme):
    programme.applications_close = timezone.now() - timedelta(minutes=1)
    programme.applications_open = timezone.now() - timedelta(days=5)
    programme.save()
    with pytest.raises(services.MentoringError) as error:
        apply(programme, "mentee", "KV Nord", ["Führung"])
    assert error.value.code == "closed"


def test_one_application_per_role_and_withdrawal_withdraws_consent(programme):
    user = UserFactory()
    application = apply(programme, "mentee", "KV Nord", ["Führung"], user=user, accept=False)
    with pytest.raises(services.MentoringError):
        apply(programme, "mentee", "KV Süd", ["Führung"], user=user)
    services.application_withdraw(application=application)
    actions = list(ConsentRecord.objects.filter(user=user).values_list("action", flat=True))
    assert actions == ["given", "withdrawn"]  # append-only
    apply(programme, "mentee", "KV Süd", ["Führung"], user=user)  # may apply again


def test_special_categories_are_refused_as_criteria(programme):
    criterion = Criterion(
        programme=programme,
        key="religion",
        kind="equal",
        choices="a\nb",
        mentee_question="Ihre Religion?",
    )
    with pytest.raises(ValidationError):
        criterion.clean()


def test_run_respects_cross_mentoring_and_explains_each_pair(programme):
    mentees = [
        apply(programme, "mentee", "KV Nord", ["Führung", "Digitalisierung"]),
        apply(programme, "mentee", "KV Süd", ["Personal"]),
    ]
    mentors = [
        apply(programme, "mentor", "KV Nord", ["Führung", "Digitalisierung"]),
        apply(programme, "mentor", "KV Ost", ["Führung", "Digitalisierung"]),
        apply(programme, "mentor", "KV Nord", ["Personal"]),
    ]
    run = services.matching_run(programme=programme)
    pairs = {p.mentee_id: p.mentor_id for p in run.proposals.all()}
    assert pairs == {mentees[0].pk: mentors[1].pk, mentees[1].pk: mentors[2].pk}
    proposal = run.proposals.get(mentee=mentees[0])
    keys = [item["key"] for item in proposal.breakdown]
    assert keys == ["organisation", "topics", "languages"]
    assert sum(item["contribution"] for item in proposal.breakdown) == pytest.approx(
        proposal.raw_score
    )
    assert proposal.score == pytest.approx(100)


def test_unmatched_people_get_a_reason(programme):
    lonely = apply(programme, "mentee", "KV Nord", ["Führung"], languages=["Türkisch"])
    apply(programme, "mentor", "KV Süd", ["Führung"], languages=["Deutsch"])
    run = services.matching_run(programme=programme)
    assert run.matched_count == 0
    assert run.unmatched[0]["mentee"] == lonely.pk
    assert run.unmatched[0]["reason"] == "no_feasible_mentor"


def test_publish_accept_and_decline(programme):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    other_mentor = apply(programme, "mentor", "KV Ost", ["Führung"])
    run = services.matching_run(programme=programme)
    tandems = services.matching_publish(run=run)
    assert len(tandems) == 1 and tandems[0].status == "proposed"
    tandem = Tandem.objects.get()
    first_mentor = tandem.mentor
    with pytest.raises(services.MentoringError):
        services.tandem_respond(tandem=tandem, by=UserFactory(), accept=True)
    services.tandem_respond(tandem=tandem, by=mentee.user, accept=True)
    tandem = services.tandem_respond(
        tandem=tandem, by=first_mentor.user, accept=False, reason="Keine Zeit"
    )
    assert tandem.status == "declined"
    assert PairRule.objects.filter(mentee=mentee, mentor=first_mentor, kind="forbidden").exists()
    suggestions = selectors.next_best_mentors(tandem=tandem)
    remaining = ({mentor.pk, other_mentor.pk} - {first_mentor.pk}).pop()
    assert [s["mentor"] for s in suggestions] == [remaining]
    rerun = services.matching_run(programme=programme)
    assert [(p.mentee_id, p.mentor_id) for p in rerun.proposals.all()] == [(mentee.pk, remaining)]
    services.matching_publish(run=rerun)
    second = Tandem.objects.get(status="proposed")
    services.tandem_respond(tandem=second, by=mentee.user, accept=True)
    second = services.tandem_respond(tandem=second, by=second.mentor.user, accept=True)
    assert second.status == "active" and second.started_at is not None
    assert MatchingRun.objects.filter(programme=programme, status="published").count() == 1


def test_capacity_counts_open_tandems(programme):
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"], capacity=1)
    first = apply(programme, "mentee", "KV Nord", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    apply(programme, "mentee", "KV Ost", ["Führung"])
    run = services.matching_run(programme=programme)
    assert run.matched_count == 0  # the only mentor's place is taken by the open tandem
    assert Tandem.objects.filter(mentor=mentor, mentee=first).exists()


def test_pinned_pair_wins_over_the_score(programme):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    good = apply(programme, "mentor", "KV Süd", ["Führung"])
    weaker = apply(programme, "mentor", "KV Ost", ["Personal"])
    assert services.matching_run(programme=programme).proposals.get().mentor_id == good.pk
    services.pair_pin(programme=programme, mentee=mentee, mentor=weaker)
    proposal = services.matching_run(programme=programme).proposals.get()
    assert (proposal.mentor_id, proposal.pinned) == (weaker.pk, True)


def test_declined_applications_are_not_matched(programme):
    apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"], accept=False)
    services.application_decide(application=mentor, by=None, accept=False)
    assert services.matching_run(programme=programme).matched_count == 0
    assert Application.objects.get(pk=mentor.pk).status == "declined"


def test_publishing_tells_both_people_in_their_language(
    programme, django_capture_on_commit_callbacks, mailoutbox
):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    mentor.user.language = "en"
    mentor.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.matching_publish(run=services.matching_run(programme=programme))
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {mentee.user.email, mentor.user.email}
    assert "Ihr Tandem" in by_recipient[mentee.user.email].subject
    assert "Your tandem" in by_recipient[mentor.user.email].subject
    assert "/mentoring/mine/" in by_recipient[mentee.user.email].body


def test_mentee_chooses_from_explained_suggestions_and_mentor_accepts(programme):
    programme.matching_mode = "mentee_chooses"
    programme.save()
    mentee = apply(programme, "mentee", "KV Nord", ["Führung", "Digitalisierung"])
    best = apply(programme, "mentor", "KV Süd", ["Führung", "Digitalisierung"])
    second = apply(programme, "mentor", "KV Ost", ["Führung"])
    same_org = apply(programme, "mentor", "KV Nord", ["Führung", "Digitalisierung"])
    paused = apply(programme, "mentor", "KV Ost", ["Führung", "Digitalisierung"])
    services.application_set_paused(application=paused, paused=True)
    suggestions = selectors.mentee_suggestions(application=mentee)
    assert [s["mentor"] for s in suggestions] == [
        best.pk,
        second.pk,
    ]  # best first; rule-breaking and paused left out
    assert {item["key"] for item in suggestions[0]["breakdown"]} == {
        "organisation",
        "topics",
        "languages",
    }
    with pytest.raises(services.MentoringError):
        services.mentee_request(application=mentee, mentor=same_org)
    tandem = services.mentee_request(application=mentee, mentor=second)
    assert (tandem.status, tandem.mentee_response) == ("proposed", "accepted")
    assert (
        selectors.mentee_suggestions(application=mentee) == []
    )  # an open request: no more suggestions
    tandem = services.tandem_respond(tandem=tandem, by=second.user, accept=True)
    assert tandem.status == "active"


def test_no_choosing_when_the_management_matches(programme):
    mentee = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])
    assert selectors.mentee_suggestions(application=mentee) == []
    with pytest.raises(services.MentoringError) as error:
        services.mentee_request(application=mentee, mentor=mentor)
    assert error.value.code == "not_offered"


def test_pins_the_engine_cannot_keep_are_stored_and_the_earlier_pin_wins(programme):
    first_applicant = apply(programme, "mentee", "KV Nord", ["Führung"])
    second_applicant = apply(programme, "mentee", "KV Nord", ["Führung"])
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"])  # one place
    services.pair_pin(programme=programme, mentee=second_applicant, mentor=mentor)
    services.pair_pin(programme=programme, mentee=first_applicant, mentor=mentor)  # later pin

    run = services.matching_run(programme=programme)

    assert [(p.mentee_id, p.pinned) for p in run.proposals.all()] == [(second_applicant.pk, True)]
    assert run.pin_issues == [
        {
            "mentee": first_applicant.pk,
            "mentor": mentor.pk,
            "reason": "capacity_exceeded",
            "details": {"capacity": 1, "pinned_mentees": [second_applicant.pk]},
        }
    ]
    assert run.unmatched == [
        {
            "mentee": first_applicant.pk,
            "reason": "places_pinned",
            "details": {"feasible_mentors": 1, "pinned_mentors": 1},
        }
    ]


def test_stored_explanation_names_the_rule_as_the_manager_set_it(programme):
    apply(programme, "mentee", "KV Nord", ["Führung"])
    apply(programme, "mentor", "KV Süd", ["Führung"])
    run = services.matching_run(programme=programme)
    rules = {item["key"]: item["rule"] for item in run.proposals.get().breakdown}
    assert rules == {"organisation": "must_differ", "topics": None, "languages": "must_match"}
    snapshot = {c["key"]: c["rule"] for c in run.settings_snapshot["criteria"]}
    assert snapshot == rules
