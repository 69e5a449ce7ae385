"""Feedback: members answer once per phase; managers see only averages of three or more."""

import pytest
from django.urls import reverse
from django.utils import translation

from mentoring import selectors, services
from mentoring.models import Tandem
from tests.factories import UserFactory

from .conftest import apply

pytestmark = pytest.mark.django_db


def active_tandems(programme, count: int) -> list[Tandem]:
    organisations = ["KV Nord", "KV Süd", "KV Ost"]
    for index in range(count):
        apply(programme, "mentee", organisations[index % 3], ["Führung"])
        apply(programme, "mentor", organisations[(index + 1) % 3], ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    tandems = list(Tandem.objects.select_related("mentee__user", "mentor__user"))
    for tandem in tandems:
        services.tandem_respond(tandem=tandem, by=tandem.mentee.user, accept=True)
        services.tandem_respond(tandem=tandem, by=tandem.mentor.user, accept=True)
    return tandems


def test_aggregates_only_from_three_answers(programme):
    tandems = active_tandems(programme, 3)
    for tandem, score in zip(tandems[:2], (5, 3), strict=True):
        services.feedback_submit(
            tandem=tandem,
            by=tandem.mentee.user,
            phase="midterm",
            satisfaction=score,
            goal_progress=score,
        )
    assert selectors.feedback_aggregates(programme=programme, phase="midterm") is None
    services.feedback_submit(
        tandem=tandems[2],
        by=tandems[2].mentee.user,
        phase="midterm",
        satisfaction=4,
        goal_progress=1,
    )
    assert selectors.feedback_aggregates(programme=programme, phase="midterm") == {
        "count": 3,
        "satisfaction": 4.0,
        "goal_progress": 3.0,
    }
    assert selectors.feedback_aggregates(programme=programme, phase="final") is None


def test_only_members_once_per_phase_and_only_active_tandems(programme):
    tandem = active_tandems(programme, 1)[0]
    with pytest.raises(services.MentoringError) as error:
        services.feedback_submit(
            tandem=tandem, by=UserFactory(), phase="final", satisfaction=3, goal_progress=3
        )
    assert error.value.code == "not_a_member"
    services.feedback_submit(
        tandem=tandem, by=tandem.mentor.user, phase="final", satisfaction=3, goal_progress=3
    )
    with pytest.raises(services.MentoringError) as error:
        services.feedback_submit(
            tandem=tandem, by=tandem.mentor.user, phase="final", satisfaction=1, goal_progress=1
        )
    assert error.value.code == "duplicate"


def test_dashboard_hides_single_answers_and_comments(client, programme):
    manager = UserFactory(groups=["Programmleitung"])
    programme.managers.add(manager)
    programme.save()
    tandem = active_tandems(programme, 1)[0]
    client.force_login(tandem.mentee.user)
    url = reverse("mentoring:feedback", kwargs={"tandem_id": tandem.pk, "phase": "midterm"})
    response = client.post(
        url, {"satisfaction": "6", "goal_progress": "2", "comment": "Sehr persönlich"}
    )
    assert (
        response.status_code == 200 and "Sehr persönlich" in response.content.decode()
    )  # bad input kept
    client.post(url, {"satisfaction": "2", "goal_progress": "2", "comment": "Sehr persönlich"})
    client.force_login(manager)
    html = client.get(
        reverse("mentoring_dashboard", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert "Sehr persönlich" not in html
    with translation.override("de"):
        hidden = translation.gettext(
            "Shown from %(n)s answers on, so that nobody can be recognised."
        ) % {"n": 3}
    assert hidden in html  # the threshold is explained instead of the single answer
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
