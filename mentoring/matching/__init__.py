"""Mentor–mentee matching on plain data: optimal, explainable, deterministic.

No Django imports, so the engine can be scripted, tested and benchmarked on its own::

    from mentoring.matching import Criterion, MatchingConfig, Person, match

    config = MatchingConfig(criteria=[
        Criterion("organisation", "equal", weight=0, rule="must_differ"),
        Criterion("topics", "overlap", weight=5),
    ])
    result = match(mentees, mentors, config)

See :mod:`mentoring.matching.engine` for the algorithm.
"""

from .criteria import (
    CRITERION_KINDS,
    Criterion,
    CriterionKind,
    get_criterion_kind,
    register_criterion_kind,
    unregister_criterion_kind,
)
from .engine import (
    Alternative,
    CriterionScore,
    FreeMentor,
    FreeMentorReason,
    MatchingConfig,
    MatchResult,
    MatchStats,
    Pair,
    PairEvaluation,
    Person,
    PersonId,
    PinIssue,
    PinIssueReason,
    ScoreMatrix,
    Unmatched,
    UnmatchedReason,
    brute_force_optimum,
    evaluate_pair,
    greedy_baseline,
    match,
    score_matrix,
)
from .synthetic import Cohort, cross_mentoring_criteria, generate_cohort

__all__ = [
    "CRITERION_KINDS",
    "Alternative",
    "Cohort",
    "Criterion",
    "CriterionKind",
    "CriterionScore",
    "FreeMentor",
    "FreeMentorReason",
    "MatchResult",
    "MatchStats",
    "MatchingConfig",
    "Pair",
    "PairEvaluation",
    "Person",
    "PersonId",
    "PinIssue",
    "PinIssueReason",
    "ScoreMatrix",
    "Unmatched",
    "UnmatchedReason",
    "brute_force_optimum",
    "cross_mentoring_criteria",
    "evaluate_pair",
    "generate_cohort",
    "get_criterion_kind",
    "greedy_baseline",
    "match",
    "register_criterion_kind",
    "score_matrix",
    "unregister_criterion_kind",
]
