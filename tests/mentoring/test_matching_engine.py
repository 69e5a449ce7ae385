"""The matching engine: what programme managers rely on when they accept a proposal.

Pure Python, no database: the engine works on plain dataclasses."""

import contextlib
import random
from collections import Counter
from dataclasses import dataclass, replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentoring.matching import (
    FreeMentorReason,
    MatchingConfig,
    Person,
    PinIssueReason,
    ScoringCriterion,
    UnmatchedReason,
    evaluate_pair,
    match,
    register_criterion_kind,
    score_matrix,
    solver,
    unregister_criterion_kind,
)
from tests.support.matching_cohorts import cross_mentoring_criteria, generate_cohort
from tests.support.matching_oracles import brute_force_optimum, greedy_baseline

ORGANISATIONS = ["AWO Nürnberg", "Caritas Köln", "Diakonie Hessen"]
TOPICS = ["Führung", "Digitalisierung", "Personalentwicklung", "Finanzen"]
LANGUAGES = ["de", "en", "tr"]
FORMATS = ["online", "präsenz", "hybrid"]
GENDERS = ["w", "m", "d"]


def mentee(person_id, *, waiting_since=None, paused=False, **attributes) -> Person:
    return Person(person_id, attributes, waiting_since=waiting_since, paused=paused)


def mentor(person_id, *, capacity=1, paused=False, **attributes) -> Person:
    return Person(person_id, attributes, capacity=capacity, paused=paused)


def by_mentee(result) -> dict:
    return {pair.mentee_id: pair.mentor_id for pair in result.pairs}


def is_better_or_equal(result, other) -> bool:
    """Lexicographic: more matched mentees, then a higher total score."""
    if result.matched_count != other.matched_count:
        return result.matched_count > other.matched_count
    return result.total_score >= other.total_score - 1e-9


# --- random small instances ------------------------------------------------------------------


@dataclass
class Instance:
    mentees: list[Person]
    mentors: list[Person]
    config: MatchingConfig


def attribute_sets(draw, options, min_size=0):
    return sorted(draw(st.sets(st.sampled_from(options), min_size=min_size, max_size=len(options))))


@st.composite
def criteria_sets(draw) -> list[ScoringCriterion]:
    weights = st.sampled_from([0, 1, 2.5, 5, 10])
    return [
        ScoringCriterion(
            "organisation", "equal", weight=0, rule=draw(st.sampled_from([None, "must_differ"]))
        ),
        ScoringCriterion(
            "languages",
            "overlap",
            weight=draw(weights),
            rule=draw(st.sampled_from([None, "must_match"])),
        ),
        ScoringCriterion(
            "topics",
            "overlap",
            weight=draw(weights),
            options={"measure": draw(st.sampled_from(["coverage", "jaccard"]))},
        ),
        ScoringCriterion("format", "equal", weight=draw(weights)),
        ScoringCriterion(
            "mentor_gender",
            "preference",
            weight=draw(weights),
            rule=draw(st.sampled_from([None, None, "must_match"])),
            mentee_key="preferred_mentor_gender",
            mentor_key="gender",
        ),
    ]


@st.composite
def instances(draw, max_mentees=6, max_mentors=4, with_pins=True) -> Instance:
    mentees = [
        mentee(
            f"e{number}",
            waiting_since=draw(st.none() | st.integers(0, 4)),
            paused=draw(st.integers(0, 9)) == 0,
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            languages=attribute_sets(draw, LANGUAGES),
            topics=attribute_sets(draw, TOPICS),
            format=draw(st.sampled_from(FORMATS)),
            preferred_mentor_gender=draw(st.none() | st.sampled_from(GENDERS)),
        )
        for number in range(draw(st.integers(0, max_mentees)))
    ]
    mentors = [
        mentor(
            f"o{number}",
            capacity=draw(st.integers(0, 2)),
            paused=draw(st.integers(0, 7)) == 0,
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            languages=attribute_sets(draw, LANGUAGES, 1),
            topics=attribute_sets(draw, TOPICS),
            format=draw(st.sampled_from(FORMATS)),
            gender=draw(st.sampled_from(GENDERS)),
        )
        for number in range(draw(st.integers(0, max_mentors)))
    ]
    pairs = st.tuples(
        st.sampled_from([m.id for m in mentees]), st.sampled_from([m.id for m in mentors])
    )
    forbidden = draw(st.sets(pairs, max_size=3)) if mentees and mentors else set()
    pinned = draw(st.sets(pairs, max_size=2)) if mentees and mentors and with_pins else set()
    config = MatchingConfig(
        draw(criteria_sets()),
        pinned=pinned,
        forbidden=forbidden,
        fairness=draw(st.sampled_from(["none", "lift_weakest", "waiting_longest"])),
    )
    return Instance(mentees, mentors, config)


def plain(instance: Instance) -> MatchingConfig:
    return replace(instance.config, fairness="none")


