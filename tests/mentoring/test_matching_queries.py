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
