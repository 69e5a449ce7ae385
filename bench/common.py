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


def measure(
    name: str, size: str, action: Callable[[], object], *, repeat: int = 100, note: str = ""
) -> Row:
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
    return Row(
        name=name,
        size=size,
        p50=f"{statistics.median(durations):.1f} ms",
        p95=f"{durations[int(len(durations) * 0.95) - 1]:.1f} ms",
        max=f"{durations[-1]:.1f} ms",
        queries=str(query_count),
        memory=f"{peak / 1024 / 1024:.1f} MiB",
        note=note,
    )
