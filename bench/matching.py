"""Matching engine on synthetic cohorts: 100, 1,000 and 10,000 mentees, 40 % as many mentors
with capacities 1–3, the cross-mentoring criteria of ``tests.support.matching_cohorts``.

Each size runs in a fresh subprocess, so that its peak resident memory (VmHWM, which sees
numpy's and scipy's C allocations alike) belongs to that size alone; the high-water mark is
reset just before the measured run, and the figure shown is the process's peak RSS with the
growth during the engine run in brackets. No database is needed.

The note compares the optimum with the greedy baseline (total score, mean pair score of the
weakest decile, 0–100) and checks it against an independent exact solution:

* up to 1,000 mentees: pairs scored one by one with the registry's pairwise functions (not
  the engine's vectorised ones) and solved by scipy's sparse LAPJVsp
  (``min_weight_full_bipartite_matching``) with one "unmatched" dummy per mentee;
* 10,000 mentees: the engine's scores (``score_matrix``) re-solved from scratch as one dense
  maximisation with ``linear_sum_assignment`` — an independent assembly of the problem,
  though the same solver family.

Targets (issue 18): 100 mentees ≤ 0.05 s; 1,000 mentees ≤ 0.1 s; 10,000 mentees ≤ 5 s and
≤ 1 GB peak RSS; every size the exact optimum (✓); the fairness variants keep the number of
matches.

Run alone with ``python -m bench.matching``."""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bench.common import Row, within
from mentoring.matching import CRITERION_KINDS, MatchingConfig, match, score_matrix
from tests.support.matching_cohorts import cross_mentoring_criteria, generate_cohort
from tests.support.matching_oracles import greedy_baseline

ROOT = Path(__file__).resolve().parents[1]
SEED = 20_250_601
SIZES = (100, 1_000, 10_000)
REPEATS = {100: 50, 1_000: 15, 10_000: 1}
FAIRNESS_SIZE = 1_000
TOLERANCE = 1e-6
TARGET_SECONDS = {100: 0.05, 1_000: 0.1, 10_000: 5.0}
TARGET_MIB = 1024


def run() -> list[Row]:
    rows = []
    for size in SIZES:
        figures = _in_subprocess(size)
        rows.append(_engine_row(figures))
        rows.extend(_fairness_row(figures, variant) for variant in figures.get("fairness", {}))
    return rows


# --- parent: run a child per size and format its figures -------------------------------------


def _in_subprocess(size: int) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "bench.matching", "--child", str(size)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.matching {size} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _engine_row(figures: dict) -> Row:
    durations = sorted(figures["durations"])
    greedy_gain = _percent_change(figures["total"], figures["greedy_total"])
    note = (
        f"total {figures['total']:.1f} vs greedy {figures['greedy_total']:.1f} ({greedy_gain:+.1f} %), "
        f"matched {figures['matched']} vs {figures['greedy_matched']}, "
        f"weakest decile {figures['weakest']:.0f} vs {figures['greedy_weakest']:.0f}, "
        f"optimum {figures['check']}, solve {_duration(figures['phases']['solve'])}, "
        f"CPU p50 {_duration(statistics.median(figures['cpu']))}"
    )
    seconds = statistics.median(durations)
    limit = TARGET_SECONDS.get(figures["size"], 5.0)
    target = f"p50 ≤ {_duration(limit)}, optimum ✓"
    met = seconds <= limit and figures["check"].startswith("✓")
    if figures["size"] >= 10_000:
        target += f", ≤ {TARGET_MIB} MiB"
        met = met and figures["peak_mib"] <= TARGET_MIB
    row = Row(
        name="matching (optimal)",
        size=f"{figures['size']:,} mentees × {figures['mentors']:,} mentors ({figures['slots']:,} slots)",
        p50=_duration(statistics.median(durations)),
        p95=_duration(durations[max(0, math.ceil(len(durations) * 0.95) - 1)]),
        max=_duration(durations[-1]),
        queries="-",
        memory=f"{figures['peak_mib']:.0f} MiB (+{figures['growth_mib']:.0f})",
        note=note,
    )
    return within(row, target, met)