# --- property-based tests --------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(instances())
def test_capacities_rules_bans_and_pauses_always_hold(instance):
    result = match(instance.mentees, instance.mentors, instance.config)
    mentors = {m.id: m for m in instance.mentors}
    mentees = {m.id: m for m in instance.mentees}
    load = Counter(pair.mentor_id for pair in result.pairs)
    for mentor_id, taken in load.items():
        assert not mentors[mentor_id].paused
        assert taken <= mentors[mentor_id].capacity
    assert len({pair.mentee_id for pair in result.pairs}) == len(result.pairs)
    for pair in result.pairs:
        assert not mentees[pair.mentee_id].paused
        assert (pair.mentee_id, pair.mentor_id) not in instance.config.forbidden
        evaluation = evaluate_pair(
            mentees[pair.mentee_id], mentors[pair.mentor_id], instance.config
        )
        assert evaluation.passes_rules
        assert pair.raw_score == evaluation.raw_score
    accounted = [pair.mentee_id for pair in result.pairs] + [u.mentee_id for u in result.unmatched]
    assert sorted(accounted) == sorted(mentees)
    assert result.matched_count == len(result.pairs)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_unmatched_mentee_gets_a_truthful_reason(instance):
    result = match(instance.mentees, instance.mentors, instance.config)
    load = Counter(pair.mentor_id for pair in result.pairs)
    mentees = {m.id: m for m in instance.mentees}
    for unmatched in result.unmatched:
        candidates = [
            o
            for o in instance.mentors
            if evaluate_pair(mentees[unmatched.mentee_id], o, instance.config).passes_rules
            and (unmatched.mentee_id, o.id) not in instance.config.forbidden
        ]
        active = [o for o in candidates if not o.paused]
        pinned_load = Counter(pair.mentor_id for pair in result.pairs if pair.pinned)
        if unmatched.reason == UnmatchedReason.CAPACITY_EXHAUSTED:
            assert active and all(load[o.id] == o.capacity for o in active)
            assert any(load[o.id] > pinned_load[o.id] for o in active)
        elif unmatched.reason == UnmatchedReason.PLACES_PINNED:
            assert active and all(pinned_load[o.id] == o.capacity for o in active)
            assert any(o.capacity for o in active)
        elif unmatched.reason == UnmatchedReason.NO_FREE_PLACE:
            assert active and all(o.capacity == 0 for o in active)
        elif unmatched.reason == UnmatchedReason.ALL_MENTORS_PAUSED:
            assert candidates and not active
        elif unmatched.reason == UnmatchedReason.MENTEE_PAUSED:
            assert mentees[unmatched.mentee_id].paused
        else:
            assert unmatched.reason in (
                UnmatchedReason.NO_FEASIBLE_MENTOR,
                UnmatchedReason.NO_MENTORS,
            )
            assert not candidates
    proposed = by_mentee(result)
    for free in result.free_mentors:
        if free.reason != FreeMentorReason.MENTOR_PAUSED:
            assert free.free_capacity > 0
        mentor_ = next(o for o in instance.mentors if o.id == free.mentor_id)
        feasible_elsewhere = [
            e
            for e in instance.mentees
            if not e.paused
            and proposed.get(e.id) != free.mentor_id
            and (e.id, free.mentor_id) not in instance.config.forbidden
            and evaluate_pair(e, mentor_, instance.config).passes_rules
        ]
        if free.reason == FreeMentorReason.FEASIBLE_MENTEES_MATCHED_ELSEWHERE:
            assert free.details == {"feasible_mentees": len(feasible_elsewhere)}
            assert feasible_elsewhere
        elif free.reason != FreeMentorReason.MENTOR_PAUSED:
            assert not feasible_elsewhere


@settings(max_examples=150, deadline=None)
@given(instances())
def test_pinned_pairs_are_kept_or_reported_with_the_reason(instance):
    result = match(instance.mentees, instance.mentors, instance.config)
    proposed = {(pair.mentee_id, pair.mentor_id) for pair in result.pairs if pair.pinned}
    issues = {(issue.mentee_id, issue.mentor_id): issue for issue in result.pin_issues}
    assert set(instance.config.pinned) == proposed | set(issues)
    assert not proposed & set(issues)
    mentees = {m.id: m for m in instance.mentees}
    mentors = {m.id: m for m in instance.mentors}
    for (mentee_id, mentor_id), issue in issues.items():
        evaluation = evaluate_pair(mentees[mentee_id], mentors[mentor_id], instance.config)
        if issue.reason == PinIssueReason.BREAKS_RULE:
            assert not evaluation.passes_rules
        elif issue.reason == PinIssueReason.FORBIDDEN:
            assert (mentee_id, mentor_id) in instance.config.forbidden
        elif issue.reason == PinIssueReason.CAPACITY_EXCEEDED:
            pinned_here = sum(
                1 for pair in result.pairs if pair.mentor_id == mentor_id and pair.pinned
            )
            assert pinned_here == mentors[mentor_id].capacity
        elif issue.reason == PinIssueReason.MENTOR_PAUSED:
            assert mentors[mentor_id].paused
        elif issue.reason == PinIssueReason.MENTEE_PAUSED:
            assert mentees[mentee_id].paused
        else:
            assert issue.reason == PinIssueReason.MENTEE_ALREADY_PINNED


@settings(max_examples=200, deadline=None)
@given(instances())
def test_optimum_equals_brute_force_and_never_loses_to_greedy(instance):
    config = plain(instance)
    result = match(instance.mentees, instance.mentors, config)
    count, total = brute_force_optimum(instance.mentees, instance.mentors, config)
    assert result.matched_count == count
    assert result.total_score == pytest.approx(total, abs=1e-9)
    assert is_better_or_equal(result, greedy_baseline(instance.mentees, instance.mentors, config))


@pytest.fixture(scope="module", autouse=True)
def lookup_kind():
    """A criterion kind reading pair scores from a table: random tables reach score patterns
    (zeros, near-ties, one mentor fitting everyone) that random attributes rarely produce."""
    register_criterion_kind("lookup", lambda a, b, criterion: criterion.options["table"][(a, b)])
    yield
    unregister_criterion_kind("lookup")


