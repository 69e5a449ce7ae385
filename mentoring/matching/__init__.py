"""Mentor–mentee matching on plain data: optimal, explainable, deterministic.

No Django imports, so the engine can be scripted, tested and benchmarked on its own::

    from mentoring.matching import ScoringCriterion, MatchingConfig, Person, match

    config = MatchingConfig(criteria=[
        ScoringCriterion("organisation", "equal", weight=0, rule="must_differ"),
        ScoringCriterion("topics", "overlap", weight=5),
    ])
    result = match(mentees, mentors, config)

See :mod:`mentoring.matching.engine` for the algorithm. Modules: ``types`` (input and output),
``criteria`` (kinds of comparison), ``problem`` (preparation and pins), ``scoring`` (vectorised
scores), ``engine`` (the solve), ``reasons`` (explanations of the result).
"""

from .criteria import (
    CRITERION_KINDS,
    CriterionKind,
    ScoringCriterion,
    get_criterion_kind,
    register_criterion_kind,
    unregister_criterion_kind,
)
from .engine import evaluate_pair, match, score_matrix
from .types import (
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
)

__all__ = [
    "CRITERION_KINDS",
    "Alternative",
    "ScoringCriterion",
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
    "evaluate_pair",
    "get_criterion_kind",
    "match",
    "register_criterion_kind",
    "score_matrix",
    "unregister_criterion_kind",
]