def _fairness_row(figures: dict, variant: str) -> Row:
    data = figures["fairness"][variant]
    change = _percent_change(data["total"], figures["total"])
    same = (
        "same"
        if data["matched"] == figures["matched"]
        else f"{data['matched']} vs {figures['matched']} ✗"
    )
    row = Row(
        name=f"matching ({variant})",
        size=f"{figures['size']:,} mentees",
        p50=_duration(data["seconds"]),
        p95="-",
        max="-",
        queries="-",
        note=(
            f"total {data['total']:.1f} ({change:+.1f} % vs plain), weakest decile {data['weakest']:.0f} "
            f"vs {figures['weakest']:.0f}, waited-longest quartile matched {data['waiters']:.0%} vs "
            f"{figures['waiters']:.0%}, matched {same}"
        ),
    )
    return within(row, "matched = plain", data["matched"] == figures["matched"])


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _percent_change(value: float, reference: float) -> float:
    return 100 * (value - reference) / reference if reference else 0.0


# --- child: measure one size -----------------------------------------------------------------


def _child(size: int) -> dict:
    cohort = generate_cohort(size, seed=SEED)
    config = MatchingConfig(cross_mentoring_criteria())
    repeats = REPEATS.get(size, 1)
    if repeats > 1:  # warm up, time, then measure memory in a run of its own
        match(cohort.mentees, cohort.mentors, config)
        timings = [
            _timed_both(lambda: match(cohort.mentees, cohort.mentors, config))
            for _ in range(repeats)
        ]
    baseline = _reset_peak_rss()
    started, started_cpu = time.perf_counter(), time.process_time()
    result = match(cohort.mentees, cohort.mentors, config)
    if repeats == 1:  # too slow to repeat: the one run is timed and measured
        timings = [(time.perf_counter() - started, time.process_time() - started_cpu)]
    durations = [wall for wall, _cpu in timings]
    peak = _peak_rss_mib()
    greedy = greedy_baseline(cohort.mentees, cohort.mentors, config)
    figures = {
        "size": size,
        "mentors": len(cohort.mentors),
        "slots": result.stats.slots,
        "durations": durations,
        "cpu": [cpu for _wall, cpu in timings],
        "peak_mib": peak,
        "growth_mib": peak - baseline,
        "phases": result.stats.seconds,
        "total": result.total_score,
        "matched": result.matched_count,
        "weakest": _weakest_decile(result),
        "waiters": _waiters_matched(cohort.mentees, result),
        "greedy_total": greedy.total_score,
        "greedy_matched": greedy.matched_count,
        "greedy_weakest": _weakest_decile(greedy),
    }
    figures["check"] = _check(cohort, config, result)
    if size == FAIRNESS_SIZE:
        figures["fairness"] = {
            variant: _fairness(cohort, config, variant)
            for variant in ("lift_weakest", "waiting_longest")
        }
    return figures


def _fairness(cohort, config, variant: str) -> dict:
    variant_config = replace(config, fairness=variant)
    seconds = statistics.median(
        _timed(lambda: match(cohort.mentees, cohort.mentors, variant_config)) for _ in range(3)
    )
    result = match(cohort.mentees, cohort.mentors, variant_config)
    return {
        "seconds": seconds,
        "total": result.total_score,
        "matched": result.matched_count,
        "weakest": _weakest_decile(result),
        "waiters": _waiters_matched(cohort.mentees, result),
    }


