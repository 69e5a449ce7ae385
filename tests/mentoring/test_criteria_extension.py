"""Matching criteria a site can add: registered through the Wagtail hook, offered to programme
managers, used by the matching and explained in the proposals."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail import hooks

from mentoring import selectors, services
from mentoring.explain import criterion_reason
from mentoring.matching import CRITERION_KINDS
from mentoring.matching.site_kinds import HOOK_NAME, load_hooked_kinds
from mentoring.models import Application, Criterion, Programme
from mentoring.wagtail_hooks import ProgrammeViewSet
from tests.factories import UserFactory

from .conftest import make_programme

pytestmark = pytest.mark.django_db

NEIGHBOURS = {frozenset({"Mitte", "Nord"}), frozenset({"Mitte", "Süd"})}


def district_score(mentee_value, mentor_value, criterion):
    """What a site would write: 1 for the same district, 0.5 for a neighbouring one."""
    if not mentee_value or not mentor_value:
        return 0.0
    if mentee_value == mentor_value:
        return 1.0
    return 0.5 if frozenset({mentee_value, mentor_value}) in NEIGHBOURS else 0.0


def explain_district(mentee_value, mentor_value, criterion, raw):
    if raw == 1.0:
        return "same_district", {"district": mentee_value}
    if raw:
        return "neighbouring_district", {"mentee": mentee_value, "mentor": mentor_value}
    return "far_apart", {}


def district_kinds():
    return [
        {
            "name": "district",
            "score": district_score,
            "explain": explain_district,
            "label": "Bezirk (gleich oder benachbart)",
            "reasons": {
                "same_district": "Gleicher Bezirk: %(district)s",
                "neighbouring_district": "Benachbarte Bezirke: %(mentee)s / %(mentor)s",
            },
        }
    ]


@pytest.fixture
def district_hook():
    with hooks.register_temporarily(HOOK_NAME, district_kinds):
        yield
    load_hooked_kinds()  # the hook is gone, and so is its kind
    assert "district" not in CRITERION_KINDS


@pytest.fixture
def programme_with_district(db):
    programme = make_programme()
    Criterion.objects.create(
        programme=programme,
        key="district",
        kind="district",
        weight=10,
        answer_type="single",
        choices="Mitte\nNord\nSüd\nOst",
        mentee_question="Ihr Bezirk?",
        mentor_question="Ihr Bezirk?",
        sort_order=4,
    )
    return programme


@pytest.fixture
def manager(programme_with_district):
    user = UserFactory(groups=["Programmleitung"])
    programme_with_district.managers.add(user)
    programme_with_district.save()
    return user


def apply(programme, role, organisation, topics, district):
    application = services.application_submit(
        programme=programme,
        by=UserFactory(),
        role=role,
        consent=True,
        answers={
            "organisation": organisation,
            "topics": topics,
            "languages": ["Deutsch"],
            "district": district,
        },
    )
    services.application_decide(application=application, by=None, accept=True)
    return Application.objects.get(pk=application.pk)


def test_the_hooks_kind_is_offered_where_managers_choose_the_comparison(
    client, district_hook, programme_with_district, manager
):
    client.force_login(manager)
    html = client.get(
        reverse("wagtailsnippets_mentoring_programme:edit", args=[programme_with_district.pk])
    ).content.decode()
    assert '<option value="district" selected>Bezirk (gleich oder benachbart)</option>' in html
    assert '<option value="overlap">' in html  # the built-in kinds stay

    form_class = ProgrammeViewSet.edit_handler.bind_to_model(Programme).get_form_class()
    kind_field = form_class.formsets["criteria"].form.base_fields["kind"]
    assert kind_field.clean("district") == "district"
    criterion = Criterion(
        programme=programme_with_district,
        key="bezirk",
        kind="district",
        weight=3,
        choices="Mitte",
        mentee_question="Bezirk?",
    )
    criterion.full_clean()
    criterion.kind = "unknown"
    with pytest.raises(ValidationError, match="kind"):
        criterion.full_clean()


def test_matching_uses_the_sites_score_and_explains_it(
    client, district_hook, programme_with_district, manager
):
    mentee = apply(programme_with_district, "mentee", "KV Nord", ["Führung", "Personal"], "Mitte")
    # Covers both topics (8 points more than the other), but lives far away ...
    apply(programme_with_district, "mentor", "KV Süd", ["Führung", "Personal"], "Ost")
    # ... while this one covers half, in the same district (10 points): the district decides.
    neighbour = apply(programme_with_district, "mentor", "KV Ost", ["Führung"], "Mitte")

    client.force_login(manager)
    response = client.post(
        reverse("mentoring_run", kwargs={"programme_id": programme_with_district.pk})
    )
    run = programme_with_district.runs.get()
    proposal = run.proposals.get(mentee=mentee)
    assert proposal.mentor_id == neighbour.pk
    [district] = [item for item in proposal.breakdown if item["key"] == "district"]
    assert (district["kind"], district["raw"], district["contribution"]) == ("district", 1.0, 10.0)
    assert district["reason"] == "same_district"
    assert criterion_reason(district) == "Gleicher Bezirk: Mitte"

    html = client.get(response.url).content.decode()
    assert "Gleicher Bezirk: Mitte" in html


def test_suggestions_for_mentees_use_the_sites_kind_too(district_hook, programme_with_district):
    mentee = apply(programme_with_district, "mentee", "KV Nord", ["Führung"], "Nord")
    far = apply(programme_with_district, "mentor", "KV Süd", ["Führung"], "Ost")
    near = apply(programme_with_district, "mentor", "KV Ost", ["Führung"], "Mitte")
    best = selectors.best_mentors_for(programme=programme_with_district, mentee_id=mentee.pk)
    assert [entry["mentor"] for entry in best] == [near.pk, far.pk]
    [reason] = [
        criterion_reason(item) for item in best[0]["breakdown"] if item["key"] == "district"
    ]
    assert reason == "Benachbarte Bezirke: Nord / Mitte"


def test_tuples_and_replacements_are_undone_when_the_hook_goes():
    original_equal = CRITERION_KINDS["equal"]

    def site_kinds():
        return [
            ("always", lambda a, b, criterion: 1.0),
            ("equal", lambda a, b, criterion: 0.0, {"replace": True, "label": "eigener Vergleich"}),
        ]

    with hooks.register_temporarily(HOOK_NAME, site_kinds):
        load_hooked_kinds()
        assert "always" in CRITERION_KINDS and CRITERION_KINDS["equal"].label == "eigener Vergleich"
        load_hooked_kinds()  # read once: nothing changes on the next use
    load_hooked_kinds()
    assert "always" not in CRITERION_KINDS and CRITERION_KINDS["equal"] is original_equal


def test_a_malformed_hook_entry_is_a_clear_error():
    def broken():
        return ["district"]

    with hooks.register_temporarily(HOOK_NAME, broken), pytest.raises(TypeError, match=HOOK_NAME):
        load_hooked_kinds()
    load_hooked_kinds()
    assert "district" not in CRITERION_KINDS
