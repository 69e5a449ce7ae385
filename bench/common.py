import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Row:
    name: str
    size: str
    p50: str
    p95: str
    max: str
    queries: str
    memory: str = "-"
    note: str = ""
    target: str = "-"
    met: bool | None = None  # None: the row has no target of its own


def within(row: Row, target: str, met: bool) -> Row:
    """The row with its target and whether it was met."""
    row.target, row.met = target, met
    return row


def measure(
    name: str,
    size: str,
    action: Callable[[], object],
    *,
    repeat: int = 100,
    note: str = "",
    p95_ms: float | None = None,
) -> Row:
    """Time ``action``; with ``p95_ms`` the row's target is a p95 at most that long."""
    action()  # warm caches, as a running server would have them
    with CaptureQueriesContext(connection) as queries:
        result = action()
    query_count = len(queries.captured_queries)  # read now: every request resets the log
    status = getattr(result, "status_code", 200)
    if status != 200:
        raise RuntimeError(f"{name}: answered {status}")
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        durations.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()  # memory in a separate pass: tracing slows every allocation
    action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1]
    return Row(
        name=name,
        size=size,
        p50=f"{statistics.median(durations):.1f} ms",
        p95=f"{p95:.1f} ms",
        max=f"{durations[-1]:.1f} ms",
        queries=str(query_count),
        memory=f"{peak / 1024 / 1024:.1f} MiB",
        note=note,
        target="-" if p95_ms is None else f"p95 ≤ {p95_ms:g} ms",
        met=None if p95_ms is None else p95 <= p95_ms,
    )