def _timed_both(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (the CPU time of this process: what a loaded machine
    does not inflate much)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - started_cpu


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _weakest_decile(result) -> float:
    scores = sorted(pair.score for pair in result.pairs)
    if not scores:
        return 0.0
    return statistics.fmean(scores[: max(1, math.ceil(len(scores) / 10))])


def _waiters_matched(mentees, result) -> float:
    """Share of the longest-waiting quarter of active mentees that got a mentor."""
    active = sorted((m for m in mentees if not m.paused), key=lambda m: (m.waiting_since, m.id))
    waiters = {m.id for m in active[: max(1, len(active) // 4)]}
    matched = {pair.mentee_id for pair in result.pairs}
    return len(waiters & matched) / len(waiters) if waiters else 0.0


def _check(cohort, config, result) -> str:
    if len(cohort.mentees) <= 1_000:
        count, total = _pairwise_sparse_optimum(cohort.mentees, cohort.mentors, config)
        method = "pairwise scores + sparse LAPJVsp"
    else:
        count, total = _dense_optimum(cohort.mentees, cohort.mentors, config)
        method = "dense re-solve"
    if count == result.matched_count and abs(total - result.total_score) <= TOLERANCE * max(
        1.0, abs(total)
    ):
        return f"✓ ({method})"
    return f"✗ ({method}: {count} pairs, total {total:.3f})"


def _pairwise_sparse_optimum(mentees: Sequence, mentors: Sequence, config) -> tuple[int, float]:
    """Exact optimum from scratch: no engine code beyond the criterion registry."""
    kinds = [CRITERION_KINDS[criterion.kind] for criterion in config.criteria]
    people = [m for m in mentees if not m.paused]
    slots = [m for m in mentors if not m.paused for _ in range(m.capacity)]
    scores: dict[tuple[int, int], float] = {}
    for i, mentee in enumerate(people):
        for j, mentor in enumerate(mentors):
            score = _pair_score(mentee, mentor, config.criteria, kinds)
            if score is not None and not mentor.paused:
                scores[(i, j)] = score
    big = config.max_pair_score * min(len(people), len(slots)) + 1
    top = 2 * big + config.max_pair_score + 1  # every cost stays positive: sparse zeros are no edge
    mentor_position = {id(m): j for j, m in enumerate(mentors)}
    edges = [
        (i, s, top - big - scores[(i, mentor_position[id(slot)])])
        for i in range(len(people))
        for s, slot in enumerate(slots)
        if (i, mentor_position[id(slot)]) in scores
    ]
    edges += [(i, len(slots) + i, top) for i in range(len(people))]  # "unmatched"
    rows, columns, costs = (np.array(values) for values in zip(*edges, strict=True))
    graph = csr_array(
        (costs.astype(float), (rows, columns)), shape=(len(people), len(slots) + len(people))
    )
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    pairs = [
        (i, s)
        for i, s in zip(matched_rows.tolist(), matched_columns.tolist(), strict=True)
        if s < len(slots)
    ]
    total = sum(scores[(i, mentor_position[id(slots[s])])] for i, s in sorted(pairs))
    return len(pairs), total


def _pair_score(mentee, mentor, criteria, kinds) -> float | None:
    total = 0.0
    for criterion, kind in zip(criteria, kinds, strict=True):
        raw = kind.checked_score(
            mentee.attributes.get(criterion.mentee_attribute),
            mentor.attributes.get(criterion.mentor_attribute),
            criterion,
        )
        if not criterion.allows(raw):
            return None
        total += criterion.weight * raw
    return total


def _dense_optimum(mentees: Sequence, mentors: Sequence, config) -> tuple[int, float]:
    """Exact optimum of the engine's scores, assembled and solved independently."""
    matrix = score_matrix(mentees, mentors, config)
    capacity = {m.id: 0 if m.paused else m.capacity for m in mentors}
    slot_mentor = np.repeat(
        np.arange(len(matrix.mentor_ids)), [capacity[i] for i in matrix.mentor_ids]
    )
    big = config.max_pair_score * min(len(mentees), len(slot_mentor)) + 1
    weights = matrix.raw[:, slot_mentor]
    weights += big
    weights[~matrix.feasible[:, slot_mentor]] = 0.0
    rows, columns = linear_sum_assignment(weights, maximize=True)
    chosen = weights[rows, columns] > 0
    del weights
    return int(chosen.sum()), float(
        sum(matrix.raw[rows[chosen], slot_mentor[columns[chosen]]].tolist())
    )


def _status_mib(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> float:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0) and return that RSS in MiB."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass  # the peak then includes earlier allocations: an overestimate, never an under-
    return _status_mib("VmRSS")


def _peak_rss_mib() -> float:
    return _status_mib("VmHWM")


def main(argv: Sequence[str]) -> int:
    if len(argv) == 2 and argv[0] == "--child":
        print(json.dumps(_child(int(argv[1]))))
        return 0
    from bench.__main__ import print_table

    print_table(run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
