"""Turning an assignment into a :class:`~mentoring.matching.types.MatchResult`: explained pairs,
alternatives, and a reason for every mentee without a mentor and every mentor with free places.
Internal to :mod:`mentoring.matching`."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from .problem import PairExplainer, Problem
from .scoring import Tally
from .types import (
    Alternative,
    FreeMentor,
    FreeMentorReason,
    MatchResult,
    MatchStats,
    Pair,
    PersonId,
    PinIssue,
    Unmatched,
    UnmatchedReason,
)


def build_result(
    problem: Problem,
    assignment: Mapping[int, int],
    pinned: Collection[int],
    pin_issues: list[PinIssue],
    tally: Tally,
    *,
    method: str,
    slots: int,
    seconds: dict[str, float],
) -> MatchResult:
    used = np.bincount(
        np.array(list(assignment.values()), dtype=np.intp), minlength=len(problem.mentors)
    )
    free = np.where(problem.mentor_active, problem.capacity - used, 0)
    explainer = PairExplainer(problem)
    pairs = [
        _pair(problem, explainer, mentee, assignment[mentee], mentee in pinned)
        for mentee in sorted(assignment)
    ]
    unmatched = [
        _unmatched(problem, tally, i) for i in range(len(problem.mentees)) if i not in assignment
    ]
    alternatives = _alternatives(problem, tally, assignment, free)
    active_mentees = int(problem.mentee_active.sum())
    stats = MatchStats(
        method=method,
        fairness=problem.config.fairness if method == "optimal" else "none",
        mentees=len(problem.mentees),
        mentors=len(problem.mentors),
        slots=slots,
        feasible_pairs=int(tally.feasible_active[problem.mentee_active].sum()),
        seconds=seconds,
    )
    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        total_score=sum((pair.raw_score for pair in pairs), 0.0),
        matched_count=len(pairs),
        alternatives=alternatives,
        free_mentors=_free_mentors(problem, tally, free, used, active_mentees),
        pin_issues=pin_issues,
        stats=stats,
    )


def _alternatives(
    problem: Problem, tally: Tally, assignment: Mapping[int, int], free: np.ndarray
) -> dict[PersonId, list[Alternative]]:
    """Each active mentee's best feasible mentors other than the assigned one."""
    max_score = problem.config.max_pair_score
    top_k = problem.config.top_k
    mentee_ids = [mentee.id for mentee in problem.mentees]
    mentor_ids = [mentor.id for mentor in problem.mentors]
    free_places = free.tolist()
    shares = (
        100.0 * tally.candidate_scores / max_score  # the same operations as percent()
        if max_score > 0
        else np.full(tally.candidate_scores.shape, 100.0)
    )  # percent() of every candidate at once
    result: dict[PersonId, list[Alternative]] = {}
    active = problem.mentee_active.tolist()
    for i, (columns, raws, row_shares) in enumerate(
        zip(
            tally.candidate_mentors.tolist(),
            tally.candidate_scores.tolist(),
            shares.tolist(),
            strict=True,
        )
    ):
        if not active[i]:
            continue
        assigned = assignment.get(i)
        result[mentee_ids[i]] = [
            Alternative(mentor_ids[j], share, raw, int(free_places[j]))
            for j, raw, share in zip(columns, raws, row_shares, strict=True)
            if j >= 0 and j != assigned
        ][:top_k]
    return result


def _pair(
    problem: Problem, explainer: PairExplainer, mentee: int, mentor: int, pinned: bool
) -> Pair:
    evaluation = explainer.evaluate(mentee, mentor)
    return Pair(
        problem.mentees[mentee].id,
        problem.mentors[mentor].id,
        evaluation.score,
        evaluation.raw_score,
        evaluation.breakdown,
        pinned,
    )


def _unmatched(problem: Problem, tally: Tally, mentee: int) -> Unmatched:
    mentee_id = problem.mentees[mentee].id
    if not problem.mentee_active[mentee]:
        return Unmatched(mentee_id, UnmatchedReason.MENTEE_PAUSED, {})
    if not problem.mentors:
        return Unmatched(mentee_id, UnmatchedReason.NO_MENTORS, {})
    feasible = int(tally.feasible_active[mentee])
    if feasible > 0:
        no_place = int(tally.feasible_no_place[mentee])
        full_with_pins = int(tally.feasible_full_with_pins[mentee])
        if feasible > no_place + full_with_pins:
            return Unmatched(
                mentee_id, UnmatchedReason.CAPACITY_EXHAUSTED, {"feasible_mentors": feasible}
            )
        if full_with_pins:
            return Unmatched(
                mentee_id,
                UnmatchedReason.PLACES_PINNED,
                {"feasible_mentors": feasible, "pinned_mentors": full_with_pins},
            )
        return Unmatched(mentee_id, UnmatchedReason.NO_FREE_PLACE, {"feasible_mentors": feasible})
    if tally.feasible_paused[mentee] > 0:
        return Unmatched(
            mentee_id,
            UnmatchedReason.ALL_MENTORS_PAUSED,
            {"paused_mentors": int(tally.feasible_paused[mentee])},
        )
    return Unmatched(
        mentee_id, UnmatchedReason.NO_FEASIBLE_MENTOR, _exclusions(problem, tally, mentee)
    )


def _exclusions(problem: Problem, tally: Tally, mentee: int) -> dict[str, object]:
    """Which hard rules and bans excluded the active mentors (a mentor may count under
    several rules)."""
    active = int(problem.mentor_active.sum())
    by_rule = [
        {"criterion": criterion.key, "rule": criterion.rule, "mentors": int(count)}
        for criterion, count in zip(problem.rule_criteria, tally.rule_excluded[mentee], strict=True)
        if count > 0
    ]
    return {
        "active_mentors": active,
        "paused_mentors": len(problem.mentors) - active,
        "excluded_by_rule": by_rule,
        "excluded_by_forbidden": int(tally.forbidden_excluded[mentee]),
    }


def _free_mentors(
    problem: Problem, tally: Tally, free: np.ndarray, used: np.ndarray, active_mentees: int
) -> list[FreeMentor]:
    result = []
    for j, mentor in enumerate(problem.mentors):
        if not problem.mentor_active[j]:
            if mentor.capacity > 0:
                result.append(
                    FreeMentor(mentor.id, mentor.capacity, FreeMentorReason.MENTOR_PAUSED, {})
                )
        elif free[j] > 0 and tally.mentor_feasible[j] == 0:
            result.append(
                FreeMentor(
                    mentor.id,
                    int(free[j]),
                    FreeMentorReason.NO_FEASIBLE_MENTEE,
                    {"active_mentees": active_mentees},
                )
            )
        elif free[j] > 0 and tally.mentor_feasible[j] <= used[j]:
            result.append(
                FreeMentor(
                    mentor.id,
                    int(free[j]),
                    FreeMentorReason.NO_OTHER_FEASIBLE_MENTEE,
                    {"matched_here": int(used[j])},
                )
            )
        elif free[j] > 0:
            result.append(
                FreeMentor(
                    mentor.id,
                    int(free[j]),
                    FreeMentorReason.FEASIBLE_MENTEES_MATCHED_ELSEWHERE,
                    {"feasible_mentees": int(tally.mentor_feasible[j] - used[j])},
                )
            )
    return result
