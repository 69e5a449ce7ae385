"""Vectorised scoring of blocks of mentees against all mentors, and the per-person counts
gathered on the way. Internal to :mod:`mentoring.matching`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .criteria import CodedScorer
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
    scratch: np.ndarray  # float64 of the block's shape, free for its consumers, one at a time


def block_rows(n_mentors: int, n_slots: int) -> int:
    return max(1, BLOCK_ELEMENTS // max(1, n_mentors, n_slots))


def contiguous_blocks(n_mentees: int, n_mentors: int, n_slots: int) -> Iterator[np.ndarray]:
    step = block_rows(n_mentors, n_slots)
    for start in range(0, n_mentees, step):
        yield np.arange(start, min(start + step, n_mentees), dtype=np.intp)


class Workspace:
    """The arrays of one block, allocated once per run and reused by every block.

    A fresh block-sized array per block and step (~10 MB each at 10,000 × 4,000) is returned
    to the system when freed and faults its pages in again when the next block allocates
    one: at 10,000 × 4,000 that cost more than the scoring arithmetic. A block's arrays are
    therefore views into these, valid until the next block is scored."""

    def __init__(self, max_rows: int, n_mentors: int, n_rules: int) -> None:
        shape = (max_rows, n_mentors)
        self.raw = np.empty(shape)
        self.values = np.empty(shape)
        self.allowed = np.empty(shape, dtype=bool)
        self.passes = np.empty(shape, dtype=bool)
        self.forbidden = np.empty(shape, dtype=bool)
        self.feasible = np.empty(shape, dtype=bool)
        self.failures = [np.empty(shape, dtype=bool) for _ in range(n_rules)]

    @classmethod
    def for_problem(cls, problem: Problem, max_rows: int) -> Workspace:
        return cls(max_rows, len(problem.mentors), len(problem.rule_criteria))


def score_block(problem: Problem, rows: np.ndarray, workspace: Workspace | None = None) -> Block:
    """Scores of ``rows`` against all mentors, in ``workspace``'s arrays (see there) or in
    arrays of their own."""
    n = len(rows)
    space = workspace or Workspace.for_problem(problem, n)
    raw = space.raw[:n]
    raw.fill(0.0)
    allowed = space.allowed[:n]
    allowed.fill(True)
    rule_failures: list[np.ndarray] = []
    for criterion, scorer in zip(problem.config.criteria, problem.scorers, strict=True):
        if not criterion.weight and criterion.rule is None:
            continue
        if isinstance(scorer, CodedScorer):
            values = scorer.into(rows, space.values[:n])
        else:
            values = scorer(rows)
        if criterion.rule is not None:
            passes = criterion.allows_block(values, out=space.passes[:n])
            failures = space.failures[len(rule_failures)][:n]
            rule_failures.append(np.logical_not(passes, out=failures))
            allowed &= passes
        if criterion.weight:  # values become weighted only after the rule has read them
            raw += np.multiply(values, criterion.weight, out=space.values[:n])
    forbidden = space.forbidden[:n]
    forbidden.fill(False)
    banned_here = False
    for position, mentee in enumerate(rows.tolist()):
        banned = problem.forbidden.get(mentee)
        if banned is not None:
            forbidden[position, banned] = True
            banned_here = True
    if banned_here:
        allowed &= ~forbidden
    feasible = np.logical_and(allowed, problem.mentor_active[None, :], out=space.feasible[:n])
    return Block(rows, raw, rule_failures, forbidden, allowed, feasible, space.values[:n])


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
            block.raw, block.feasible, self.candidate_mentors.shape[1], block.scratch
        )
        self.candidate_mentors[rows] = columns
        self.candidate_scores[rows] = values


def _top_candidates(
    raw: np.ndarray, feasible: np.ndarray, limit: int, scratch: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ``limit`` best feasible columns by score (−1 pads), ties to the lower
    column, and their scores. ``scratch`` (of ``raw``'s shape) is overwritten.

    ``limit`` rounds of argmax (which returns the first maximum, i.e. the lowest column)
    are much cheaper than a partition or sort of every row."""
    n_rows, n_columns = raw.shape
    columns = np.full((n_rows, limit), -1, dtype=np.intp)
    values = np.zeros((n_rows, limit))
    if n_columns == 0:
        return columns, values
    masked = masked_where_infeasible(raw, feasible, scratch)
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


def masked_where_infeasible(
    values: np.ndarray, feasible: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """``np.where(feasible, values, -inf)`` written into ``out`` (see :class:`Workspace`)."""
    out.fill(-np.inf)
    np.copyto(out, values, where=feasible)
    return out
