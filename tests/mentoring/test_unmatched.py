"""A mentee without a mentor has next steps in the workspace: a mentor by hand (her load shown,
above her places only when confirmed), one more place for a mentor who agreed, or the waiting
list; pending decisions come first and decided rows carry no erasure link in their decision."""

import pytest
from django.core import mail
from django.urls import reverse

from cms.models import AuditEvent
from mentoring import services
from mentoring.models import Programme, Tandem
from tests.factories import UserFactory

from .conftest import apply


@pytest.fixture
def manager(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def oncommit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def full(programme):
    """One mentor with her one place taken; a second mentee the run leaves without a mentor."""
    mentor = apply(programme, "mentor", "KV Süd", ["Führung"], capacity=1)
    first = apply(programme, "mentee", "KV Nord", ["Führung"])
    services.matching_publish(run=services.matching_run(programme=programme))
    second = apply(programme, "mentee", "KV Ost", ["Führung"])
    services.matching_run(programme=programme)
    return mentor, first, second


def dashboard(client, programme) -> str:
    return client.get(reverse("mentoring_dashboard", args=[programme.pk])).content.decode()


def test_the_unmatched_mentee_gets_next_steps_with_the_mentors_load(
    client, manager, full, programme
):
    mentor, _first, second = full
    client.force_login(manager)
    html = dashboard(client, programme)
    section = html.split('id="unmatched"')[1].split('id="mentor-places"')[0]
    assert second.user.get_full_name() in section
    assert reverse("mentoring_mentee_pair", args=[programme.pk, second.pk]) in section
    assert reverse("mentoring_mentee_wait", args=[programme.pk, second.pk]) in section
    assert "1 von 1 Plätzen belegt" in section


def test_pairing_a_full_mentor_asks_first_then_proposes(client, manager, full, programme, oncommit):
    mentor, _first, second = full
    client.force_login(manager)
    url = reverse("mentoring_mentee_pair", args=[programme.pk, second.pk])
    question = client.post(url, {"mentor": mentor.pk})
    assert question.status_code == 200
    assert "begleitet bereits 1 von 1 Mentees" in question.content.decode()
    assert not Tandem.objects.filter(mentee=second).exists()
    mail.outbox.clear()
    response = oncommit(client.post, url, {"mentor": mentor.pk, "over_capacity": "1"})
    assert response.status_code == 302
    tandem = Tandem.objects.get(mentee=second)
    assert (tandem.mentor, tandem.status) == (mentor, Tandem.Status.PROPOSED)
    assert {m.to[0] for m in mail.outbox} == {second.user.email, mentor.user.email}
    assert AuditEvent.objects.get(action="tandem.paired_by_hand").details["over_capacity"]


def test_a_place_is_added_only_with_the_mentors_consent_and_she_is_told(
    client, manager, full, programme, oncommit
):
    mentor, _first, second = full
    client.force_login(manager)
    place = reverse("mentoring_mentor_place", args=[programme.pk, mentor.pk])
    client.post(place, {})
    mentor.refresh_from_db()
    assert mentor.capacity == 1
    mail.outbox.clear()
    oncommit(client.post, place, {"consented": "1"})
    mentor.refresh_from_db()
    assert mentor.capacity == 2
    assert [m.to[0] for m in mail.outbox] == [mentor.user.email]
    assert AuditEvent.objects.get(action="mentor.places_raised").details["mentor_consented"]
    # with the place free, pairing by hand needs no confirmation
    client.post(
        reverse("mentoring_mentee_pair", args=[programme.pk, second.pk]), {"mentor": mentor.pk}
    )
    assert Tandem.objects.get(mentee=second).mentor == mentor


def test_add_a_place_and_pair_in_one_step_needs_the_consent(client, manager, full, programme):
    mentor, _first, second = full
    client.force_login(manager)
    url = reverse("mentoring_mentee_pair", args=[programme.pk, second.pk])
    refused = client.post(url, {"mentor": mentor.pk, "add_place": "1"})
    assert refused.status_code == 400 and "zugestimmt" in refused.content.decode()
    client.post(url, {"mentor": mentor.pk, "add_place": "1", "consented": "1"})
    mentor.refresh_from_db()
    assert mentor.capacity == 2 and Tandem.objects.get(mentee=second).mentor == mentor


def test_the_waiting_list_tells_the_mentee(client, manager, full, programme, oncommit):
    _mentor, _first, second = full
    client.force_login(manager)
    mail.outbox.clear()
    oncommit(client.post, reverse("mentoring_mentee_wait", args=[programme.pk, second.pk]))
    second.refresh_from_db()
    assert second.waiting_since is not None
    assert [m.to[0] for m in mail.outbox] == [second.user.email]
    assert "Warteliste" in mail.outbox[0].subject
    assert "Auf der Warteliste seit" in dashboard(client, programme)


def test_pending_decisions_come_first_and_decided_rows_have_no_erasure_in_the_decision(
    client, manager, programme
):
    decided = apply(programme, "mentee", "KV Nord", ["Führung"])
    waiting = apply(programme, "mentor", "KV Süd", ["Führung"], accept=False)
    client.force_login(manager)
    html = dashboard(client, programme)
    pending = html.split('id="pending"')[1].split("<h2")[0]
    assert waiting.user.get_full_name() in pending and decided.user.get_full_name() not in pending
    assert html.index('id="pending"') < html.index("Übersicht")
    table = html.split("Als CSV exportieren")[1]
    decided_row = table.split(decided.user.get_full_name())[1].split("</tr>")[0]
    decision_cell = decided_row.split("<td>")[5]
    assert "Konto" not in decision_cell


def test_the_programme_says_whose_places_count(db):
    help_text = str(Programme._meta.get_field("default_mentor_capacity").help_text)
    assert "eigene Angabe einer Mentorin oder eines Mentors hat immer Vorrang" in help_text


def test_pairing_by_hand_records_both_mails_with_the_tandem(manager, full):
    """As when a matching run is published: the "tandem proposed" mails are in the outbox together
    with the tandem (in its transaction), so a crash after the commit cannot lose them."""
    from cms.models import OutgoingMail

    mentor, _first, second = full
    proposed = OutgoingMail.objects.filter(template="mentoring/emails/tandem_proposed")
    before = set(proposed.values_list("pk", flat=True))  # the published run's
    services.tandem_pair_by_hand(mentee=second, mentor=mentor, by=manager, over_capacity=True)
    # no on-commit callback has run: the mails were recorded in the pairing's transaction
    recorded = proposed.exclude(pk__in=before).values_list("to_address", flat=True)
    assert sorted(recorded) == sorted([second.user.email, mentor.user.email])
