"""Vectorised scoring of blocks of mentees against all mentors, and the per-person counts
gathered on the way. Internal to :mod:`mentoring.matching`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .problem import Problem

BLOCK_ELEMENTS = 1 << 21  # cells per scoring block: ~16 MB per float64 temporary


@dataclass
class Block:
    """Scores of a block of mentees (``rows``) against all mentors."""

    rows: np.ndarray
    raw: np.ndarray  # weighted soft score
    rule_failures: list[np.ndarray]  # per rule criterion: pair breaks it
    forbidden: np.ndarray
    allowed: np.ndarray  # passes all rules and not forbidden
    feasible: np.ndarray  # allowed and mentor active


def block_rows(n_mentors: int, n_slots: int) -> int:
    return max(1, BLOCK_ELEMENTS // max(1, n_mentors, n_slots))


def contiguous_blocks(n_mentees: int, n_mentors: int, n_slots: int) -> Iterator[np.ndarray]:
    step = block_rows(n_mentors, n_slots)
    for start in range(0, n_mentees, step):
        yield np.arange(start, min(start + step, n_mentees), dtype=np.intp)


def score_block(problem: Problem, rows: np.ndarray) -> Block:
    shape = (len(rows), len(problem.mentors))
    raw = np.zeros(shape)
    scratch = np.empty(shape)
    allowed = np.ones(shape, dtype=bool)
    rule_failures = []
    for criterion, scorer in zip(problem.config.criteria, problem.scorers, strict=True):
        if not criterion.weight and criterion.rule is None:
            continue
        values = scorer(rows)
        if criterion.weight:
            raw += np.multiply(values, criterion.weight, out=scratch)
        if criterion.rule is not None:
            passes = criterion.allows_block(values)
            rule_failures.append(~passes)
            allowed &= passes
    forbidden = np.zeros(shape, dtype=bool)
    for position, mentee in enumerate(rows.tolist()):
        banned = problem.forbidden.get(mentee)
        if banned is not None:
            forbidden[position, banned] = True
    allowed &= ~forbidden
    return Block(
        rows, raw, rule_failures, forbidden, allowed, allowed & problem.mentor_active[None, :]
    )


class Tally:
    """Per-mentee and per-mentor counts gathered while scoring, for reasons and alternatives."""

    def __init__(self, problem: Problem, remaining: np.ndarray) -> None:
        """``remaining``: each mentor's places after the kept pins."""
        n_mentees, n_mentors = len(problem.mentees), len(problem.mentors)
        self.problem = problem
        active = problem.mentor_active
        self.no_place = active & (problem.capacity == 0)
        self.full_with_pins = active & (problem.capacity > 0) & (remaining <= 0)
        self.feasible_active = np.zeros(n_mentees, dtype=np.int64)
        self.feasible_no_place = np.zeros(n_mentees, dtype=np.int64)
        self.feasible_full_with_pins = np.zeros(n_mentees, dtype=np.int64)
        self.feasible_paused = np.zeros(n_mentees, dtype=np.int64)
        self.rule_excluded = np.zeros((n_mentees, len(problem.rule_criteria)), dtype=np.int64)
        self.forbidden_excluded = np.zeros(n_mentees, dtype=np.int64)
        self.mentor_feasible = np.zeros(n_mentors, dtype=np.int64)
        limit = problem.config.top_k + 1  # one more, as the assigned mentor is left out
        # each mentee's best feasible mentors, best first (−1: none), and their scores
        self.candidate_mentors = np.full((n_mentees, limit), -1, dtype=np.intp)
        self.candidate_scores = np.zeros((n_mentees, limit))

    def add(self, block: Block) -> None:
        active_mentors = self.problem.mentor_active[None, :]
        rows = block.rows
        self.feasible_active[rows] = np.count_nonzero(block.feasible, axis=1)
        if self.no_place.any():
            self.feasible_no_place[rows] = np.count_nonzero(block.feasible & self.no_place, axis=1)
        if self.full_with_pins.any():
            self.feasible_full_with_pins[rows] = np.count_nonzero(
                block.feasible & self.full_with_pins, axis=1
            )
        self.feasible_paused[rows] = np.count_nonzero(block.allowed & ~active_mentors, axis=1)
        for column, failures in enumerate(block.rule_failures):
            self.rule_excluded[rows, column] = np.count_nonzero(failures & active_mentors, axis=1)
        if self.problem.forbidden:
            self.forbidden_excluded[rows] = np.count_nonzero(
                block.forbidden & active_mentors, axis=1
            )
        self.mentor_feasible += np.count_nonzero(
            block.feasible[self.problem.mentee_active[rows]], axis=0
        )
        columns, values = _top_candidates(
            block.raw, block.feasible, self.candidate_mentors.shape[1]
        )
        self.candidate_mentors[rows] = columns
        self.candidate_scores[rows] = values


def _top_candidates(
    raw: np.ndarray, feasible: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ``limit`` best feasible columns by score (−1 pads), ties to the lower
    column, and their scores.

    ``limit`` rounds of argmax (which returns the first maximum, i.e. the lowest column)
    are much cheaper than a partition or sort of every row."""
    n_rows, n_columns = raw.shape
    columns = np.full((n_rows, limit), -1, dtype=np.intp)
    values = np.zeros((n_rows, limit))
    if n_columns == 0:
        return columns, values
    masked = np.where(feasible, raw, -np.inf)
    every_row = np.arange(n_rows)
    for position in range(min(limit, n_columns)):
        best = np.argmax(masked, axis=1)
        found = masked[every_row, best]
        present = found > -np.inf
        if not present.any():
            break
        columns[present, position] = best[present]
        values[present, position] = found[present]
        masked[every_row, best] = -np.inf
    return columns, values
