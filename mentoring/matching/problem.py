"""Preparing a matching problem: people sorted by id, criteria resolved, pins checked, pairs
evaluated one by one. Internal to :mod:`mentoring.matching`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .criteria import (
    BlockScorer,
    CodedScorer,
    CriterionKind,
    ScoringCriterion,
    get_criterion_kind,
)
from .types import (
    CriterionScore,
    MatchingConfig,
    PairEvaluation,
    Person,
    PersonId,
    PinIssue,
    PinIssueReason,
    id_key,
)


def _sorted_people(people: Sequence[Person], role: str) -> list[Person]:
    ordered = sorted(people, key=lambda person: id_key(person.id))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.id == after.id:
            raise ValueError(f"duplicate {role} id {before.id!r}")
    for person in ordered:
        if person.capacity < 0:
            raise ValueError(f"{role} {person.id!r}: capacity must not be negative")
    return ordered


@dataclass
class Problem:
    """Inputs sorted by id, criteria resolved, block scorers prepared."""

    config: MatchingConfig
    mentees: list[Person]
    mentors: list[Person]
    mentee_index: dict[PersonId, int]
    mentor_index: dict[PersonId, int]
    kinds: tuple[CriterionKind, ...]
    scorers: tuple[BlockScorer, ...]
    mentee_active: np.ndarray
    mentor_active: np.ndarray
    capacity: np.ndarray
    forbidden: dict[int, np.ndarray]
    forbidden_pairs: set[tuple[int, int]]

    @classmethod
    def build(
        cls, mentees: Sequence[Person], mentors: Sequence[Person], config: MatchingConfig
    ) -> Problem:
        sorted_mentees = _sorted_people(mentees, "mentee")
        sorted_mentors = _sorted_people(mentors, "mentor")
        kinds = tuple(get_criterion_kind(criterion.kind) for criterion in config.criteria)
        mentee_attributes = [m.attributes for m in sorted_mentees]
        mentor_attributes = [m.attributes for m in sorted_mentors]
        scorers = tuple(
            kind.block_scorer(
                _values(mentee_attributes, criterion.mentee_attribute),
                _values(mentor_attributes, criterion.mentor_attribute),
                criterion,
            )
            for kind, criterion in zip(kinds, config.criteria, strict=True)
        )
        mentee_index = {m.id: i for i, m in enumerate(sorted_mentees)}
        mentor_index = {m.id: j for j, m in enumerate(sorted_mentors)}
        forbidden_pairs = {
            (mentee_index[a], mentor_index[b])
            for a, b in config.forbidden
            if a in mentee_index and b in mentor_index
        }
        by_mentee: dict[int, list[int]] = {}
        for i, j in sorted(forbidden_pairs):
            by_mentee.setdefault(i, []).append(j)
        return cls(
            config=config,
            mentees=sorted_mentees,
            mentors=sorted_mentors,
            mentee_index=mentee_index,
            mentor_index=mentor_index,
            kinds=kinds,
            scorers=scorers,
            mentee_active=np.array([not m.paused for m in sorted_mentees], dtype=bool),
            mentor_active=np.array([not m.paused for m in sorted_mentors], dtype=bool),
            capacity=np.array([m.capacity for m in sorted_mentors], dtype=np.int64),
            forbidden={i: np.array(js, dtype=np.intp) for i, js in by_mentee.items()},
            forbidden_pairs=forbidden_pairs,
        )

    @property
    def rule_criteria(self) -> list[ScoringCriterion]:
        return [criterion for criterion in self.config.criteria if criterion.rule is not None]

    def evaluate(self, mentee: int, mentor: int) -> PairEvaluation:
        return evaluate_people(
            self.mentees[mentee],
            self.mentors[mentor],
            self.config.criteria,
            self.kinds,
            self.config.max_pair_score,
        )

    def mentee_in(self, pool: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` belong to the sorted index array ``pool``."""
        positions = np.searchsorted(pool, rows)
        inside = positions < len(pool)
        inside[inside] = pool[positions[inside]] == rows[inside]
        return inside


def _values(attributes: Sequence[Mapping[str, object]], name: str) -> list[object]:
    return [person.get(name) for person in attributes]


