"""The matching engine's input and output: plain, frozen dataclasses and stable reason codes.

The algorithm is described in :mod:`mentoring.matching.engine`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

import numpy as np

from .criteria import Rule, ScoringCriterion

__all__ = [
    "FAIRNESS_OPTIONS",
    "Alternative",
    "CriterionScore",
    "Fairness",
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
]

PersonId = str | int
Fairness = Literal["none", "lift_weakest", "waiting_longest"]
FAIRNESS_OPTIONS: tuple[str, ...] = ("none", "lift_weakest", "waiting_longest")


# --- input -----------------------------------------------------------------------------------


def id_key(person_id: PersonId) -> tuple[int, int | str]:
    """Sort ints before strings, each in their natural order."""
    return (1, person_id) if isinstance(person_id, str) else (0, person_id)


@dataclass(frozen=True)
class Person:
    """A mentee or a mentor. ``capacity`` only matters for mentors.

    ``waiting_since`` is when the person started waiting (a number, a date ordinal or a
    :class:`datetime.date`); smaller means waiting longer.
    """

    id: PersonId
    attributes: Mapping[str, object] = field(default_factory=dict)
    capacity: int = 1
    waiting_since: float | date | None = None
    paused: bool = False


@dataclass(frozen=True)
class MatchingConfig:
    """A programme's matching settings.

    ``pinned`` and ``forbidden`` hold ``(mentee_id, mentor_id)`` pairs. Pins are kept in the
    order given, so when pins compete for a mentor's places or a mentee, the earlier pin wins;
    an unordered collection (a set) is taken in id order. ``top_k`` is the
    number of alternatives listed per mentee; ``waiting_bonus_share`` bounds the
    ``"waiting_longest"`` bonus as a share of the maximum weighted pair score.
    """

    criteria: Sequence[ScoringCriterion]
    pinned: Collection[tuple[PersonId, PersonId]] = ()
    forbidden: Collection[tuple[PersonId, PersonId]] = ()
    fairness: Fairness = "none"
    waiting_bonus_share: float = 0.2
    top_k: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        pinned = self.pinned
        if isinstance(pinned, AbstractSet):  # no order of its own: id order, deterministic
            pinned = sorted(pinned, key=lambda pair: (id_key(pair[0]), id_key(pair[1])))
        object.__setattr__(self, "pinned", tuple(dict.fromkeys((a, b) for a, b in pinned)))
        object.__setattr__(self, "forbidden", frozenset((a, b) for a, b in self.forbidden))
        if self.fairness not in FAIRNESS_OPTIONS:
            raise ValueError(f"fairness must be one of {FAIRNESS_OPTIONS}")
        if not 0 <= self.waiting_bonus_share <= 1:
            raise ValueError("waiting_bonus_share must be between 0 and 1")
        if self.top_k < 0:
            raise ValueError("top_k must not be negative")
        keys = [criterion.key for criterion in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("criterion keys must be unique")

    @property
    def max_pair_score(self) -> float:
        """The highest weighted score a pair can reach: the sum of all weights."""
        return sum((criterion.weight for criterion in self.criteria), 0.0)


# --- output ----------------------------------------------------------------------------------


class UnmatchedReason(StrEnum):
    """Why a mentee has no mentor. Stable codes for the user interface to translate."""

    MENTEE_PAUSED = "mentee_paused"
    NO_MENTORS = "no_mentors"
    NO_FEASIBLE_MENTOR = "no_feasible_mentor"
    ALL_MENTORS_PAUSED = "all_mentors_paused"
    NO_FREE_PLACE = "no_free_place"  # suitable mentors exist, none has a place at all
    PLACES_PINNED = "places_pinned"  # their places all went to pinned pairs
    CAPACITY_EXHAUSTED = "capacity_exhausted"  # places went to other pairs of the optimum


class FreeMentorReason(StrEnum):
    """Why a mentor keeps free capacity."""

    MENTOR_PAUSED = "mentor_paused"
    NO_FEASIBLE_MENTEE = "no_feasible_mentee"
    NO_OTHER_FEASIBLE_MENTEE = "no_other_feasible_mentee"  # the suitable ones are matched here
    FEASIBLE_MENTEES_MATCHED_ELSEWHERE = "feasible_mentees_matched_elsewhere"


class PinIssueReason(StrEnum):
    """Why a pinned pair could not be kept."""

    UNKNOWN_PERSON = "unknown_person"
    MENTEE_PAUSED = "mentee_paused"
    MENTOR_PAUSED = "mentor_paused"
    FORBIDDEN = "forbidden"
    BREAKS_RULE = "breaks_rule"
    MENTEE_ALREADY_PINNED = "mentee_already_pinned"
    CAPACITY_EXCEEDED = "capacity_exceeded"


@dataclass(frozen=True)
class CriterionScore:
    """One line of a pair's breakdown; ``contribution = weight × raw``."""

    key: str
    kind: str
    weight: float
    rule: Rule | None
    raw: float
    contribution: float
    reason: str
    params: dict[str, object]


@dataclass(frozen=True)
class PairEvaluation:
    """A pair scored on its own: breakdown, weighted score and the hard rules it breaks."""

    raw_score: float
    score: float
    breakdown: list[CriterionScore]
    failed_rules: list[str]

    @property
    def passes_rules(self) -> bool:
        return not self.failed_rules


@dataclass(frozen=True)
class Pair:
    """A proposed pair. ``score`` is 0–100 (share of the best attainable weighted score),
    ``raw_score`` the weighted sum used in the objective."""

    mentee_id: PersonId
    mentor_id: PersonId
    score: float
    raw_score: float
    breakdown: list[CriterionScore]
    pinned: bool = False


@dataclass(frozen=True)
class Alternative:
    """A feasible mentor a manager could swap in; ``free_capacity`` after this result."""

    mentor_id: PersonId
    score: float
    raw_score: float
    free_capacity: int


@dataclass(frozen=True)
class Unmatched:
    mentee_id: PersonId
    reason: UnmatchedReason
    details: dict[str, object]


@dataclass(frozen=True)
class FreeMentor:
    mentor_id: PersonId
    free_capacity: int
    reason: FreeMentorReason
    details: dict[str, object]


@dataclass(frozen=True)
class PinIssue:
    mentee_id: PersonId
    mentor_id: PersonId
    reason: PinIssueReason
    details: dict[str, object]


@dataclass(frozen=True)
class MatchStats:
    """Sizes and timings; timings are excluded from equality so results compare by content."""

    method: str
    fairness: str
    mentees: int
    mentors: int
    slots: int
    feasible_pairs: int
    seconds: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class MatchResult:
    """Pairs sorted by mentee id, reasons for everyone left over, and alternatives."""

    pairs: list[Pair]
    unmatched: list[Unmatched]
    total_score: float
    matched_count: int
    alternatives: dict[PersonId, list[Alternative]]
    free_mentors: list[FreeMentor]
    pin_issues: list[PinIssue]
    stats: MatchStats


@dataclass(frozen=True, eq=False)
class ScoreMatrix:
    """Dense mentee × mentor matrices (sorted by id) for analysis and independent checks."""

    mentee_ids: list[PersonId]
    mentor_ids: list[PersonId]
    raw: np.ndarray
    feasible: np.ndarray
    max_pair_score: float
