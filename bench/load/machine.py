"""Whether the machine is quiet enough to measure (bench/load/__main__.py waits for it)."""

from __future__ import annotations

import time
from pathlib import Path


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat (Linux)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and waiting for I/O
    return sum(fields) - idle, sum(fields)


def settle(limit: float, *, window: float = 2.0, quiet: float = 0.15) -> str:
    """Wait until the machine is quiet before measuring: after the topology starts, its worker
    runs the tasks that seeding and the video queued, and the object store writes the video.
    Measured meanwhile, the first rows (the trivial view) come out slow and every ratio to them
    too kind. Quiet: under ``quiet`` of the CPUs busy over ``window`` seconds; at most ``limit``
    seconds. Says what it saw, for the report."""
    started = time.monotonic()
    while True:
        before = _cpu_times()
        time.sleep(window)
        after = _cpu_times()
        if before is None or after is None:
            return "machine load unknown (no /proc/stat)"
        busy = (after[0] - before[0]) / max(1, after[1] - before[1])
        waited = time.monotonic() - started
        if busy < quiet:
            return f"quiet after {waited:.0f} s ({busy:.0%} busy over {window:g} s)"
        if waited >= limit:
            return f"still {busy:.0%} busy after {waited:.0f} s: measured anyway"