@st.composite
def scored_instances(draw, max_mentees=7, max_mentors=4) -> Instance:
    n_mentees, n_mentors = draw(st.integers(1, max_mentees)), draw(st.integers(1, max_mentors))
    cells = [(i, j) for i in range(n_mentees) for j in range(n_mentors)]
    fit = {cell: draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0])) for cell in cells}
    allowed = {cell: draw(st.sampled_from([0.0, 1.0, 1.0])) for cell in cells}
    criteria = [
        ScoringCriterion(
            "fit",
            "lookup",
            weight=draw(st.sampled_from([1, 7, 10])),
            mentee_key="code",
            mentor_key="code",
            options={"table": fit},
        ),
        ScoringCriterion(
            "allowed",
            "lookup",
            weight=0,
            rule="must_match",
            mentee_key="code",
            mentor_key="code",
            options={"table": allowed},
        ),
    ]
    mentees = [
        Person(f"e{i}", {"code": i}, waiting_since=draw(st.integers(0, 3)))
        for i in range(n_mentees)
    ]
    mentors = [
        Person(f"o{j}", {"code": j}, capacity=draw(st.integers(0, 3))) for j in range(n_mentors)
    ]
    fairness = draw(st.sampled_from(["none", "lift_weakest", "waiting_longest"]))
    return Instance(mentees, mentors, MatchingConfig(criteria, fairness=fairness))


@settings(max_examples=300, deadline=None)
@given(scored_instances())
def test_optimum_equals_brute_force_on_random_score_tables(instance):
    config = plain(instance)
    result = match(instance.mentees, instance.mentors, config)
    count, total = brute_force_optimum(instance.mentees, instance.mentors, config)
    assert (result.matched_count, result.total_score) == (count, pytest.approx(total, abs=1e-9))
    assert is_better_or_equal(result, greedy_baseline(instance.mentees, instance.mentors, config))
    fair = match(instance.mentees, instance.mentors, instance.config)
    assert fair.matched_count == count


@settings(max_examples=100, deadline=None)
@given(instances())
def test_fairness_options_never_cost_a_match_or_break_a_rule(instance):
    result = match(instance.mentees, instance.mentors, instance.config)
    count, _total = brute_force_optimum(instance.mentees, instance.mentors, instance.config)
    assert result.matched_count == count
    mentees = {m.id: m for m in instance.mentees}
    mentors = {m.id: m for m in instance.mentors}
    assert all(
        evaluate_pair(mentees[p.mentee_id], mentors[p.mentor_id], instance.config).passes_rules
        for p in result.pairs
    )


@settings(max_examples=60, deadline=None)
@given(instances(max_mentees=7), st.randoms(use_true_random=False))
def test_same_input_gives_the_same_output_whatever_the_order(instance, rng):
    first = match(instance.mentees, instance.mentors, instance.config)
    assert match(instance.mentees, instance.mentors, instance.config) == first
    mentees, mentors = list(instance.mentees), list(instance.mentors)
    rng.shuffle(mentees)
    rng.shuffle(mentors)
    assert match(mentees, mentors, instance.config) == first


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_vectorised_scores_agree_with_pairwise_scores(seed):
    cohort = generate_cohort(30, seed=seed)
    config = MatchingConfig(cross_mentoring_criteria())
    matrix = score_matrix(cohort.mentees, cohort.mentors, config)
    mentees = {m.id: m for m in cohort.mentees}
    mentors = {m.id: m for m in cohort.mentors}
    for i, mentee_id in enumerate(matrix.mentee_ids):
        for j, mentor_id in enumerate(matrix.mentor_ids):
            evaluation = evaluate_pair(mentees[mentee_id], mentors[mentor_id], config)
            assert matrix.raw[i, j] == evaluation.raw_score
            active = not mentees[mentee_id].paused and not mentors[mentor_id].paused
            assert matrix.feasible[i, j] == (evaluation.passes_rules and active)


# --- rules and reasons -----------------------------------------------------------------------

CROSS_MENTORING = [
    ScoringCriterion("organisation", "equal", weight=0, rule="must_differ"),
    ScoringCriterion("topics", "overlap", weight=5),
]


def test_cross_mentoring_never_pairs_colleagues_and_says_which_rule_excluded_them():
    mentees = [
        mentee("anna", organisation="AWO Nürnberg", topics=["Führung"]),
        mentee("berta", organisation="Caritas Köln", topics=["Führung"]),
    ]
    mentors = [
        mentor("clara", capacity=2, organisation="AWO Nürnberg", topics=["Führung"]),
        mentor("doris", organisation="AWO Nürnberg", topics=["Finanzen"]),
    ]
    result = match(mentees, mentors, MatchingConfig(CROSS_MENTORING, forbidden=[("anna", "doris")]))

    assert by_mentee(result) == {"berta": "clara"}
    [unmatched] = result.unmatched
    assert unmatched.mentee_id == "anna"
    assert unmatched.reason == UnmatchedReason.NO_FEASIBLE_MENTOR == "no_feasible_mentor"
    assert unmatched.details["excluded_by_rule"] == [
        {"criterion": "organisation", "rule": "must_differ", "mentors": 2}
    ]
    assert unmatched.details["excluded_by_forbidden"] == 1


def test_shared_language_is_a_hard_rule_that_beats_a_better_topic_fit():
    criteria = [
        ScoringCriterion("languages", "overlap", weight=1, rule="must_match"),
        ScoringCriterion("topics", "overlap", weight=10),
    ]
    mentees = [mentee("aylin", languages=["tr"], topics=["Führung", "Finanzen"])]
    mentors = [
        mentor("perfect-topics", languages=["de"], topics=["Führung", "Finanzen"]),
        mentor("speaks-turkish", languages=["de", "tr"], topics=["Finanzen"]),
    ]
    result = match(mentees, mentors, MatchingConfig(criteria))

    assert by_mentee(result) == {"aylin": "speaks-turkish"}
    language = result.pairs[0].breakdown[0]
    assert (language.reason, language.params) == ("overlap", {"shared": ["tr"], "not_covered": []})
    assert [a.mentor_id for a in result.alternatives["aylin"]] == []  # the other one is infeasible


