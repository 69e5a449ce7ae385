"""Solving the capacitated assignment exactly: on a sparse candidate graph with an optimality
certificate (the default), or on one dense matrix (the reference, and the fallback).
Internal to :mod:`mentoring.matching`; the problem and why the solution is exact are in
:mod:`mentoring.matching.engine`.

Both solvers maximise Σ (BIG + u) over feasible (mentee, mentor) pairs, where ``u`` is the
pair's objective term (its weighted score, or the fairness variant of it) and BIG makes the
number of pairs dominate.

Sparse solving
--------------
While the engine scores mentees block by block, :class:`SparseSolver` keeps, for every mentee of
the pool, its :data:`PER_MENTEE` best mentors and, for every mentor, its :data:`PER_MENTOR` best
mentees (all of them when tied at the cut), with exact float64 terms: the *candidate graph*. It
also keeps every term as float32 (4 bytes a pair) for the certificate below. Then, in rounds:

1. Solve the restricted problem exactly: mentors expanded into identical places (slots),
   :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching` (LAPJVsp, a sparse
   shortest-augmenting-path method) with rows = the smaller side and one "leave unmatched"
   column per row.
2. Build a dual solution of the restricted problem from that assignment. In the linear
   programme max Σ w·x (each mentee ≤ 1 pair, each mentor ≤ its places; totally unimodular, so
   the LP optimum is the integer optimum) the duals are a value ``y`` per mentee and a price
   ``z`` per mentor, both ≥ 0, with ``y_i + z_j ≥ w_ij`` on every edge. Complementary
   slackness fixes ``y_i = 0`` for unmatched mentees, ``y_i = w_iσ(i) − z_σ(i)`` for matched
   ones and ``z_j = 0`` for mentors with a free place; what remains are difference
   constraints on the prices, ``z_j ≥ z_σ(i) − (u_iσ(i) − u_ij)`` and ``z_j ≥ BIG + u_ij`` for
   unmatched mentees, whose least solution is a longest-path problem: Bellman–Ford, vectorised.
   (It exists because the assignment is optimal on the candidate graph: a positive cycle or a
   price on a mentor with a free place would be an improving exchange.)
3. Price every feasible pair of the *whole* problem against these duals, from the float32
   copy: a mentee whose best ``u_ij − z_j`` comes within float32 rounding of its ``y_i − BIG``
   is re-scored exactly with the vectorised scorers. If no pair has ``y_i + z_j < w_ij``, the
   duals are feasible for the whole problem and have the same objective as the assignment,
   so by LP duality the assignment is optimal for the whole problem: done. Otherwise the
   violating pairs (and near-violating ones of the same mentees, to save rounds) join the
   graph and the next round starts.

Each round adds at least one pair, so the rounds end; in the benchmark cohort the first
certificate usually holds after one or two extra rounds. Should the certificate ever fail to
build (only conceivable through floating-point trouble), the dense solver takes over.

Dense solving
-------------
The slot-expanded cost matrix, rows = the smaller side, for
:func:`scipy.optimize.linear_sum_assignment`. About 8 bytes per (mentee, place): fine for a
few thousand people, 0.6 GB at 10,000 × 4,000.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

PER_MENTEE = 24  # candidate mentors kept per mentee
# candidate mentees kept per mentor (more when tied at the cut). Measured: with 24, the first
# candidate graph of six in ten 1,000-mentee cohorts proved optimal (with 8: none), saving 8 ms
# of 36; at 10,000 mentees it saved no round and cost 0.3 s of selection. So 8.
PER_MENTOR = 8
MAX_ROUNDS = 25  # safety net: beyond this the dense solver finishes the job
TOLERANCE = 1e-9  # a dual constraint violated by less is a tie, not an improvement
NEAR = 0.25  # share of a score point: near-violations added with the violations
CYCLE_EPSILON = 1e-12  # keeps rounding from turning a zero-length exchange cycle negative


class SparseSolver:
    """Collects candidate pairs while the engine scores, then solves with a certificate."""

    def __init__(self, n_pool: int, capacity: np.ndarray, big: float, max_term: float) -> None:
        """``capacity``: places per mentor (all mentors, sorted by id) open to the pool."""
        self.usable = np.flatnonzero(capacity > 0)
        self.places = capacity[self.usable].astype(np.int64)
        self.n_pool = n_pool
        self.big = big
        n_usable = len(self.usable)
        self.store = np.empty((n_pool, n_usable), dtype=np.float32)
        # float32 keeps ~7 digits: everything within this of a violation is checked exactly
        self.margin = 4 * np.finfo(np.float32).eps * max(1.0, max_term) + TOLERANCE
        self.near = NEAR * max(1e-3, min(1.0, max_term))
        self._rows: list[np.ndarray] = []
        self._columns: list[np.ndarray] = []
        self._terms: list[np.ndarray] = []
        keep = (n_usable, PER_MENTOR)
        self._mentor_rows = np.zeros(keep, dtype=np.intp)  # best pool positions per mentor
        self._mentor_values = np.full(keep, -np.inf, dtype=np.float32)
        self._mentor_terms = np.full(keep, -np.inf)  # their exact terms
        self.rounds = 0
        self.fallback = False
        self._scratch = _Scratch()

    def add(self, first: int, terms: np.ndarray) -> None:
        """Terms of consecutive pool mentees from pool position ``first`` against every mentor
        (−inf where infeasible)."""
        n_rows = terms.shape[0]
        n_usable = len(self.usable)
        if not n_usable or not n_rows:
            return
        if n_usable < terms.shape[1]:
            terms = np.take(terms, self.usable, axis=1, out=self._scratch.double(n_rows, n_usable))
        approximate = self.store[first : first + n_rows]
        approximate[...] = terms
        # Candidates are chosen on the float32 copy, ranked by value with ties to the lower
        # index (argmax returns the first maximum), so the choice is canonical whatever the
        # blocks; the graph gets the exact float64 terms.
        columns, values = _best_per_row(
            approximate, PER_MENTEE, self._scratch.single(n_rows, n_usable)
        )
        rows, ranks = np.nonzero(values > -np.inf)
        columns = columns[rows, ranks]
        self._rows.append(first + rows)
        self._columns.append(columns)
        self._terms.append(terms[rows, columns])
        if not PER_MENTOR:
            return
        # per mentor: merge the best so far (earlier, so lower mentees first) with the block's
        by_mentor = self._scratch.single(n_usable, n_rows)
        by_mentor[...] = approximate.T
        block_rows, block_values = _best_per_row(by_mentor, PER_MENTOR, by_mentor)
        block_terms = terms[block_rows, np.arange(n_usable)[:, None]]
        merged_rows = np.concatenate([self._mentor_rows, first + block_rows], axis=1)
        merged_values = np.concatenate([self._mentor_values, block_values], axis=1)
        merged_terms = np.concatenate([self._mentor_terms, block_terms], axis=1)
        picks, self._mentor_values = _best_per_row(merged_values, PER_MENTOR)
        self._mentor_rows = np.take_along_axis(merged_rows, picks, axis=1)
        self._mentor_terms = np.take_along_axis(merged_terms, picks, axis=1)

    def candidate_graph(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Deduplicated candidate pairs (pool position, usable column, term), sorted."""
        columns, ranks = np.nonzero(self._mentor_values > -np.inf)
        rows = self._mentor_rows[columns, ranks]
        terms = self._mentor_terms[columns, ranks]
        rows = np.concatenate([_joined(self._rows), rows]).astype(np.int64)
        columns = np.concatenate([_joined(self._columns), columns]).astype(np.int64)
        terms = np.concatenate([_joined(self._terms).astype(np.float64), terms])
        self._rows, self._columns, self._terms = [], [], []
        return _unique_edges(rows, columns, terms, len(self.usable))

    def solve(self, rescore: Callable[[np.ndarray], np.ndarray]) -> np.ndarray | None:
        """The optimal mentor (index among all mentors) per pool position, −1 for none; None
        when the certificate could not be built (then solve densely).

        ``rescore(pool_positions)`` returns the exact terms of those pool mentees against
        every mentor."""
        rows, columns, terms = self.candidate_graph()
        self.store[rows, columns] = -np.inf  # pairs in the graph are priced exactly already
        n_usable = len(self.usable)
        for self.rounds in range(1, MAX_ROUNDS + 1):
            assigned = self._assign(rows, columns, terms)
            duals = self._duals(rows, columns, terms, assigned)
            if duals is None:
                break
            prices, surplus = duals
            suspects = self._suspects(prices, surplus, float(self.margin + self.near))
            if not len(suspects):
                return self._mentors(assigned)
            new_rows, new_columns, new_terms = self._violations(suspects, rescore, prices, surplus)
            known = np.isin(new_rows * n_usable + new_columns, rows * n_usable + columns)
            new_rows, new_columns, new_terms = (
                new_rows[~known],
                new_columns[~known],
                new_terms[~known],
            )
            if not len(new_rows):  # optimal: no pair outside the graph beats the prices
                return self._mentors(assigned)
            self.store[new_rows, new_columns] = -np.inf
            rows, columns, terms = _unique_edges(
                np.concatenate([rows, new_rows]),
                np.concatenate([columns, new_columns]),
                np.concatenate([terms, new_terms]),
                n_usable,
            )
        self.fallback = True
        return None

    def _mentors(self, assigned: np.ndarray) -> np.ndarray:
        """Usable columns to mentor indices (−1 stays −1)."""
        result = np.full(len(assigned), -1, dtype=np.int64)
        matched = assigned >= 0
        result[matched] = self.usable[assigned[matched]]
        return result

    # --- steps ---------------------------------------------------------------------------

    def _assign(self, rows: np.ndarray, columns: np.ndarray, terms: np.ndarray) -> np.ndarray:
        """Optimal assignment on the candidate graph: usable column per pool position or −1."""
        n_slots = int(self.places.sum())
        assigned = np.full(self.n_pool, -1, dtype=np.int64)
        if not len(rows) or not n_slots:
            return assigned
        first_slot = np.concatenate([[0], np.cumsum(self.places)[:-1]])
        copies = self.places[columns]
        edge = np.repeat(np.arange(len(rows)), copies)
        slot = first_slot[columns[edge]] + (
            np.arange(len(edge)) - np.repeat(np.cumsum(copies) - copies, copies)
        )
        top = 2 * self.big + float(np.max(terms)) + 1.0  # every cost > 0: zeros are no edge
        cost = top - self.big - terms[edge]
        if n_slots <= self.n_pool:  # rows = places, columns = mentees + one dummy per place
            n_rows, n_columns = n_slots, self.n_pool + n_slots
            edge_rows, edge_columns = slot, rows[edge]
        else:  # rows = mentees, columns = places + one dummy per mentee
            n_rows, n_columns = self.n_pool, n_slots + self.n_pool
            edge_rows, edge_columns = rows[edge], slot
        dummy_base = n_columns - n_rows
        graph = csr_array(
            (
                np.concatenate([cost, np.full(n_rows, top)]),
                (
                    np.concatenate([edge_rows, np.arange(n_rows)]),
                    np.concatenate([edge_columns, dummy_base + np.arange(n_rows)]),
                ),
            ),
            shape=(n_rows, n_columns),
        )
        graph.sort_indices()
        matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
        real = matched_columns < dummy_base
        matched_rows, matched_columns = matched_rows[real], matched_columns[real]
        slot_column = np.repeat(np.arange(len(self.places)), self.places)
        if n_slots <= self.n_pool:
            assigned[matched_columns] = slot_column[matched_rows]
        else:
            assigned[matched_rows] = slot_column[matched_columns]
        return assigned

    def _duals(
        self, rows: np.ndarray, columns: np.ndarray, terms: np.ndarray, assigned: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Least mentor prices z and per-mentee surplus ``y − BIG`` certifying ``assigned`` on
        the candidate graph (module docstring, step 2); None if they do not exist."""
        n_usable = len(self.usable)
        matched = assigned >= 0
        keys = rows * n_usable + columns  # sorted: the graph is kept sorted
        own_term = np.full(self.n_pool, np.nan)
        holders = np.flatnonzero(matched)
        own_term[holders] = terms[np.searchsorted(keys, holders * n_usable + assigned[holders])]
        lower = np.zeros(n_usable)
        unmatched_edge = ~matched[rows]
        np.maximum.at(lower, columns[unmatched_edge], self.big + terms[unmatched_edge])
        exchange = matched[rows] & (columns != assigned[rows])
        source = assigned[rows[exchange]]
        target = columns[exchange]
        length = own_term[rows[exchange]] - terms[exchange] + CYCLE_EPSILON
        distance = _shortest_distances(n_usable, source, target, length, -lower)
        if distance is None:
            return None
        prices = -distance
        used = np.bincount(assigned[matched], minlength=n_usable)
        scale = TOLERANCE * max(1.0, self.big)
        if np.any(prices[used < self.places] > scale):  # a free place must cost nothing
            return None
        surplus = np.full(self.n_pool, -self.big)
        surplus[holders] = own_term[holders] - prices[assigned[holders]]
        if np.any(surplus[holders] + self.big < -scale):  # y ≥ 0
            return None
        return prices, surplus

    def _violations(
        self,
        suspects: np.ndarray,
        rescore: Callable[[np.ndarray], np.ndarray],
        prices: np.ndarray,
        surplus: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exactly priced pairs of the suspects that break a dual constraint, with the ones of
        the same mentees that come within ``near`` of it; nothing if none breaks one."""
        step = max(1, (1 << 20) // max(1, len(self.usable)))
        found_rows, found_columns, found_terms = [], [], []
        violated = False
        for start in range(0, len(suspects), step):
            chunk = suspects[start : start + step]
            exact = rescore(chunk)[:, self.usable]
            gain = exact - prices[None, :] - surplus[chunk, None]
            violated = violated or bool((gain > TOLERANCE).any())
            rows, columns = np.nonzero(gain > -self.near)
            found_rows.append(chunk[rows])
            found_columns.append(columns)
            found_terms.append(exact[rows, columns])
        if not violated:
            empty = np.empty(0, np.int64)
            return empty, empty, np.empty(0)
        return (
            np.concatenate(found_rows),
            np.concatenate(found_columns).astype(np.int64),
            np.concatenate(found_terms),
        )

    def _suspects(self, prices: np.ndarray, surplus: np.ndarray, margin: float) -> np.ndarray:
        """Pool positions whose best float32 ``u − z`` may exceed their surplus."""
        step = max(1, (1 << 21) // max(1, self.store.shape[1]))
        found = []
        for start in range(0, self.n_pool, step):
            block = self.store[start : start + step]
            gain = np.subtract(block, prices[None, :], out=self._scratch.double(*block.shape))
            best = gain.max(axis=1, initial=-np.inf)
            found.append(start + np.flatnonzero(best > surplus[start : start + step] - margin))
        return np.concatenate([*found, np.empty(0, np.int64)]).astype(np.int64)


class _Scratch:
    """Block-sized arrays the solver reuses from block to block (see
    :class:`~mentoring.matching.scoring.Workspace`); each grows when a block needs more."""

    def __init__(self) -> None:
        self._double = np.empty(0)
        self._single = np.empty(0, dtype=np.float32)

    def double(self, n_rows: int, n_columns: int) -> np.ndarray:
        if self._double.size < n_rows * n_columns:
            self._double = np.empty(n_rows * n_columns)
        return self._double[: n_rows * n_columns].reshape(n_rows, n_columns)

    def single(self, n_rows: int, n_columns: int) -> np.ndarray:
        if self._single.size < n_rows * n_columns:
            self._single = np.empty(n_rows * n_columns, dtype=np.float32)
        return self._single[: n_rows * n_columns].reshape(n_rows, n_columns)


def _best_per_row(
    values: np.ndarray, count: int, scratch: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the ``count`` largest values of every row, best first, ties to
    the lower column; −inf pads rows with fewer finite values. ``count`` rounds of argmax:
    far cheaper than partitioning every row. ``values`` stays as it is, unless it is
    ``scratch`` itself (a copy of it is overwritten otherwise)."""
    n_rows, n_columns = values.shape
    rounds = min(count, n_columns)
    columns = np.zeros((n_rows, count), dtype=np.intp)
    found = np.full((n_rows, count), -np.inf, dtype=values.dtype)
    if not n_rows or not rounds:
        return columns, found
    if scratch is None:
        scratch = values.copy()
    elif scratch is not values:
        np.copyto(scratch, values)
    every_row = np.arange(n_rows)
    for position in range(rounds):
        best = scratch.argmax(axis=1)
        columns[:, position] = best
        found[:, position] = scratch[every_row, best]
        scratch[every_row, best] = -np.inf
    return columns, found


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, np.intp)


def _unique_edges(
    rows: np.ndarray, columns: np.ndarray, terms: np.ndarray, n_columns: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys, first = np.unique(rows * n_columns + columns, return_index=True)
    return keys // n_columns, keys % n_columns, terms[first]


def _shortest_distances(
    n: int, source: np.ndarray, target: np.ndarray, length: np.ndarray, start: np.ndarray
) -> np.ndarray | None:
    """Bellman–Ford from a virtual source with edges of length ``start`` to every node,
    vectorised: each pass relaxes every edge at once. None on a negative cycle."""
    distance = start.astype(np.float64).copy()
    if not len(source):
        return distance
    order = np.lexsort((length, target))
    source, target, length = source[order], target[order], length[order]
    starts = np.flatnonzero(np.r_[True, target[1:] != target[:-1]])
    targets = target[starts]
    for _pass in range(n + 1):
        best = np.minimum.reduceat(distance[source] + length, starts)
        better = best < distance[targets]
        if not better.any():
            return distance
        distance[targets[better]] = best[better]
    return None


class DenseSolver:
    """The slot-expanded cost matrix, stored with rows = the smaller side so that scipy
    solves it in place (no transposed or negated copy)."""

    def __init__(self, n_pool: int, slot_mentor: np.ndarray, big: float) -> None:
        self.slot_mentor = slot_mentor
        self.big = big
        self.transposed = n_pool > len(slot_mentor)
        shape = (len(slot_mentor), n_pool) if self.transposed else (n_pool, len(slot_mentor))
        self.matrix = np.empty(shape)  # every cell is written: all pool mentees pass add()

    def add(self, first: int, terms: np.ndarray) -> None:
        """Terms of consecutive pool mentees from pool position ``first`` against every mentor
        (−inf where infeasible)."""
        costs = np.where(np.isfinite(terms), -(self.big + terms), 0.0)
        end = first + len(costs)
        if self.transposed:
            # expand a contiguous mentor × mentee copy row-wise: ~7× faster than writing
            # the transpose of a mentee × slot expansion
            self.matrix[:, first:end] = np.ascontiguousarray(costs.T)[self.slot_mentor]
        else:
            self.matrix[first:end] = costs[:, self.slot_mentor]

    def solve(self) -> np.ndarray:
        """The optimal mentor per pool position, −1 for none."""
        n_pool = self.matrix.shape[0 if not self.transposed else 1]
        assigned = np.full(n_pool, -1, dtype=np.int64)
        if self.matrix.size == 0:
            return assigned
        rows, columns = linear_sum_assignment(self.matrix)
        chosen = self.matrix[rows, columns] < 0
        rows, columns = rows[chosen], columns[chosen]
        if self.transposed:
            rows, columns = columns, rows
        assigned[rows] = self.slot_mentor[columns]
        return assigned
