from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import services
from mentoring.models import Application, Criterion, Programme
from tests.factories import UserFactory

ORGANISATIONS = ["KV Nord", "KV Süd", "KV Ost"]


@pytest.fixture
def programme(db):
    return make_programme()


def make_programme(slug: str = "fuehrung") -> Programme:
    """Open for applications; cross-organisation matching on topics and a shared language."""
    now = timezone.now()
    programme = Programme.objects.create(
        title="Mentoring für weibliche Führungskräfte",
        slug=slug,
        applications_open=now - timedelta(days=10),
        applications_close=now + timedelta(days=10),
        matching_on=(now + timedelta(days=12)).date(),
        starts_on=(now + timedelta(days=14)).date(),
        ends_on=(now + timedelta(days=200)).date(),
        default_mentor_capacity=1,
    )
    Criterion.objects.create(
        programme=programme,
        key="organisation",
        kind="different",
        rule="must_differ",
        weight=0,
        answer_type="single",
        choices="\n".join(ORGANISATIONS),
        mentee_question="Ihr Kreisverband?",
        mentor_question="Ihr Kreisverband?",
        sort_order=1,
    )
    Criterion.objects.create(
        programme=programme,
        key="topics",
        kind="overlap",
        weight=8,
        choices="Führung\nDigitalisierung\nPersonal",
        sort_order=2,
        mentee_question="Wobei wünschen Sie Begleitung?",
        mentor_question="Wobei können Sie begleiten?",
    )
    Criterion.objects.create(
        programme=programme,
        key="languages",
        kind="overlap",
        weight=2,
        rule="must_match",
        choices="Deutsch\nEnglisch\nTürkisch",
        sort_order=3,
        mentee_question="Sprachen?",
        mentor_question="Sprachen?",
    )
    return programme


def apply(
    programme,
    role,
    organisation,
    topics,
    languages=("Deutsch",),
    *,
    accept=True,
    capacity=None,
    user=None,
):
    application = services.application_submit(
        programme=programme,
        by=user or UserFactory(),
        role=role,
        consent=True,
        capacity=capacity,
        answers={
            "organisation": organisation,
            "topics": list(topics),
            "languages": list(languages),
        },
        motivation="Ich möchte wachsen.",
    )
    if accept:
        services.application_decide(application=application, by=None, accept=True)
    return Application.objects.get(pk=application.pk)


# --- Sessions ----------------------------------------------------------------------------------

MONDAY_TO_FRIDAY_NINE_TO_FIVE = [(day, "09:00", "17:00") for day in range(5)]


def make_active_tandem(
    programme=None, *, mentor_zone="Europe/Berlin", mentee_zone="Europe/Berlin", windows=None
):
    """An active tandem whose mentor has a calendar (by default Monday–Friday 9–17 local time)."""
    from datetime import time

    from mentoring.models import Tandem
    from mentoring.sessions import services as session_services

    programme = programme or make_programme()
    mentor = apply(
        programme,
        "mentor",
        "KV Nord",
        ["Führung"],
        user=UserFactory(first_name="Maria", last_name="Mentorin", time_zone=mentor_zone),
    )
    mentee = apply(
        programme,
        "mentee",
        "KV Süd",
        ["Führung"],
        user=UserFactory(first_name="Lea", last_name="Mentee", time_zone=mentee_zone),
    )
    tandem = Tandem.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=Tandem.Status.ACTIVE,
        mentee_response="accepted",
        mentor_response="accepted",
        started_at=timezone.now(),
    )
    schedule = session_services.schedule_get_or_create(user=mentor.user)
    session_services.availability_set_weekly(
        schedule=schedule,
        windows=[
            session_services.WindowInput(day, time.fromisoformat(start), time.fromisoformat(end))
            for day, start, end in (
                windows if windows is not None else MONDAY_TO_FRIDAY_NINE_TO_FIVE
            )
        ],
    )
    return Tandem.objects.select_related("programme", "mentor__user", "mentee__user").get(
        pk=tandem.pk
    )


@pytest.fixture
def tandem(db):
    return make_active_tandem()