def test_a_preferred_mentor_gender_is_honoured_and_no_preference_is_neutral():
    criteria = [
        ScoringCriterion(
            "mentor_gender",
            "preference",
            weight=3,
            mentee_key="preferred_mentor_gender",
            mentor_key="gender",
        ),
        ScoringCriterion("topics", "overlap", weight=1),
    ]
    mentees = [
        mentee("e1", preferred_mentor_gender="w", topics=["Führung"]),
        mentee("e2", preferred_mentor_gender=None, topics=["Führung"]),
    ]
    mentors = [
        mentor("man", gender="m", topics=["Führung"]),
        mentor("woman", gender="w", topics=[]),
    ]
    result = match(mentees, mentors, MatchingConfig(criteria))

    assert by_mentee(result) == {"e1": "woman", "e2": "man"}
    e2_preference = result.pairs[1].breakdown[0]
    assert (e2_preference.raw, e2_preference.reason) == (1.0, "no_preference")
    as_rule = [replace(criteria[0], weight=0, rule="must_match")]
    ruled = match(mentees[:1], mentors[:1], MatchingConfig(as_rule))
    assert ruled.pairs == []
    assert ruled.unmatched[0].details["excluded_by_rule"][0]["criterion"] == "mentor_gender"


def test_paused_mentors_get_nobody():
    mentees = [mentee("e1", topics=["Führung"])]
    mentors = [mentor("best-but-paused", paused=True, topics=["Führung"]), mentor("ok", topics=[])]
    result = match(mentees, mentors, MatchingConfig(CROSS_MENTORING[1:]))
    assert by_mentee(result) == {"e1": "ok"}
    assert [(f.mentor_id, f.reason) for f in result.free_mentors] == [
        ("best-but-paused", FreeMentorReason.MENTOR_PAUSED)
    ]

    only_paused = match(mentees, mentors[:1], MatchingConfig(CROSS_MENTORING[1:]))
    assert only_paused.pairs == []
    assert only_paused.unmatched[0].reason == UnmatchedReason.ALL_MENTORS_PAUSED


def test_paused_mentee_is_left_out_and_told_why():
    result = match([mentee("e1", paused=True)], [mentor("o1")], MatchingConfig([]))
    assert result.pairs == []
    assert result.unmatched[0].reason == UnmatchedReason.MENTEE_PAUSED
    assert result.free_mentors[0].reason == FreeMentorReason.NO_FEASIBLE_MENTEE


def test_capacity_exhausted_when_feasible_mentors_are_full():
    mentees = [mentee("e1", topics=["Führung"]), mentee("e2", topics=["Finanzen"])]
    result = match(mentees, [mentor("o1", topics=["Führung"])], MatchingConfig(CROSS_MENTORING[1:]))
    assert by_mentee(result) == {"e1": "o1"}
    assert result.unmatched[0].reason == UnmatchedReason.CAPACITY_EXHAUSTED
    assert result.unmatched[0].details == {"feasible_mentors": 1}
    assert [(a.mentor_id, a.free_capacity) for a in result.alternatives["e2"]] == [("o1", 0)]


def test_more_matches_beat_a_single_brilliant_pair():
    """Greedy gives the only mentor that suits e2 away; the optimum does not."""
    criteria = [ScoringCriterion("topics", "overlap", weight=10, rule="must_match")]
    mentees = [mentee("e1", topics=["Führung", "Finanzen"]), mentee("e2", topics=["Führung"])]
    mentors = [
        mentor("generalist", topics=["Führung", "Finanzen"]),
        mentor("specialist", topics=["Finanzen"]),
    ]
    config = MatchingConfig(criteria)
    result = match(mentees, mentors, config)
    greedy = greedy_baseline(mentees, mentors, config)

    assert by_mentee(result) == {"e1": "specialist", "e2": "generalist"}
    assert (greedy.matched_count, result.matched_count) == (1, 2)
    assert brute_force_optimum(mentees, mentors, config) == (2, pytest.approx(result.total_score))


def test_pins_are_kept_and_impossible_pins_reported():
    mentees = [
        mentee("e1", organisation="AWO", topics=["Führung"]),
        mentee("e2", organisation="AWO", topics=["Führung"]),
        mentee("e3", organisation="DRK", topics=["Führung"]),
    ]
    mentors = [
        mentor("o1", organisation="Caritas", topics=["Finanzen"]),
        mentor("o2", organisation="AWO", topics=["Führung"], capacity=2),
    ]
    pinned = [("e1", "o1"), ("e2", "o2"), ("e3", "o1")]
    result = match(mentees, mentors, MatchingConfig(CROSS_MENTORING, pinned=pinned))

    assert ("e1", "o1") in {(p.mentee_id, p.mentor_id) for p in result.pairs if p.pinned}
    issues = {(i.mentee_id, i.mentor_id): i for i in result.pin_issues}
    assert issues[("e2", "o2")].reason == PinIssueReason.BREAKS_RULE
    assert issues[("e2", "o2")].details == {
        "rules": [{"criterion": "organisation", "rule": "must_differ"}]
    }
    assert issues[("e3", "o1")].reason == PinIssueReason.CAPACITY_EXCEEDED
    assert by_mentee(result)["e3"] == "o2"  # still matched, just not as pinned


def test_when_pins_compete_for_a_place_the_earlier_pin_wins():
    """Pins are kept in the order they were made: a later pin does not push out an earlier one,
    whatever the ids."""
    mentees = [mentee("e1", topics=["Führung"]), mentee("e2", topics=["Führung"])]
    mentors = [mentor("o1", topics=["Führung"])]
    config = MatchingConfig(CROSS_MENTORING[1:], pinned=[("e2", "o1"), ("e1", "o1")])
    result = match(mentees, mentors, config)

    assert [(p.mentee_id, p.mentor_id, p.pinned) for p in result.pairs] == [("e2", "o1", True)]
    [issue] = result.pin_issues
    assert (issue.mentee_id, issue.mentor_id, issue.reason) == (
        "e1",
        "o1",
        PinIssueReason.CAPACITY_EXCEEDED,
    )
    assert issue.details == {"capacity": 1, "pinned_mentees": ["e2"]}
    assert greedy_baseline(mentees, mentors, config).pairs[0].mentee_id == "e2"


