"""The tandem's agreement both confirm, and goals with progress."""

import pytest
from django.urls import reverse

from mentoring import services
from mentoring.models import Agreement, Goal
from tests.factories import UserFactory

from .test_feedback import active_tandems

pytestmark = pytest.mark.django_db


def test_both_confirm_and_a_change_asks_again(programme):
    tandem = active_tandems(programme, 1)[0]
    mentee, mentor = tandem.mentee.user, tandem.mentor.user
    with pytest.raises(services.MentoringError) as error:
        services.agreement_confirm(tandem=tandem, by=mentee)
    assert error.value.code == "confidentiality_required"
    services.agreement_save(
        tandem=tandem, by=mentee, rhythm="monthly", rhythm_note="", confidentiality=True
    )
    services.agreement_confirm(tandem=tandem, by=mentee)
    assert not Agreement.objects.get().confirmed
    services.agreement_confirm(tandem=tandem, by=mentor)
    assert Agreement.objects.get().confirmed
    services.agreement_save(
        tandem=tandem, by=mentor, rhythm="weekly", rhythm_note="dienstags", confidentiality=True
    )
    assert not Agreement.objects.get().confirmed  # changed: both confirm again


def test_goals_and_progress_through_the_page(client, programme):
    tandem = active_tandems(programme, 1)[0]
    url = reverse("mentoring:tandem", kwargs={"tandem_id": tandem.pk})
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(tandem.mentee.user)
    client.post(url, {"form": "goal", "title": "Erste Teamsitzung leiten"})
    goal = Goal.objects.get()
    client.force_login(tandem.mentor.user)
    client.post(url, {"form": "progress", "goal": goal.pk, "progress": "40"})
    goal.refresh_from_db()
    assert goal.progress == 40
    response = client.post(url, {"form": "progress", "goal": goal.pk, "progress": "viel"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte geben Sie eine Zahl zwischen 0 und 100 ein." in html  # next to the goal's field
    assert 'value="viel"' in html  # what was typed stays
    client.post(
        url,
        {"form": "agreement", "rhythm": "fortnightly", "rhythm_note": "", "confidentiality": "on"},
    )
    client.post(url, {"form": "confirm"})
    html = client.get(url).content.decode()
    assert "Erste Teamsitzung leiten" in html and 'value="40"' in html
    assert Agreement.objects.get().mentor_confirmed_at is not None


def test_ending_early_needs_a_reason_and_completion_at_the_end(client, programme):
    first, second = active_tandems(programme, 2)
    with pytest.raises(services.MentoringError) as error:
        services.tandem_end_early(tandem=first, by=first.mentor.user, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(services.MentoringError):
        services.tandem_end_early(tandem=first, by=UserFactory(), reason="Neugier")
    client.force_login(first.mentee.user)
    client.post(
        reverse("mentoring:tandem", kwargs={"tandem_id": first.pk}),
        {"form": "end", "reason": "Jobwechsel"},
    )
    first.refresh_from_db()
    assert (first.status, first.end_reason) == ("ended_early", "Jobwechsel") and first.ended_at
    services.programme_end(programme=programme, by=None, early_reason="Test")
    second.refresh_from_db()
    assert second.status == "completed"


def test_progress_for_a_goal_that_is_no_number_is_explained_not_a_500(client, programme):
    """Issue 13: ``goal=abc`` in the goals form answered 500."""
    tandem = active_tandems(programme, 1)[0]
    goal = services.goal_add(tandem=tandem, by=tandem.mentee.user, title="Präsentieren")
    url = reverse("mentoring:tandem", kwargs={"tandem_id": tandem.pk})
    client.force_login(tandem.mentee.user)
    response = client.post(url, {"form": "progress", "goal": "abc", "progress": "40"})
    assert response.status_code == 400
    assert "Bitte wählen Sie eines Ihrer Ziele." in response.content.decode()
    goal.refresh_from_db()
    assert goal.progress == 0