def evaluate_people(
    mentee: Person,
    mentor: Person,
    criteria: Sequence[ScoringCriterion],
    kinds: Sequence[CriterionKind],
    max_pair_score: float,
) -> PairEvaluation:
    total = 0.0
    breakdown: list[CriterionScore] = []
    failed: list[str] = []
    for criterion, kind in zip(criteria, kinds, strict=True):
        mentee_value = mentee.attributes.get(criterion.mentee_attribute)
        mentor_value = mentor.attributes.get(criterion.mentor_attribute)
        raw = kind.checked_score(mentee_value, mentor_value, criterion)
        reason, params = kind.explain(mentee_value, mentor_value, criterion, raw)
        contribution = criterion.weight * raw
        if criterion.weight:  # same summation as the vectorised path, so scores agree exactly
            total += contribution
        if not criterion.allows(raw):
            failed.append(criterion.key)
        breakdown.append(
            CriterionScore(
                criterion.key,
                criterion.kind,
                criterion.weight,
                criterion.rule,
                raw,
                contribution,
                reason,
                params,
            )
        )
    return PairEvaluation(total, percent(total, max_pair_score), breakdown, failed)


class PairExplainer:
    """Evaluates pairs of a problem exactly like :func:`evaluate_people`, remembering each
    criterion's breakdown line per pair of distinct (mentee value, mentor value).

    Kinds are pure functions of the two values (see
    :func:`~mentoring.matching.criteria.register_criterion_kind`), so a proposal's
    explanation is computed once per distinct combination instead of once per pair: cohorts
    repeat the same organisations, regions and topic lists many times. The built-in kinds
    number their values while they prepare (:class:`~mentoring.matching.criteria.CodedScorer`),
    so a line is found by two integers. Otherwise values are told apart by type as well as by
    equality (``1`` and ``True`` never share a line); a value that cannot be hashed is simply
    evaluated every time."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        criteria = problem.config.criteria
        self.lines: tuple[_Line, ...] = tuple(
            _Line(criterion, kind, scorer)
            for criterion, kind, scorer in zip(
                criteria, problem.kinds, problem.scorers, strict=True
            )
        )
        self.max_pair_score = problem.config.max_pair_score

    def evaluate(self, mentee: int, mentor: int) -> PairEvaluation:
        mentee_attributes = self.problem.mentees[mentee].attributes
        mentor_attributes = self.problem.mentors[mentor].attributes
        total = 0.0
        breakdown: list[CriterionScore] = []
        failed: list[str] = []
        for line_of in self.lines:
            line = line_of.find(mentee, mentor, mentee_attributes, mentor_attributes)
            criterion = line_of.criterion
            if criterion.weight:  # same summation as the vectorised path
                total += line.contribution
            if not criterion.allows(line.raw):
                failed.append(criterion.key)
            breakdown.append(line)
        return PairEvaluation(total, percent(total, self.max_pair_score), breakdown, failed)


class _Line:
    """One criterion's breakdown lines, remembered by the codes of the two values (or by the
    values themselves)."""

    __slots__ = (
        "cache",
        "criterion",
        "kind",
        "mentee_attribute",
        "mentee_codes",
        "mentor_attribute",
        "mentor_codes",
    )

    def __init__(
        self, criterion: ScoringCriterion, kind: CriterionKind, scorer: BlockScorer
    ) -> None:
        self.criterion = criterion
        self.kind = kind
        self.mentee_attribute = criterion.mentee_attribute
        self.mentor_attribute = criterion.mentor_attribute
        self.mentee_codes: list[int] | None = None
        self.mentor_codes: list[int] | None = None
        if isinstance(scorer, CodedScorer):
            self.mentee_codes, self.mentor_codes = scorer.mentee_codes, scorer.mentor_codes
        self.cache: dict[object, CriterionScore] = {}

    def find(
        self, mentee: int, mentor: int, mentee_attributes: Mapping, mentor_attributes: Mapping
    ) -> CriterionScore:
        """The line of the pair (``mentee``, ``mentor``), computed the first time it is asked for
        (the values are read only then when the kind numbers them)."""
        if self.mentee_codes is not None and self.mentor_codes is not None:
            codes = (self.mentee_codes[mentee], self.mentor_codes[mentor])
            line = self.cache.get(codes)
            if line is None:
                mentee_value = mentee_attributes.get(self.mentee_attribute)
                mentor_value = mentor_attributes.get(self.mentor_attribute)
                line = _criterion_line(self.criterion, self.kind, mentee_value, mentor_value)
                self.cache[codes] = line
            return line
        mentee_value = mentee_attributes.get(self.mentee_attribute)
        mentor_value = mentor_attributes.get(self.mentor_attribute)
        key: tuple[object, object] | None = (_value_key(mentee_value), _value_key(mentor_value))
        try:
            line = self.cache.get(key)
        except TypeError:  # an unhashable value: no caching
            key, line = None, None
        if line is None:
            line = _criterion_line(self.criterion, self.kind, mentee_value, mentor_value)
            if key is not None:
                self.cache[key] = line
        return line


def _value_key(value: object) -> object:
    """A hashable key equal only for values of the same types that compare equal."""
    kind = type(value)
    if kind is str:
        return value
    if kind is list or kind is tuple:
        return kind, tuple([_value_key(item) for item in value])  # type: ignore[attr-defined]
    if kind is set or kind is frozenset:
        return kind, frozenset([_value_key(item) for item in value])  # type: ignore[attr-defined]
    return kind, value


def _criterion_line(
    criterion: ScoringCriterion, kind: CriterionKind, mentee_value: object, mentor_value: object
) -> CriterionScore:
    raw = kind.checked_score(mentee_value, mentor_value, criterion)
    reason, params = kind.explain(mentee_value, mentor_value, criterion, raw)
    return CriterionScore(
        criterion.key,
        criterion.kind,
        criterion.weight,
        criterion.rule,
        raw,
        criterion.weight * raw,
        reason,
        params,
    )


def percent(raw_score: float, max_pair_score: float) -> float:
    return 100.0 * raw_score / max_pair_score if max_pair_score > 0 else 100.0


def resolve_pins(problem: Problem) -> tuple[list[tuple[int, int]], list[PinIssue]]:
    """Valid pins in the configured order (earlier pins win); each invalid one becomes a
    :class:`PinIssue`."""
    remaining = np.where(problem.mentor_active, problem.capacity, 0)
    pinned_to: dict[int, int] = {}
    pins: list[tuple[int, int]] = []
    issues: list[PinIssue] = []
    for mentee_id, mentor_id in problem.config.pinned:
        issue = _pin_issue(problem, mentee_id, mentor_id, remaining, pinned_to, pins)
        if issue is not None:
            issues.append(PinIssue(mentee_id, mentor_id, issue[0], issue[1]))
            continue
        mentee, mentor = problem.mentee_index[mentee_id], problem.mentor_index[mentor_id]
        pinned_to[mentee] = mentor
        remaining[mentor] -= 1
        pins.append((mentee, mentor))
    return pins, issues


def _pin_issue(
    problem: Problem,
    mentee_id: PersonId,
    mentor_id: PersonId,
    remaining: np.ndarray,
    pinned_to: Mapping[int, int],
    earlier: Sequence[tuple[int, int]],
) -> tuple[PinIssueReason, dict[str, object]] | None:
    """Why this pin cannot be kept, given the ``earlier`` pins already kept, or None."""
    if mentee_id not in problem.mentee_index or mentor_id not in problem.mentor_index:
        return PinIssueReason.UNKNOWN_PERSON, {
            "mentee_known": mentee_id in problem.mentee_index,
            "mentor_known": mentor_id in problem.mentor_index,
        }
    mentee, mentor = problem.mentee_index[mentee_id], problem.mentor_index[mentor_id]
    if not problem.mentee_active[mentee]:
        return PinIssueReason.MENTEE_PAUSED, {}
    if not problem.mentor_active[mentor]:
        return PinIssueReason.MENTOR_PAUSED, {}
    if (mentee, mentor) in problem.forbidden_pairs:
        return PinIssueReason.FORBIDDEN, {}
    failed = problem.evaluate(mentee, mentor).failed_rules
    if failed:
        rules = {criterion.key: criterion.rule for criterion in problem.config.criteria}
        return PinIssueReason.BREAKS_RULE, {
            "rules": [{"criterion": key, "rule": rules[key]} for key in failed]
        }
    if mentee in pinned_to:
        return PinIssueReason.MENTEE_ALREADY_PINNED, {
            "pinned_to": problem.mentors[pinned_to[mentee]].id
        }
    if remaining[mentor] <= 0:
        return PinIssueReason.CAPACITY_EXCEEDED, {
            "capacity": int(problem.capacity[mentor]),
            "pinned_mentees": [problem.mentees[i].id for i, j in earlier if j == mentor],
        }
    return None


def remaining_capacity(problem: Problem, pins: Sequence[tuple[int, int]]) -> np.ndarray:
    remaining = np.where(problem.mentor_active, problem.capacity, 0).astype(np.int64)
    for _mentee, mentor in pins:
        remaining[mentor] -= 1
    return remaining


def unpinned_active_mentees(problem: Problem, pins: Sequence[tuple[int, int]]) -> np.ndarray:
    eligible = problem.mentee_active.copy()
    for mentee, _mentor in pins:
        eligible[mentee] = False
    return np.flatnonzero(eligible)