def test_a_mentee_whose_only_mentor_went_to_a_pinned_pair_is_told_so():
    mentees = [mentee("e1", topics=["Führung"]), mentee("e2", topics=["Führung"])]
    mentors = [mentor("o1", topics=["Führung"])]
    result = match(mentees, mentors, MatchingConfig(CROSS_MENTORING[1:], pinned=[("e2", "o1")]))

    [unmatched] = result.unmatched
    assert unmatched.mentee_id == "e1"
    assert unmatched.reason == UnmatchedReason.PLACES_PINNED
    assert unmatched.details == {"feasible_mentors": 1, "pinned_mentors": 1}


def test_a_mentee_whose_only_suitable_mentor_has_no_place_is_told_so():
    mentees = [mentee("e1", topics=["Führung"])]
    mentors = [mentor("o1", capacity=0, topics=["Führung"])]
    result = match(mentees, mentors, MatchingConfig(CROSS_MENTORING[1:]))

    [unmatched] = result.unmatched
    assert unmatched.reason == UnmatchedReason.NO_FREE_PLACE
    assert unmatched.details == {"feasible_mentors": 1}


def test_a_mentor_with_a_free_place_is_not_told_their_own_mentee_went_elsewhere():
    mentees = [mentee("e1", topics=["Führung"]), mentee("e2", topics=["Finanzen"])]
    mentors = [
        mentor("o1", capacity=2, topics=["Führung"]),
        mentor("o2", topics=["Finanzen"]),
    ]
    criteria = [ScoringCriterion("topics", "overlap", weight=5, rule="must_match")]
    result = match(mentees, mentors, MatchingConfig(criteria))

    assert by_mentee(result) == {"e1": "o1", "e2": "o2"}
    [free] = result.free_mentors
    assert (free.mentor_id, free.free_capacity) == ("o1", 1)
    assert free.reason == FreeMentorReason.NO_OTHER_FEASIBLE_MENTEE
    assert free.details == {"matched_here": 1}


def test_forbidden_pairs_are_never_proposed():
    mentees = [mentee("e1", topics=["Führung"])]
    mentors = [mentor("declined-before", topics=["Führung"]), mentor("other", topics=[])]
    result = match(
        mentees, mentors, MatchingConfig(CROSS_MENTORING[1:], forbidden=[("e1", "declined-before")])
    )
    assert by_mentee(result) == {"e1": "other"}
    assert result.alternatives["e1"] == []


# --- explanations ----------------------------------------------------------------------------


def test_breakdown_adds_up_to_the_pair_score():
    cohort = generate_cohort(60, seed=3)
    config = MatchingConfig(cross_mentoring_criteria())
    result = match(cohort.mentees, cohort.mentors, config)
    assert result.pairs
    for pair in result.pairs:
        assert sum(line.contribution for line in pair.breakdown) == pytest.approx(pair.raw_score)
        assert pair.score == pytest.approx(100 * pair.raw_score / config.max_pair_score)
        assert all(line.contribution == line.weight * line.raw for line in pair.breakdown)
        assert [line.key for line in pair.breakdown] == [c.key for c in config.criteria]
    assert result.total_score == pytest.approx(sum(pair.raw_score for pair in result.pairs))


def test_every_pair_is_explained_with_its_own_values_when_values_repeat():
    """Equal values share one explanation line; values that only compare equal (1, True,
    1.0, a list and a tuple) still name their own value in the explanation."""
    criteria = [
        ScoringCriterion("level", "equal", weight=2),
        ScoringCriterion("topics", "overlap", weight=3),
        ScoringCriterion("organisation", "equal", weight=0, rule="must_differ"),
    ]
    levels = [1, True, 1.0, "1", None, [1], (1,)]
    topics = [["Recht"], ("Recht",), ["Recht", "Personal"], [], {"Personal"}]
    mentees = [
        mentee(f"e{n}", level=levels[n % 7], topics=topics[n % 5], organisation=f"KV {n % 2}")
        for n in range(35)
    ]
    mentors = [
        mentor(f"m{n}", capacity=2, level=levels[n % 7], topics=topics[n % 5], organisation="KV 9")
        for n in range(18)
    ]
    config = MatchingConfig(criteria)
    result = match(mentees, mentors, config)
    assert result.matched_count == 35
    people = {person.id: person for person in [*mentees, *mentors]}
    for pair in result.pairs:
        alone = evaluate_pair(people[pair.mentee_id], people[pair.mentor_id], config)
        assert repr(pair.breakdown) == repr(alone.breakdown)  # repr tells 1 from True
        assert pair.raw_score == alone.raw_score


def test_explanations_found_by_value_codes_equal_each_pair_explained_alone():
    """The built-in kinds number their values (strings here) and the explainer finds lines by
    those numbers: every pair's breakdown is still exactly its own, on a realistic cohort
    and where a mentor's value is a string for one and a list for another."""
    cohort = generate_cohort(300, seed=17)
    genders = ["w", ["w"], ("w",), "m", ["m", "d"], None, ""]
    mentors = [
        replace(person, attributes={**person.attributes, "gender": genders[n % len(genders)]})
        for n, person in enumerate(cohort.mentors)
    ]
    config = MatchingConfig(cross_mentoring_criteria())
    result = match(cohort.mentees, mentors, config)
    assert result.matched_count > 200
    people = {person.id: person for person in [*cohort.mentees, *mentors]}
    for pair in result.pairs:
        alone = evaluate_pair(people[pair.mentee_id], people[pair.mentor_id], config)
        assert repr(pair.breakdown) == repr(alone.breakdown)
        assert pair.raw_score == alone.raw_score
    preference_values = {
        repr(line.params.get("value"))
        for pair in result.pairs
        for line in pair.breakdown
        if line.reason.startswith("preference_")
    }
    assert {"'w'", "['w']"} <= preference_values  # a list is named as a list


