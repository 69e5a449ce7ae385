"""The manager's matching run costs the same number of queries whatever the cohort size."""

import pytest

from mentoring import services
from mentoring.models import PairRule

from .conftest import ORGANISATIONS, apply

TOPICS = ["Führung", "Digitalisierung", "Personal"]


def _cohort(programme, mentees: int, mentors: int) -> None:
    for number in range(mentors):
        apply(
            programme,
            "mentor",
            ORGANISATIONS[number % 3],
            TOPICS[: 1 + number % 3],
            capacity=1 + number % 3,
        )
    for number in range(mentees):
        apply(programme, "mentee", ORGANISATIONS[(number + 1) % 3], TOPICS[number % 3 :])


def _run_queries(programme) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run = services.matching_run(programme=programme)
    assert run.matched_count > 0
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_matching_run_queries_do_not_grow_with_the_cohort(programme, django_assert_num_queries):
    _cohort(programme, mentees=4, mentors=2)
    mentees = list(programme.applications.filter(role="mentee"))
    mentors = list(programme.applications.filter(role="mentor"))
    services.pair_forbid(programme=programme, mentee=mentees[0], mentor=mentors[0])
    small = _run_queries(programme)

    _cohort(programme, mentees=36, mentors=14)  # ten times the people, more rules
    mentees = list(programme.applications.filter(role="mentee"))
    mentors = list(programme.applications.filter(role="mentor"))
    services.pair_pin(programme=programme, mentee=mentees[5], mentor=mentors[7])
    services.pair_forbid(programme=programme, mentee=mentees[9], mentor=mentors[3])
    assert PairRule.objects.filter(programme=programme).count() == 3
    with django_assert_num_queries(small):
        run = services.matching_run(programme=programme)
    assert run.matched_count > 10


def _bulk_cohort(programme, mentees: int, mentors: int) -> None:
    """Accepted applications created in bulk (the real flow costs ~10 queries a person)."""
    from lms.models import User
    from mentoring.models import Application, ConsentRecord

    people = [("mentor", n) for n in range(mentors)] + [("mentee", n) for n in range(mentees)]
    users = User.objects.bulk_create(
        User(email=f"{programme.slug}-{role}-{n}@example.org", first_name=role, last_name="Test")
        for role, n in people
    )
    consents = ConsentRecord.objects.bulk_create(
        ConsentRecord(
            user=user,
            purpose=f"mentoring-programme:{programme.slug}",
            document_version="1",
            action=ConsentRecord.Action.GIVEN,
        )
        for user in users
    )
    Application.objects.bulk_create(
        Application(
            programme=programme,
            user=user,
            role=role,
            status=Application.Status.ACCEPTED,
            answers={
                "organisation": ORGANISATIONS[(n + (role == "mentee")) % 3],
                "topics": TOPICS[: 1 + n % 3] if role == "mentor" else TOPICS[n % 3 :],
                "languages": ["Deutsch"],
            },
            capacity=1 + n % 3 if role == "mentor" else None,
            consent=consent,
        )
        for (role, n), user, consent in zip(people, users, consents, strict=True)
    )


def _with_rules(programme) -> None:
    mentees = list(programme.applications.filter(role="mentee").order_by("pk")[:10])
    mentors = list(programme.applications.filter(role="mentor").order_by("pk")[:10])
    services.pair_pin(programme=programme, mentee=mentees[5], mentor=mentors[7])
    services.pair_forbid(programme=programme, mentee=mentees[1], mentor=mentors[3])


@pytest.mark.django_db
def test_a_twenty_times_larger_cohort_stores_every_proposal_with_the_same_queries(
    django_assert_num_queries,
):
    from .conftest import make_programme

    small_programme = make_programme("klein")
    _bulk_cohort(small_programme, mentees=30, mentors=10)
    _with_rules(small_programme)
    small = _run_queries(small_programme)

    large_programme = make_programme("gross")
    _bulk_cohort(large_programme, mentees=600, mentors=200)  # more than one INSERT batch's worth
    _with_rules(large_programme)
    with django_assert_num_queries(small):
        run = services.matching_run(programme=large_programme)

    proposals = list(run.proposals.all())
    assert run.matched_count > 300
    assert len(proposals) == run.matched_count
    assert sum(p.pinned for p in proposals) == 1
    for proposal in proposals:  # every stored proposal carries its explanation and suggestions
        assert [line["key"] for line in proposal.breakdown] == [
            "organisation",
            "topics",
            "languages",
        ]
        assert proposal.breakdown[0]["reason"] == "values_differ"
        assert all(alt["mentor"] != proposal.mentor_id for alt in proposal.alternatives)
