"""Reference solutions for checking the matching engine: a greedy baseline and an exhaustive
search. Used by the tests and by ``python -m bench``; not part of the package."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from mentoring.matching import MatchingConfig, MatchResult, Person
from mentoring.matching.engine import Clock
from mentoring.matching.problem import (
    Problem,
    remaining_capacity,
    resolve_pins,
    unpinned_active_mentees,
)
from mentoring.matching.reasons import build_result
from mentoring.matching.scoring import Tally, block_rows, score_block

__all__ = ["brute_force_optimum", "greedy_baseline"]


def greedy_baseline(
    mentees: Sequence[Person], mentors: Sequence[Person], config: MatchingConfig
) -> MatchResult:
    """A baseline for comparison: mentees in input order each take their best remaining
    feasible mentor (ties to the lowest mentor id). Honours rules, pins and capacities;
    ignores fairness options."""
    clock = Clock()
    problem = Problem.build(mentees, mentors, config)
    pins, pin_issues = resolve_pins(problem)
    remaining = remaining_capacity(problem, pins)
    pinned = {i for i, _ in pins}
    order = np.array([problem.mentee_index[m.id] for m in mentees], dtype=np.intp)
    assignment = dict(pins)
    tally = Tally(problem, remaining)
    step = block_rows(len(problem.mentors), 0)
    for start in range(0, len(order), step):
        rows = order[start : start + step]
        block = score_block(problem, rows)
        tally.add(block)
        for position, mentee in enumerate(rows.tolist()):
            if not problem.mentee_active[mentee] or mentee in pinned:
                continue
            options = np.where(
                block.feasible[position] & (remaining > 0), block.raw[position], -np.inf
            )
            best = int(np.argmax(options)) if len(options) else -1
            if best >= 0 and options[best] > -np.inf:
                assignment[mentee] = best
                remaining[best] -= 1
    clock.lap("greedy")
    return build_result(
        problem,
        assignment,
        pinned,
        pin_issues,
        tally,
        method="greedy",
        slots=int(remaining.sum()) + len(assignment),
        seconds=clock.seconds,
    )


def brute_force_optimum(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    config: MatchingConfig,
    *,
    max_mentees: int = 8,
) -> tuple[int, float]:
    """``(matched count, total score)`` of the lexicographic optimum by exhaustive search.

    A reference for tests on tiny instances: it scores pairs with the pairwise criterion
    functions (not the vectorised ones) and enumerates every assignment. Pins are fixed the
    same way as in :func:`match`. Raises ``ValueError`` above ``max_mentees`` free mentees.
    """
    problem = Problem.build(mentees, mentors, config)
    pins, _issues = resolve_pins(problem)
    remaining = remaining_capacity(problem, pins).tolist()
    pool = unpinned_active_mentees(problem, pins).tolist()
    if len(pool) > max_mentees:
        raise ValueError(f"brute force is limited to {max_mentees} free mentees, got {len(pool)}")
    options = {
        i: [
            (j, evaluation.raw_score)
            for j in range(len(problem.mentors))
            if (evaluation := problem.evaluate(i, j)).passes_rules
            and problem.mentor_active[j]
            and (i, j) not in problem.forbidden_pairs
        ]
        for i in pool
    }
    best = (-1, -math.inf)

    def explore(position: int, count: int, total: float) -> None:
        nonlocal best
        if position == len(pool):
            best = max(best, (count, total))
            return
        explore(position + 1, count, total)
        for mentor, raw in options[pool[position]]:
            if remaining[mentor] > 0:
                remaining[mentor] -= 1
                explore(position + 1, count + 1, total + raw)
                remaining[mentor] += 1

    pinned_total = sum((problem.evaluate(i, j).raw_score for i, j in pins), 0.0)
    explore(0, len(pins), pinned_total)
    return best