def test_topic_overlap_names_the_shared_topics():
    criteria = [ScoringCriterion("topics", "overlap", weight=4)]
    mentees = [mentee("e1", topics=["Führung", "Digitalisierung", "Finanzen", "Recht"])]
    result = match(
        mentees, [mentor("o1", topics=["Digitalisierung", "Führung"])], MatchingConfig(criteria)
    )
    [line] = result.pairs[0].breakdown
    assert (line.raw, line.contribution, line.reason) == (0.5, 2.0, "overlap")
    assert line.params["shared"] == ["Digitalisierung", "Führung"]
    assert result.pairs[0].score == 50.0


def test_alternatives_are_sorted_feasible_and_exclude_the_proposed_mentor():
    cohort = generate_cohort(80, seed=11)
    config = MatchingConfig(cross_mentoring_criteria(), top_k=5)
    result = match(cohort.mentees, cohort.mentors, config)
    mentees = {m.id: m for m in cohort.mentees}
    mentors = {m.id: m for m in cohort.mentors}
    proposed = by_mentee(result)
    for mentee_id, alternatives in result.alternatives.items():
        assert len(alternatives) <= 5
        keys = [(-a.raw_score, a.mentor_id) for a in alternatives]
        assert keys == sorted(keys)
        for alternative in alternatives:
            assert alternative.mentor_id != proposed.get(mentee_id)
            assert not mentors[alternative.mentor_id].paused
            evaluation = evaluate_pair(mentees[mentee_id], mentors[alternative.mentor_id], config)
            assert evaluation.passes_rules
            assert alternative.raw_score == evaluation.raw_score


def test_alternatives_are_the_best_feasible_mentors():
    mentees = [mentee("e1", organisation="A", topics=["Führung", "Finanzen"])]
    mentors = [
        mentor("o1", organisation="B", topics=["Führung", "Finanzen"]),
        mentor("o2", organisation="A", topics=["Führung", "Finanzen"]),  # same organisation
        mentor("o3", organisation="C", topics=["Führung"]),
        mentor("o4", organisation="C", topics=[]),
        mentor("o5", organisation="D", topics=["Finanzen"]),
    ]
    result = match(mentees, mentors, MatchingConfig(CROSS_MENTORING, top_k=3))
    assert by_mentee(result) == {"e1": "o1"}
    assert [(a.mentor_id, a.score) for a in result.alternatives["e1"]] == [
        ("o3", 50.0),
        ("o5", 50.0),
        ("o4", 0.0),
    ]


# --- fairness --------------------------------------------------------------------------------


def test_waiting_longest_gives_the_last_slot_to_whoever_waited_longer():
    topics = [f"Thema {n}" for n in range(10)]
    criteria = [
        ScoringCriterion("topics", "overlap", weight=10)
    ]  # bonus: at most 0.2 × 10 = 2 points
    mentees = [
        mentee("newcomer", waiting_since=200, topics=topics),  # scores 10
        mentee("waited-long", waiting_since=10, topics=topics[:9] + ["Recht"]),
    ]  # scores 9: close
    mentors = [mentor("o1", topics=topics)]
    plain_result = match(mentees, mentors, MatchingConfig(criteria))
    fair = match(mentees, mentors, MatchingConfig(criteria, fairness="waiting_longest"))
    assert by_mentee(plain_result) == {"newcomer": "o1"}
    assert by_mentee(fair) == {"waited-long": "o1"}
    assert fair.pairs[0].raw_score == 9.0  # the bonus steers the choice, it is not a score

    tied = [replace(m, attributes={"topics": topics}) for m in mentees]
    assert by_mentee(
        match(tied, mentors, MatchingConfig(criteria, fairness="waiting_longest"))
    ) == {"waited-long": "o1"}
    far_apart = [
        mentees[0],
        replace(mentees[1], attributes={"topics": topics[:1] + ["Recht"]}),
    ]  # scores 5
    assert by_mentee(
        match(far_apart, mentors, MatchingConfig(criteria, fairness="waiting_longest"))
    ) == {"newcomer": "o1"}  # bounded bonus: a much better fit still wins


@pytest.fixture
def table_kind():
    """A criterion kind that looks pair scores up in a table, to set up exact trade-offs."""
    register_criterion_kind("table", lambda a, b, criterion: criterion.options["table"][(a, b)])
    yield
    unregister_criterion_kind("table")


@pytest.mark.usefixtures("table_kind")
def test_lift_weakest_prefers_two_decent_pairs_over_a_great_and_a_poor_one():
    table = {("e1", "o1"): 1.0, ("e1", "o2"): 0.5, ("e2", "o1"): 0.5, ("e2", "o2"): 0.1}
    criteria = [ScoringCriterion("fit", "table", weight=10, options={"table": table})]
    mentees = [mentee("e1", fit="e1"), mentee("e2", fit="e2")]
    mentors = [mentor("o1", fit="o1"), mentor("o2", fit="o2")]

    plain_result = match(mentees, mentors, MatchingConfig(criteria))
    lifted = match(mentees, mentors, MatchingConfig(criteria, fairness="lift_weakest"))

    assert by_mentee(plain_result) == {"e1": "o1", "e2": "o2"}  # total 11, weakest pair 10 %
    assert by_mentee(lifted) == {"e1": "o2", "e2": "o1"}  # total 10, weakest pair 50 %
    assert [pair.score for pair in lifted.pairs] == [50.0, 50.0]
    assert lifted.total_score == pytest.approx(10.0)


def test_fairness_options_keep_the_number_of_matches_on_a_realistic_cohort():
    cohort = generate_cohort(200, seed=5, mentor_ratio=0.3)
    counts = {
        fairness: match(
            cohort.mentees,
            cohort.mentors,
            MatchingConfig(cross_mentoring_criteria(), fairness=fairness),
        ).matched_count
        for fairness in ("none", "lift_weakest", "waiting_longest")
    }
    assert len(set(counts.values())) == 1


