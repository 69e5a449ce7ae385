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


def make_programme() -> Programme:
    """Open for applications; cross-organisation matching on topics and a shared language."""
    now = timezone.now()
    programme = Programme.objects.create(
        title="Mentoring für weibliche Führungskräfte", slug="fuehrung",
        applications_open=now - timedelta(days=10), applications_close=now + timedelta(days=10),
        matching_on=(now + timedelta(days=12)).date(), starts_on=(now + timedelta(days=14)).date(),
        ends_on=(now + timedelta(days=200)).date(), default_mentor_capacity=1,
    )
    Criterion.objects.create(programme=programme, key="organisation", kind="different", rule="must_differ",
                             weight=0, answer_type="single", choices="\n".join(ORGANISATIONS),
                             mentee_question="Ihr Kreisverband?", mentor_question="Ihr Kreisverband?",
                             sort_order=1)
    Criterion.objects.create(programme=programme, key="topics", kind="overlap", weight=8,
                             choices="Führung\nDigitalisierung\nPersonal", sort_order=2,
                             mentee_question="Wobei wünschen Sie Begleitung?",
                             mentor_question="Wobei können Sie begleiten?")
    Criterion.objects.create(programme=programme, key="languages", kind="overlap", weight=2, rule="must_match",
                             choices="Deutsch\nEnglisch\nTürkisch", sort_order=3,
                             mentee_question="Sprachen?", mentor_question="Sprachen?")
    return programme


def apply(programme, role, organisation, topics, languages=("Deutsch",), *, accept=True, capacity=None, user=None):
    application = services.application_submit(
        programme=programme, user=user or UserFactory(), role=role, consent=True, capacity=capacity,
        answers={"organisation": organisation, "topics": list(topics), "languages": list(languages)},
        motivation="Ich möchte wachsen.",
    )
    if accept:
        services.application_decide(application=application, by=None, accept=True)
    return Application.objects.get(pk=application.pk)