# --- extension and scale ---------------------------------------------------------------------


@pytest.fixture
def seniority_kind():
    def seniority_gap(mentee_years, mentor_years, criterion):
        if mentee_years is None or mentor_years is None:
            return 0.0
        wanted = criterion.options.get("years", 5)
        return min(1.0, max(0.0, (mentor_years - mentee_years) / wanted))

    def explain(mentee_years, mentor_years, criterion, raw):
        return "seniority_gap", {"years": (mentor_years or 0) - (mentee_years or 0)}

    register_criterion_kind("seniority_gap", seniority_gap, explain=explain)
    yield
    unregister_criterion_kind("seniority_gap")


@pytest.mark.usefixtures("seniority_kind")
def test_a_site_can_register_its_own_criterion_kind():
    criteria = [
        ScoringCriterion(
            "leadership_years", "seniority_gap", weight=4, rule="must_match", options={"years": 10}
        )
    ]
    mentees = [mentee("e1", leadership_years=2)]
    mentors = [
        mentor("peer", leadership_years=3),
        mentor("veteran", leadership_years=20),
        mentor("junior", leadership_years=1),
    ]
    result = match(mentees, mentors, MatchingConfig(criteria))
    assert by_mentee(result) == {"e1": "veteran"}
    [line] = result.pairs[0].breakdown
    assert (line.kind, line.raw, line.reason, line.params) == (
        "seniority_gap",
        1.0,
        "seniority_gap",
        {"years": 18},
    )
    assert [a.mentor_id for a in result.alternatives["e1"]] == ["peer"]  # junior breaks the rule


def test_registering_a_kind_twice_or_using_an_unknown_kind_fails_loudly():
    with pytest.raises(ValueError, match="already registered"):
        register_criterion_kind("overlap", lambda a, b, c: 0.0)
    with pytest.raises(ValueError, match="unknown criterion kind"):
        match(
            [mentee("e1")], [mentor("o1")], MatchingConfig([ScoringCriterion("x", "no-such-kind")])
        )


def test_invalid_configuration_is_rejected():
    with pytest.raises(ValueError):
        ScoringCriterion("topics", "overlap", weight=11)
    with pytest.raises(ValueError):
        ScoringCriterion("topics", "overlap", rule="should_match")
    with pytest.raises(ValueError):
        MatchingConfig([], fairness="random")
    with pytest.raises(ValueError, match="duplicate"):
        match([mentee("e1"), mentee("e1")], [], MatchingConfig([]))


def test_brute_force_refuses_large_instances():
    with pytest.raises(ValueError):
        brute_force_optimum([mentee(n) for n in range(20)], [mentor("o1")], MatchingConfig([]))


def test_integer_ids_and_dates_work():
    from datetime import date

    mentees = [
        Person(2, {"topics": ["Führung"]}, waiting_since=date(2025, 1, 1)),
        Person(10, {"topics": ["Führung"]}, waiting_since=date(2024, 1, 1)),
    ]
    result = match(
        mentees,
        [mentor(1, topics=["Führung"])],
        MatchingConfig(CROSS_MENTORING[1:], fairness="waiting_longest"),
    )
    assert by_mentee(result) == {10: 1}


def test_synthetic_cohorts_are_reproducible_and_realistic():
    first, again = generate_cohort(50, seed=42), generate_cohort(50, seed=42)
    assert first == again
    assert len(first.mentors) == 20
    assert all(1 <= m.capacity <= 3 for m in first.mentors)
    sample = first.mentees[0].attributes
    assert {
        "organisation",
        "region",
        "languages",
        "availability",
        "format",
        "topics_wanted",
    } <= set(sample)
    assert generate_cohort(50, seed=43) != first


def test_engine_matches_an_independent_dense_solver_on_a_realistic_cohort():
    """Pairwise scores, one dense matrix, scipy directly: same optimum as the engine."""
    cohort = generate_cohort(150, seed=9)
    config = MatchingConfig(cross_mentoring_criteria())
    result = match(cohort.mentees, cohort.mentors, config)
    mentees = sorted((m for m in cohort.mentees if not m.paused), key=lambda m: m.id)
    slots = [
        m
        for m in sorted(cohort.mentors, key=lambda m: m.id)
        if not m.paused
        for _ in range(m.capacity)
    ]
    raw = np.zeros((len(mentees), len(slots)))
    feasible = np.zeros(raw.shape, dtype=bool)
    for i, e in enumerate(mentees):
        for j, o in enumerate(slots):
            evaluation = evaluate_pair(e, o, config)
            raw[i, j], feasible[i, j] = evaluation.raw_score, evaluation.passes_rules
    big = config.max_pair_score * len(mentees) + 1
    rows, columns = linear_sum_assignment(np.where(feasible, big + raw, 0.0), maximize=True)
    chosen = feasible[rows, columns]
    assert result.matched_count == chosen.sum()
    assert result.total_score == pytest.approx(raw[rows, columns][chosen].sum(), abs=1e-6)


@pytest.mark.parametrize(
    "mentor_ratio", [0.3, 1.0], ids=["fewer slots than mentees", "more slots than mentees"]
)
def test_scoring_in_small_blocks_gives_the_same_result(monkeypatch, mentor_ratio):
    """Large cohorts are scored block by block into the cost matrix; block edges must not matter."""
    import mentoring.matching.scoring as scoring

    cohort = generate_cohort(120, seed=4, mentor_ratio=mentor_ratio)
    config = MatchingConfig(
        cross_mentoring_criteria(),
        fairness="waiting_longest",
        pinned=[(cohort.mentees[0].id, cohort.mentors[0].id)],
        forbidden=[(cohort.mentees[1].id, cohort.mentors[1].id)],
    )
    expected = (
        match(cohort.mentees, cohort.mentors, config),
        greedy_baseline(cohort.mentees, cohort.mentors, config),
    )
    monkeypatch.setattr(scoring, "BLOCK_ELEMENTS", 257)
    assert (
        match(cohort.mentees, cohort.mentors, config),
        greedy_baseline(cohort.mentees, cohort.mentors, config),
    ) == expected


def test_a_thousand_mentees_are_matched_better_than_greedy():
    cohort = generate_cohort(1_000, seed=1)
    config = MatchingConfig(cross_mentoring_criteria())
    result = match(cohort.mentees, cohort.mentors, config)
    greedy = greedy_baseline(cohort.mentees, cohort.mentors, config)
    assert is_better_or_equal(result, greedy)
    assert result.total_score > greedy.total_score
    mentors = {m.id: m for m in cohort.mentors}
    assert all(
        n <= mentors[m].capacity for m, n in Counter(p.mentor_id for p in result.pairs).items()
    )


def test_shuffled_realistic_cohort_gives_the_same_proposal():
    cohort = generate_cohort(300, seed=2)
    config = MatchingConfig(cross_mentoring_criteria(), fairness="waiting_longest")
    mentees, mentors = list(cohort.mentees), list(cohort.mentors)
    random.Random(0).shuffle(mentees)
    random.Random(1).shuffle(mentors)
    assert match(mentees, mentors, config) == match(cohort.mentees, cohort.mentors, config)


def test_reference_solvers_and_synthetic_cohorts_stay_out_of_the_package():
    """The wheel ships the engine, not the test oracles or the benchmark's synthetic data."""
    from pathlib import Path

    import mentoring

    package = Path(mentoring.__file__).parent
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "tests.support" not in text and "def greedy_baseline" not in text, source
    assert not (package / "matching" / "synthetic.py").exists()


# --- the sparse solver and its optimality certificate ----------------------------------------


@contextlib.contextmanager
def few_candidates(per_mentee=1, per_mentor=0):
    """Shrink the sparse solver's candidate graph so that its first solution is usually wrong
    and the certificate has to find the missing pairs; records the rounds each solve took."""
    rounds = []
    original = solver.SparseSolver.solve

    def recording(self, rescore):
        chosen = original(self, rescore)
        rounds.append((self.rounds, self.fallback))
        return chosen

    with (
        mock.patch.object(solver, "PER_MENTEE", per_mentee),
        mock.patch.object(solver, "PER_MENTOR", per_mentor),
        mock.patch.object(solver.SparseSolver, "solve", recording),
    ):
        yield rounds


@settings(max_examples=200, deadline=None)
@given(instances())
def test_sparse_solver_with_a_starved_candidate_graph_still_equals_brute_force(instance):
    config = plain(instance)
    count, total = brute_force_optimum(instance.mentees, instance.mentors, config)
    with few_candidates() as rounds:
        result = match(instance.mentees, instance.mentors, config)
    assert (result.matched_count, result.total_score) == (count, pytest.approx(total, abs=1e-9))
    assert not any(fallback for _rounds, fallback in rounds)


@settings(max_examples=200, deadline=None)
@given(scored_instances())
def test_sparse_and_dense_solvers_agree_on_random_score_tables(instance):
    dense = match(instance.mentees, instance.mentors, instance.config, solver="dense")
    with few_candidates(per_mentee=1, per_mentor=1):
        sparse = match(instance.mentees, instance.mentors, instance.config)
    assert sparse.matched_count == dense.matched_count
    assert sparse.total_score == pytest.approx(dense.total_score, abs=1e-9)
    if instance.config.fairness == "none":
        count, total = brute_force_optimum(instance.mentees, instance.mentors, instance.config)
        assert (sparse.matched_count, sparse.total_score) == (count, pytest.approx(total, abs=1e-9))


def _objective(result, mentees, config):
    """The solver's objective of a result: the pairs' terms (fairness included)."""
    if config.fairness == "lift_weakest":
        top = config.max_pair_score
        return sum(top - (top - pair.raw_score) ** 2 / top for pair in result.pairs)
    return result.total_score


@pytest.mark.parametrize("seed", [3, 11, 29])
@pytest.mark.parametrize("fairness", ["none", "lift_weakest"])
@pytest.mark.parametrize("mentor_ratio", [0.3, 0.4, 1.2])
def test_sparse_and_dense_solvers_agree_on_realistic_cohorts(seed, fairness, mentor_ratio):
    """Rounds of the certificate are needed here (one candidate per mentee), and the optimum
    still equals the dense solver's, with pins and bans."""
    cohort = generate_cohort(250, seed=seed, mentor_ratio=mentor_ratio)
    config = MatchingConfig(
        cross_mentoring_criteria(),
        fairness=fairness,
        pinned=[(cohort.mentees[0].id, cohort.mentors[0].id)],
        forbidden=[(m.id, cohort.mentors[1].id) for m in cohort.mentees[:40]],
    )
    dense = match(cohort.mentees, cohort.mentors, config, solver="dense")
    with few_candidates() as rounds:
        sparse = match(cohort.mentees, cohort.mentors, config)
    assert rounds and rounds[0][0] > 1 and not rounds[0][1]  # the certificate did the work
    assert sparse.matched_count == dense.matched_count
    assert _objective(sparse, cohort.mentees, config) == pytest.approx(
        _objective(dense, cohort.mentees, config), abs=1e-6
    )
    default = match(cohort.mentees, cohort.mentors, config)  # the default candidate graph
    assert default.matched_count == dense.matched_count
    assert _objective(default, cohort.mentees, config) == pytest.approx(
        _objective(dense, cohort.mentees, config), abs=1e-6
    )


def test_unknown_solver_is_rejected():
    with pytest.raises(ValueError, match="solver"):
        match([], [], MatchingConfig([]), solver="magic")
